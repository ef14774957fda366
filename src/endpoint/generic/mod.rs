//! The generic endpoint of any service pack (`serve --service NAME`, and the embedded endpoint
//! of a run with a pack no deep emulator implements): it answers every operation of
//! the model with schema-valid synthesized outputs and keeps the pack's token contract (a retry
//! with the same token and parameters gets the stored answer or the documented error; other
//! parameters get the documented mismatch error; the window is kept on the endpoint's clock).
//! Its fault switches each break one clause, to prove that the generated scenarios catch them.
//!
//! It meets the harness only over HTTP, like every embedded endpoint, and knows the contract from
//! the pack, as the harness does.

mod faults;
mod routes;
mod state;
mod store;
mod tokens;

pub use faults::{FAULTS, Fault, FaultSet};
pub use state::Generic;
