//! G3: the answer is valid in the service's protocol, and an error is one the operation may send.

use super::failure::CheckFailure;
use crate::client::{Body, Exchange, Outcome};
use crate::model::{COMMON_ERRORS, Model};

/// Whether the operation's answer body is a blob or string payload, not JSON.
fn raw_payload(model: &Model, operation: &str) -> bool {
    let Some(output) = model
        .operation(operation)
        .and_then(|o| o.output.as_ref())
        .and_then(|o| model.shape(&o.shape))
    else {
        return false;
    };
    output
        .payload
        .as_ref()
        .and_then(|p| output.members.get(p))
        .and_then(|m| model.shape(&m.shape))
        .is_some_and(|s| {
            matches!(
                s.kind,
                crate::model::ShapeKind::Blob | crate::model::ShapeKind::String
            )
        })
}

pub fn check_protocol(model: &Model, exchange: &Exchange) -> Result<(), CheckFailure> {
    let protocol = model.metadata.protocol_name();
    let Outcome::Response(response) = &exchange.outcome else {
        return Ok(()); // transport problems are errors, handled by the runner
    };
    let content_type = response.header("content-type").unwrap_or("");
    let json_type = ["application/x-amz-json", "application/json"]
        .iter()
        .any(|t| content_type.starts_with(t));
    // A blob or string payload comes in its own media type.
    let raw_payload =
        matches!(response.body, Body::Success(_)) && raw_payload(model, &exchange.operation);
    if !content_type.is_empty() && !json_type && !raw_payload && !response.raw.trim().is_empty() {
        return Err(CheckFailure::new(
            "G3",
            format!(
                "the answer's content type {content_type:?} is not {protocol} ({})",
                model.metadata.answer_content_type()
            ),
        )
        .actual(truncate(&response.raw, 500)));
    }
    match &response.body {
        Body::Malformed(reason) => Err(CheckFailure::new(
            "G3",
            format!(
                "the answer (HTTP {}) is not valid {protocol}: {reason}",
                response.status
            ),
        )
        .actual(truncate(&response.raw, 500))),
        Body::Success(body) => {
            // An error's type in the body or the error-type header, as every protocol spells
            // it: on a 2xx, the SDKs take the answer for a success and lose the error.
            let raw: Option<serde_json::Value> = serde_json::from_str(&response.raw).ok();
            let in_body = [body, raw.as_ref().unwrap_or(body)]
                .into_iter()
                .find_map(|b| b.get("__type").and_then(|t| t.as_str()).map(String::from));
            let what = match (in_body, response.header("x-amzn-errortype")) {
                (Some(t), _) => format!("an error body (__type {t:?})"),
                (None, Some(t)) => format!("an error type in x-amzn-ErrorType ({t:?})"),
                (None, None) => return Ok(()),
            };
            Err(
                CheckFailure::new("G3", format!("a {} answer carries {what}", response.status))
                    .actual(truncate(&response.raw, 500)),
            )
        }
        Body::Error(error) => {
            let name = error.error_type.as_str();
            let declared = model.declares_error(&exchange.operation, name);
            if declared || COMMON_ERRORS.contains(&name) {
                Ok(())
            } else {
                Err(CheckFailure::new(
                    "G3",
                    format!("{} does not declare the error {name}", exchange.operation),
                )
                .expected(declared_errors(model, &exchange.operation))
                .actual(format!(
                    "{name} (HTTP {}): {}",
                    response.status,
                    error.message.as_deref().unwrap_or("")
                )))
            }
        }
    }
}

fn declared_errors(model: &Model, operation: &str) -> String {
    model
        .operation(operation)
        .map(|op| {
            let names: Vec<&str> = op.errors.iter().map(|e| e.shape.as_str()).collect();
            format!("one of {} or a protocol-level error", names.join(", "))
        })
        .unwrap_or_default()
}

pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let cut = (0..=max)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    format!("{}… ({} bytes)", &text[..cut], text.len())
}
