//! The `/_conformance/` control API: capabilities, the virtual clock, reset, fault switches and
//! injections, and the request log. Documented in the README so that other emulators can offer
//! the same.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::clock::{SECOND, epoch_seconds};
use super::faults::{CATALOGUE, Fault, FaultSet, Injection};
use super::state::Emulator;

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn bad_request(message: String) -> Response {
    json_response(StatusCode::BAD_REQUEST, json!({ "message": message }))
}

pub async fn capabilities() -> Response {
    let faults: Vec<&str> = CATALOGUE.iter().map(|(_, name, _)| *name).collect();
    json_response(
        StatusCode::OK,
        json!({ "clock": true, "reset": true, "requests": true, "injections": true, "faults": faults }),
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
        _ => bad_request("expected {\"advanceSeconds\": N} with N >= 0".into()),
    }
}

pub async fn reset(State(emulator): State<Arc<Emulator>>) -> Response {
    emulator.reset();
    json_response(StatusCode::OK, json!({}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultsRequest {
    /// Replaces the standing switches (an empty list turns them all off).
    #[serde(default)]
    switches: Option<Vec<String>>,
    /// Adds a one-shot injection.
    #[serde(default)]
    inject: Option<Injection>,
    /// Drops every pending injection.
    #[serde(default)]
    clear_injections: bool,
}

fn faults_state(emulator: &Emulator) -> Value {
    let pending: Vec<Value> = emulator
        .faults
        .pending()
        .iter()
        .map(|i| json!({"operation": i.operation, "times": i.times, "afterApply": i.after_apply, "status": i.status, "action": format!("{:?}", i.action).to_lowercase()}))
        .collect();
    json!({ "switches": emulator.faults.current().names(), "injections": pending })
}

pub async fn get_faults(State(emulator): State<Arc<Emulator>>) -> Response {
    json_response(StatusCode::OK, faults_state(&emulator))
}

pub async fn set_faults(State(emulator): State<Arc<Emulator>>, body: Bytes) -> Response {
    let request: FaultsRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return bad_request(format!("invalid faults request: {e}")),
    };
    if let Some(names) = request.switches {
        let mut faults = Vec::new();
        for name in names {
            match Fault::from_name(&name) {
                Some(f) => faults.push(f),
                None => return bad_request(format!("unknown fault switch {name:?}")),
            }
        }
        emulator.faults.set(FaultSet::from_faults(&faults));
    }
    if request.clear_injections {
        emulator.faults.clear_injections();
    }
    if let Some(injection) = request.inject {
        if emulator.model.operation(&injection.operation).is_none() {
            return bad_request(format!("unknown operation {:?}", injection.operation));
        }
        if injection.times == 0 {
            return bad_request("times must be at least 1".into());
        }
        emulator.faults.inject(injection);
    }
    json_response(StatusCode::OK, faults_state(&emulator))
}

#[derive(Deserialize)]
pub struct Since {
    #[serde(default)]
    since: u64,
}

pub async fn requests(
    State(emulator): State<Arc<Emulator>>,
    Query(since): Query<Since>,
) -> Response {
    let (requests, last) = emulator.requests.since(since.since);
    json_response(
        StatusCode::OK,
        json!({ "requests": requests, "last": last }),
    )
}
