//! `proton-conform fuzz`: stateful contract fuzzing. Generates sequences of calls (creates with
//! and without tokens, exact and changed retries, updates, deletes, clock moves around the
//! boundaries, lost responses, bursts), asks the oracle (`contract::oracle`) what
//! each must answer, writes that as a scenario and runs it against the endpoint with the same
//! runner and checks as `run`. A failing sequence is shrunk, rerun once to rule out flakiness,
//! and saved as a scenario file that `run` replays as is.

mod machine;
mod render;

mod config;
mod search;

pub use config::{Counterexample, FuzzConfig, FuzzReport};
pub use machine::Abilities;
pub use search::{counterexample_path, fuzz};
