//! The Proton emulator: the deep reference endpoint of the default pack. It speaks the Proton
//! API with the contract's semantics, on a virtual clock, behind the shared host and control
//! API.
//!
//! It implements the contract in its own code and shares nothing with the harness but the
//! model: the harness reaches it only over HTTP.

mod error;
mod faults;
mod front_door;
mod lifecycle;
mod ops;
mod sigv4;
mod state;
mod tokens;

pub use faults::{CATALOGUE as FAULTS, Fault, FaultSet};
pub use ops::implemented;
pub use sigv4::{TEST_ACCESS_KEY, TEST_SECRET_KEY, Verifier};
pub use state::{Config, Emulator};

/// The botocore model the emulator implements.
pub const MODEL: &str = "proton-2020-07-20";
