//! Validating a client (an SDK, a CLI): a driver command makes calls against the endpoint, the
//! endpoint's request log shows every attempt, and the attempts are checked against what the
//! contract asks of clients (CONTRACT.md: tokens filled once per call, reused on retries,
//! new for each call, within the model's pattern; only safe errors retried).

mod checks;
mod driver;
pub mod sweep;
mod table;

pub use checks::{Attempt, CallRecord, check_calls};
pub use driver::{Driver, ModelSet, SHIPPED, run_calls};
pub use table::{TABLE_END, TABLE_START, replace_table, table};
