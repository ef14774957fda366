//! The contract under test: the coverage matrix, the oracle the fuzzer follows (what a
//! faithful endpoint must answer to a history of calls), and contract profiles, which decide
//! the points the documentation leaves open. The clauses themselves are a service pack's data
//! (`service::Clause`), each with its anchor in CONTRACT.md. Harness side only: the emulator
//! never uses this module.

mod coverage;
pub mod oracle;
mod profile;

pub use crate::service::Clause;
pub use coverage::{Cell, Matrix};
pub use profile::{DeletedMetadata, Deviations, Profile, ProfileError};
