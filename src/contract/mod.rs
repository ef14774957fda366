//! The contract under test: clauses (their catalogue is a service pack's data), the coverage
//! matrix, the oracle the fuzzer follows (what a faithful endpoint must answer to a history of calls), and contract profiles, which decide the
//! points the documentation leaves open. Harness side only: the emulator never uses this module.

mod clauses;
mod coverage;
pub mod oracle;
mod profile;

pub use crate::service::Clause;
pub use clauses::clause_link;
pub use coverage::{Cell, Matrix};
pub use profile::{DeletedMetadata, Profile, ProfileError};
