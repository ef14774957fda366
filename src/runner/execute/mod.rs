//! Executing one scenario. Its read-only context ([`scope::Scope`]) and what it remembers as it
//! runs ([`memory::Memory`]) are passed to each kind of step, one file each.

mod client;
mod memory;
mod scenario;
mod scope;
mod send;
mod snapshot;
mod step;
mod wait;

pub(super) use memory::tag_with_run;
pub use scenario::{ScenarioEnv, run_scenario};
