//! G2: every response body conforms to the model's output or error shape.

use serde_json::Value;

use super::failure::CheckFailure;
use crate::client::{Body, Exchange};
use crate::model::{Direction, Model};

/// An error body with its message under the name the error's shape gives it: the decoder
/// reads `message` and `Message` alike (as the SDKs do) and keeps it as `message`.
fn message_as_modelled(model: &Model, error_type: &str, body: &Value) -> Value {
    let capital = model
        .shape(error_type)
        .is_some_and(|s| s.members.contains_key("Message") && !s.members.contains_key("message"));
    let mut body = body.clone();
    if capital
        && let Some(object) = body.as_object_mut()
        && let Some(message) = object.remove("message")
    {
        object.insert("Message".into(), message);
    }
    body
}

pub fn check_schema(model: &Model, exchange: &Exchange) -> Result<(), CheckFailure> {
    let Some(response) = exchange.response() else {
        return Ok(());
    };
    let result = match &response.body {
        // An explicit null is an absent member to every SDK: drop nulls before validating.
        Body::Success(body) => model.check_output(&exchange.operation, &without_nulls(body)),
        Body::Error(error) => {
            if model.shape(&error.error_type).is_some_and(|s| s.exception) {
                let body = message_as_modelled(model, &error.error_type, &error.body);
                model.check(&error.error_type, Direction::Output, &without_nulls(&body))
            } else {
                Ok(Vec::new()) // protocol-level errors have no modelled shape
            }
        }
        Body::Malformed(_) => Ok(Vec::new()),
    };
    let violations = result.map_err(|e| CheckFailure::new("G2", e.to_string()))?;
    if violations.is_empty() {
        return Ok(());
    }
    let shape = match &response.body {
        Body::Error(e) => e.error_type.clone(),
        _ => format!("{}Output", exchange.operation),
    };
    let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
    Err(CheckFailure::new(
        "G2",
        // The headline names the rule, not the value, so a report says the same in every run;
        // the values are in `actual`.
        format!(
            "the answer does not conform to {shape}: {}",
            violations[0].without_value()
        ),
    )
    .expected(format!("a body valid against {shape}"))
    .actual(list.join("\n")))
}

fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}
