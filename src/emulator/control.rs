//! The `/_conformance/` control API: capabilities, the virtual clock, reset.
//! Documented in the README so that other emulators can offer the same.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::clock::{SECOND, epoch_seconds};
use super::state::Emulator;

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

pub async fn capabilities() -> Response {
    json_response(
        StatusCode::OK,
        json!({ "clock": true, "reset": true, "faults": [] }),
    )
}

pub async fn clock(State(emulator): State<Arc<Emulator>>, body: Bytes) -> Response {
    let seconds = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("advanceSeconds").and_then(Value::as_f64));
    match seconds {
        Some(s) if s >= 0.0 && s.is_finite() => {
            emulator.clock.advance((s * SECOND as f64) as i64);
            json_response(
                StatusCode::OK,
                json!({ "now": epoch_seconds(emulator.clock.now()) }),
            )
        }
        _ => json_response(
            StatusCode::BAD_REQUEST,
            json!({ "message": "expected {\"advanceSeconds\": N} with N >= 0" }),
        ),
    }
}

pub async fn reset(State(emulator): State<Arc<Emulator>>) -> Response {
    emulator.reset();
    json_response(StatusCode::OK, json!({}))
}
