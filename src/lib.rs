//! proton-conform: a contract-conformance harness for the idempotency contracts of AWS APIs.
//! A service is a parameter: its botocore model and its pack of contract data (`src/packs/`);
//! see ARCHITECTURE.md for the flow from scenario to report.

pub mod check;
pub mod cleanup;
pub mod client;
pub mod conformance;
pub mod contract;
pub mod diagnostic;
pub mod duration;
pub mod endpoint;
pub mod error;
pub mod event;
pub mod fuzz;
pub mod generate;
pub mod model;
pub mod protocol;
pub mod redact;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod sdk;
pub mod service;
pub mod snapshot;
pub mod synth;
