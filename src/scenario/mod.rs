//! The scenario language: YAML files of API call sequences, parsed purely from text with
//! positions kept down to every member, then checked against the model.

pub mod ast;
mod constraints;
pub mod files;
pub mod node;
mod parse;
mod raw;
pub mod template;

pub use crate::duration::parse_duration;
pub use ast::{
    Action, Capability, ClientCall, Expect, ExpectRequests, ExpectedOutcome, Injection, Phase,
    Poll, Scenario, Step, When,
};
pub use parse::{MAX_FILE_BYTES, parse};

/// The JSON Schema of the scenario file format, generated from the types serde reads, for
/// editors (`proton-conform schema scenario`).
pub fn file_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(raw::RawScenario).to_value();
    schema["title"] = "proton-conform scenario".into();
    schema["description"] =
        "A sequence of AWS API calls and what their answers must be. See scenarios/README.md."
            .into();
    schema
}
