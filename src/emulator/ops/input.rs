//! Reading members of an already validated input.

use serde_json::{Map, Value};

use crate::emulator::error::ApiError;

pub fn required_str<'a>(input: &'a Map<String, Value>, member: &str) -> Result<&'a str, ApiError> {
    optional_str(input, member)
        .ok_or_else(|| ApiError::validation(format!("1 validation error: {member} is required")))
}

pub fn optional_str<'a>(input: &'a Map<String, Value>, member: &str) -> Option<&'a str> {
    input.get(member).and_then(Value::as_str)
}

/// A version part ("1", "12") as a number.
pub fn version_part(input: &Map<String, Value>, member: &str) -> Result<Option<u32>, ApiError> {
    match optional_str(input, member) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| {
            ApiError::validation(format!("{member} {text:?} is not a version number"))
        }),
    }
}

/// The request's parameters as compared for idempotency: the input without the token and
/// without explicit nulls (a null member is an absent member).
pub fn idempotency_params(input: &Map<String, Value>, token_member: Option<&str>) -> Value {
    Value::Object(
        input
            .iter()
            .filter(|(k, v)| Some(k.as_str()) != token_member && !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// The first member whose value differs between two parameter sets, for the mismatch message.
pub fn first_difference(original: &Value, retry: &Value) -> String {
    let (Some(a), Some(b)) = (original.as_object(), retry.as_object()) else {
        return "parameters".into();
    };
    a.keys()
        .chain(b.keys())
        .find(|k| a.get(*k) != b.get(*k))
        .map(|k| format!("{k} differs from the original request"))
        .unwrap_or_else(|| "parameters differ".into())
}
