//! proton-conform: a contract-conformance harness for the AWS Proton API.

pub mod check;
pub mod client;
pub mod contract;
pub mod diagnostic;
pub mod emulator;
pub mod event;
pub mod fuzz;
pub mod model;
pub mod redact;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod sdk;
pub mod snapshot;
