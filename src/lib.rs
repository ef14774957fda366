//! proton-conform: a contract-conformance harness for the AWS Proton API.

pub mod client;
pub mod contract;
pub mod emulator;
pub mod model;
pub mod diagnostic;
pub mod scenario;
