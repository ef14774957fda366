//! Reading members of an already validated input.

use serde_json::{Map, Value};

use crate::endpoint::proton::error::ErrorAnswer;

pub fn required_str<'a>(
    input: &'a Map<String, Value>,
    member: &str,
) -> Result<&'a str, ErrorAnswer> {
    optional_str(input, member)
        .ok_or_else(|| ErrorAnswer::validation(format!("{member} is required")))
}

pub fn optional_str<'a>(input: &'a Map<String, Value>, member: &str) -> Option<&'a str> {
    input.get(member).and_then(Value::as_str)
}

/// A version part ("1", "12") as a number.
pub fn version_part(input: &Map<String, Value>, member: &str) -> Result<Option<u32>, ErrorAnswer> {
    match optional_str(input, member) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| {
            ErrorAnswer::validation(format!("{member} {text:?} is not a version number"))
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

/// The `tags` member as key/value pairs.
pub fn tags_of(input: &Map<String, Value>) -> Vec<(String, String)> {
    input
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                t["key"].as_str()?.to_string(),
                t["value"].as_str()?.to_string(),
            ))
        })
        .collect()
}
