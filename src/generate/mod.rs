//! Scenarios generated from a service pack and its model: for each operation that takes a
//! token, one scenario per clause its documentation decides, and for a retry the reads that
//! show its effects.

mod effect;
mod infer;
mod scenarios;
mod tokens;
mod uses;

pub use effect::{Probe, probe};
pub use scenarios::{Coverage, Generated, generate};
