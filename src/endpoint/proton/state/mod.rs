//! The emulator's state: configuration, the store of resources behind one lock, and the
//! instance that holds them with the control state.

mod config;
mod emulator;
pub mod records;
mod store;

pub use config::Config;
pub use emulator::Emulator;
pub use store::{ResourceKey, Store, TemplateKind};
