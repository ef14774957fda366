//! The contract under test: the clause catalogue (CT1..G3) with where each clause applies, and
//! contract profiles, which decide the points the documentation leaves open. Harness side only:
//! the emulator never uses this module.

mod clauses;
mod coverage;
mod profile;
pub mod reference;

pub use clauses::{
    CLAUSES, Clause, MODEL_ONLY_TOKEN_OPERATIONS, OPERATIONS, applies, clause, clause_link,
};
pub use coverage::{Cell, Matrix};
pub use profile::{DeletedMetadata, Profile, ProfileError};
