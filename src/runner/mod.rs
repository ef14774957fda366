//! Runs scenarios concurrently against a target, each in its own namespace (run prefix), with
//! setup and teardown that always run, and emits events for the reporters.
//!
//! Isolation: against the embedded emulator, scenarios that move the clock, set faults or read
//! the request log get their own in-process instance (their own clock and store), so even they
//! run in parallel; the others share one instance, as they would share an endpoint. Against a shared
//! endpoint, scenarios that change endpoint-wide state (the clock, faults) hold a write lock and
//! run alone; the others share a read lock.

mod config;
pub mod dry_run;
mod embedded;
mod execute;
mod run;
mod target;
mod waiting;

pub use config::{RunConfig, Target};
pub use execute::{ScenarioEnv, run_scenario};
pub use run::{run, run_collect};
pub use target::{Capabilities, advance_clock};
