//! The control API's routes, over any backend that keeps a [`Control`].

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::clock::{SECOND, epoch_seconds};
use super::state::Control;
use super::switches::{Injection, Switch, SwitchSet};

/// What the control API needs of a backend beyond its [`Control`].
pub trait Controlled: Send + Sync + 'static {
    /// The backend's vocabulary of fault switches.
    type Switch: Switch;
    /// Whether it keeps resources and tokens that `/_conformance/reset` can empty.
    const RESETS: bool;
    /// Whether its front door honours injections.
    const INJECTS: bool;

    fn control(&self) -> &Control<Self::Switch>;
    /// Empties every resource and token (the clock keeps its time).
    fn reset(&self);
    /// Whether an injection may name this operation.
    fn knows_operation(&self, operation: &str) -> bool;
}

/// The `/_conformance/` routes of a backend.
pub fn routes<B: Controlled>(backend: Arc<B>) -> Router {
    let mut router = Router::new()
        .route("/_conformance/capabilities", get(capabilities::<B>))
        .route("/_conformance/clock", post(clock::<B>))
        .route(
            "/_conformance/faults",
            get(get_faults::<B>).post(set_faults::<B>),
        )
        .route("/_conformance/requests", get(requests::<B>));
    if B::RESETS {
        router = router.route("/_conformance/reset", post(reset::<B>));
    }
    router.with_state(backend)
}

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

async fn capabilities<B: Controlled>() -> Response {
    let body = json!({
        "clock": true,
        "reset": B::RESETS,
        "requests": true,
        "injections": B::INJECTS,
        "faults": B::Switch::names(),
    });
    json_response(StatusCode::OK, body)
}

async fn clock<B: Controlled>(State(backend): State<Arc<B>>, body: Bytes) -> Response {
    let seconds = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("advanceSeconds").and_then(Value::as_f64));
    let clock = &backend.control().clock;
    match seconds {
        Some(s) if s >= 0.0 && s.is_finite() => {
            clock.advance((s * SECOND as f64) as i64);
            json_response(StatusCode::OK, json!({ "now": epoch_seconds(clock.now()) }))
        }
        _ => bad_request("expected {\"advanceSeconds\": N} with N >= 0".into()),
    }
}

async fn reset<B: Controlled>(State(backend): State<Arc<B>>) -> Response {
    backend.reset();
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

fn faults_state<F: Switch>(control: &Control<F>) -> Value {
    let pending: Vec<Value> = control
        .injections
        .pending()
        .iter()
        .map(|i| json!({"operation": i.operation, "times": i.times, "afterApply": i.after_apply, "status": i.status, "action": format!("{:?}", i.action).to_lowercase()}))
        .collect();
    json!({ "switches": control.switches.current().names(), "injections": pending })
}

async fn get_faults<B: Controlled>(State(backend): State<Arc<B>>) -> Response {
    json_response(StatusCode::OK, faults_state(backend.control()))
}

async fn set_faults<B: Controlled>(State(backend): State<Arc<B>>, body: Bytes) -> Response {
    let request: FaultsRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return bad_request(format!("invalid faults request: {e}")),
    };
    let control = backend.control();
    if let Some(names) = request.switches {
        let mut faults = Vec::new();
        for name in names {
            match B::Switch::from_name(&name) {
                Some(f) => faults.push(f),
                None => return bad_request(format!("unknown fault switch {name:?}")),
            }
        }
        control.switches.set(SwitchSet::from_faults(&faults));
    }
    if request.clear_injections {
        control.injections.clear();
    }
    if let Some(injection) = request.inject {
        if !B::INJECTS {
            return bad_request("this endpoint takes no injections".into());
        }
        if !backend.knows_operation(&injection.operation) {
            return bad_request(format!("unknown operation {:?}", injection.operation));
        }
        if injection.times == 0 {
            return bad_request("times must be at least 1".into());
        }
        control.injections.inject(injection);
    }
    json_response(StatusCode::OK, faults_state(control))
}

#[derive(Deserialize)]
struct Since {
    #[serde(default)]
    since: u64,
}

async fn requests<B: Controlled>(
    State(backend): State<Arc<B>>,
    Query(since): Query<Since>,
) -> Response {
    let (requests, last) = backend.control().requests.since(since.since);
    json_response(
        StatusCode::OK,
        json!({ "requests": requests, "last": last }),
    )
}
