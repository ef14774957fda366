//! The sweep: every operation that carries an idempotency token, in every service a set of
//! botocore models describes, called through an SDK's driver with the harness as the endpoint.
//! Each operation is called twice: without a token (answered by a 500, then a throttle, then a
//! valid answer) and with the caller's token (a dropped connection, then a valid answer); the
//! requests the endpoint logged show whether the SDK kept its four duties ([`duties`]).

mod batch;
pub mod duties;
mod plan;
mod report;
mod run;

pub use crate::endpoint::scripted::{Answer, Logged};
pub use batch::BatchDriver;
pub use duties::{Duties, Finding, Place};
pub use plan::{Plan, Planned, Skipped, plan, protocol_label};
pub use report::{SdkSweep, junit, markdown, summary_json};
pub use run::{Judged, OpResult, sweep};
