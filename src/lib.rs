//! proton-conform: a contract-conformance harness for AWS idempotency contracts, AWS Proton's
//! first (the default service pack).

pub mod check;
pub mod cleanup;
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
pub mod service;
pub mod snapshot;
