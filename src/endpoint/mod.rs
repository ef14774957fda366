//! The embedded endpoints, one wing: a host that serves a backend on a port with the shared
//! `/_conformance/` control API, and three backends: the Proton emulator (the default pack's
//! deep reference), the generic endpoint of any other pack, and the scripted endpoint of
//! `sdk-sweep`. [`Embedded`] picks the one that serves a service.
//!
//! Nothing here is the harness: the harness reaches these endpoints only over HTTP, as it
//! reaches a foreign one, and the Proton emulator shares no contract code with it.

pub mod answer;
pub mod control;
pub mod generic;
mod host;
mod pick;
pub mod proton;
pub mod scripted;

pub use host::{Backend, RunningServer, router, start};
pub use pick::{Embedded, ServeOptions};
