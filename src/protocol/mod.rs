//! The wire protocols of AWS JSON services, driven by the model: awsJson1_0 and awsJson1_1
//! (`POST /` with `X-Amz-Target`) and restJson1 (HTTP bindings). A request is built from an
//! operation and its input in JSON form; an answer is read back into JSON form, or into an
//! error with its type. Proved against the AWS protocol test suites (`tests/protocols.rs`).

mod http;
mod json;
mod pick;
mod rest;
mod rest_server;
pub mod time;

pub use http::{HttpRequest, HttpResponse, Parsed};
pub use json::{from_wire, sdk_input, sdk_output, to_wire};
pub use pick::{error_code, request, response};
pub use rest_server::{
    decode_request as decode_rest_request, encode_response as encode_rest_response,
};
