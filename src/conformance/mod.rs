//! A conformance report of one endpoint (an emulator such as moto) over every pack's generated
//! scenarios: one row per operation and clause in one vocabulary (kept, broken, deviation, not
//! implemented, not reached with its reason, unknown), findings first, with a summary per
//! service and the two figures an endpoint is graded by (coverage and divergence).

mod markdown;
mod row;

pub use markdown::{RUN_BLOCK, RunInfo, markdown, without_run_block};
pub use row::{Judgement, PackRun, Row, first_clause};
