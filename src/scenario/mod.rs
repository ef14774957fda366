//! The scenario language: YAML files of API call sequences, parsed purely from text with
//! positions kept down to every member, then checked against the model.

pub mod ast;
pub mod files;
pub mod node;
mod parse;
mod raw;
pub mod template;

pub use ast::{
    Action, Capability, Expect, ExpectedOutcome, Injection, Phase, Poll, Scenario, Step, When,
};
pub use parse::{MAX_FILE_BYTES, parse, parse_duration};
