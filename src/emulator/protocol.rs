//! The awsJson1_0 front door: `POST /` with `X-Amz-Target`, JSON in, JSON out.

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::error::ApiError;
use super::ops::{self, Ctx};
use super::state::Emulator;
use crate::model::{Model, Validators};

const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

pub async fn handle(
    State(emulator): State<Arc<Emulator>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match answer(&emulator, &headers, body).await {
        Ok(value) => {
            let mut response = (StatusCode::OK, value.to_string()).into_response();
            response
                .headers_mut()
                .insert("content-type", HeaderValue::from_static(CONTENT_TYPE));
            response
        }
        Err(error) => error.into_response(),
    }
}

async fn answer(emulator: &Emulator, headers: &HeaderMap, body: Body) -> Result<Value, ApiError> {
    let model = Model::get();
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::unknown_operation("missing X-Amz-Target header"))?;
    let operation = target
        .strip_prefix(model.metadata.target_prefix.as_str())
        .and_then(|rest| rest.strip_prefix('.'))
        .filter(|op| model.operation(op).is_some())
        .ok_or_else(|| ApiError::unknown_operation(format!("unknown operation {target}")))?;
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with(CONTENT_TYPE) {
        return Err(ApiError::serialization(format!(
            "expected content type {CONTENT_TYPE}, got {content_type:?}"
        )));
    }
    let bytes = to_bytes(body, emulator.config.max_body_bytes)
        .await
        .map_err(|_| {
            ApiError::serialization(format!(
                "request body exceeds {} bytes or could not be read",
                emulator.config.max_body_bytes
            ))
        })?;
    let input = parse_input(&bytes)?;
    let violations = Validators::global()
        .check_input(operation, &Value::Object(input.clone()))
        .map_err(ApiError::validation)?;
    if let Some(first) = violations.first() {
        return Err(ApiError::validation(format!(
            "{} validation error(s); first: {first}",
            violations.len()
        )));
    }
    let handler = ops::handler(operation).ok_or_else(|| {
        ApiError::unknown_operation(format!(
            "{operation} is in the Proton model but not implemented by this emulator"
        ))
    })?;
    let ctx = Ctx {
        now: emulator.clock.now(),
        config: &emulator.config,
    };
    let mut store = emulator.store();
    handler(&mut store, &ctx, &input)
}

fn parse_input(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::serialization(
            "request body must be a JSON object",
        )),
        Err(e) => Err(ApiError::serialization(format!(
            "request body is not valid JSON: {e}"
        ))),
    }
}
