//! Proton operations: each takes the store, the request's time and faults, and its (already
//! schema-validated) input, and returns the output body or an error.

pub mod account;
pub mod account_connections;
pub mod components;
pub mod deployments;
pub mod environments;
pub mod service_instances;
pub mod services;
pub mod template_versions;
pub mod templates;

mod context;
mod idempotency;
mod input;
mod paging;
mod table;

pub use context::{Ctx, OpResult, finished_async_delete};
pub use table::{Done, dispatch, implemented};
