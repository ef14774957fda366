//! The faithful reference for any service pack (`serve --service NAME`, and the embedded
//! target of a run with a pack the emulator does not implement): it answers every operation of
//! the model with schema-valid synthesized outputs and keeps the pack's token contract (a retry with the same
//! token and parameters gets the stored answer or the documented error; other parameters get
//! the documented mismatch error; the window is kept on a virtual clock). Its fault switches
//! each break one clause, to prove that the generated scenarios catch them.
//!
//! It speaks awsJson (1.0 and 1.1) and restJson1 (by the operations' URI templates). It meets
//! the harness only over HTTP, like the emulator, and knows the contract from the pack, as the
//! harness does.

mod faults;

pub use faults::{FAULTS, ReferenceFault};

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::emulator::RunningServer;
use crate::model::Model;
use crate::protocol;
use crate::scenario::parse_duration;
use crate::service::{Service, TokenOperation};
use crate::synth;

/// What a token bound: the request's other parameters and the answer it got.
struct Bound {
    params: Value,
    answer: Value,
    at: f64,
}

/// One reference endpoint's state.
pub struct Reference {
    service: Arc<Service>,
    faults: Vec<ReferenceFault>,
    /// Seconds the virtual clock is ahead of wall time.
    advanced: AtomicI64,
    serial: AtomicU64,
    tokens: Mutex<HashMap<(String, String), Bound>>,
}

impl Reference {
    pub fn new(service: Arc<Service>, faults: Vec<ReferenceFault>) -> Self {
        Self {
            service,
            faults,
            advanced: AtomicI64::new(0),
            serial: AtomicU64::new(0),
            tokens: Mutex::new(HashMap::new()),
        }
    }

    fn now(&self) -> f64 {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        wall + self.advanced.load(Ordering::SeqCst) as f64
    }

    fn has(&self, fault: ReferenceFault) -> bool {
        self.faults.contains(&fault)
    }

    fn answer(&self, operation: &str) -> Value {
        let serial = self.serial.fetch_add(1, Ordering::SeqCst) + 1;
        let model = &self.service.model;
        let Some(shape) = model.operation(operation).and_then(|o| o.output.as_ref()) else {
            return json!({});
        };
        let mut answer = synth::output(model, &shape.shape, serial);
        if self.has(ReferenceFault::MissingRequiredMember)
            && let Some(required) = model.shape(&shape.shape).and_then(|s| s.required.first())
            && let Some(map) = answer.as_object_mut()
        {
            map.remove(required);
        }
        answer
    }

    /// The answer to a request: refused by the model's constraints, else called.
    fn respond(&self, operation: &str, input: &Value) -> Result<Value, (u16, String, String)> {
        match self.refuse(operation, input) {
            Some(refused) => Err(refused),
            None => self.call(operation, input),
        }
    }

    /// The answer to `operation` with `input`: the token contract first, then a new answer.
    fn call(&self, operation: &str, input: &Value) -> Result<Value, (u16, String, String)> {
        let contract = self
            .service
            .pack
            .tokens
            .iter()
            .find(|t| t.operation == operation);
        let member = self.service.token_member(operation);
        let token = member.and_then(|m| input.get(m)).and_then(Value::as_str);
        let (Some(contract), Some(member), Some(token)) = (contract, member, token) else {
            return Ok(self.answer(operation));
        };
        let mut params = input.clone();
        if let Some(map) = params.as_object_mut() {
            map.remove(member);
        }
        let key = (operation.to_string(), token.to_string());
        let now = self.now();
        let window = window_seconds(contract);
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        let live = tokens.get(&key).filter(|b| {
            self.has(ReferenceFault::TokensNeverExpire) || window.is_none_or(|w| now - b.at <= w)
        });
        if let Some(bound) = live {
            if bound.params == params {
                if self.has(ReferenceFault::FreshAnswerOnRetry) {
                    return Ok(self.answer(operation));
                }
                return match TokenOperation::known(&contract.retry) {
                    Some(retry) if retry == "original" || retry.starts_with("same ") => {
                        Ok(bound.answer.clone())
                    }
                    None => Ok(bound.answer.clone()),
                    Some(error) => Err(self.error(operation, error, "the token is in use")),
                };
            }
            if !self.has(ReferenceFault::MismatchAccepted) {
                let error = TokenOperation::known(&contract.mismatch).unwrap_or("any");
                return Err(self.error(
                    operation,
                    error,
                    "the token was used with other parameters",
                ));
            }
        }
        let answer = self.answer(operation);
        tokens.insert(
            key,
            Bound {
                params,
                answer: answer.clone(),
                at: now,
            },
        );
        Ok(answer)
    }

    /// A request the model's constraints refuse: the operation's validation error (the one it
    /// declares whose name says so, else the protocol's SerializationException).
    fn refuse(&self, operation: &str, input: &Value) -> Option<(u16, String, String)> {
        let model = &self.service.model;
        let mut input = input.clone();
        // Under the switch, any token passes: it is checked as if it were a valid one.
        if self.has(ReferenceFault::TokensUnchecked)
            && let Some(member) = self.service.token_member(operation)
            && let Some(shape) = model
                .input_shape(operation)
                .and_then(|s| s.members.get(member))
                .map(|m| m.shape.clone())
            && let Some(token) = input.get_mut(member).filter(|t| t.is_string())
            && let Ok(valid) = synth::minimal(model, &shape)
        {
            *token = valid;
        }
        let violations = model.check_input(operation, &input).ok()?;
        let first = violations.first()?;
        let declared = model
            .operation(operation)
            .map(|o| o.errors.as_slice())
            .unwrap_or_default();
        let name = declared
            .iter()
            .map(|e| e.shape.as_str())
            .find(|n| {
                n.contains("Validation")
                    || n.contains("InvalidParameter")
                    || n.contains("InvalidRequest")
            })
            .unwrap_or("SerializationException");
        Some((
            400,
            name.to_string(),
            format!("{} validation error(s); first: {first}", violations.len()),
        ))
    }

    /// An error the operation declares: `name`, or for `any` the first one it declares.
    fn error(&self, operation: &str, name: &str, message: &str) -> (u16, String, String) {
        let model = &self.service.model;
        let name = match name {
            "any" => model
                .operation(operation)
                .and_then(|o| o.errors.first())
                .map_or("ValidationException".to_string(), |e| e.shape.clone()),
            other => other.to_string(),
        };
        let status = model
            .shape(&name)
            .and_then(|s| s.error.as_ref())
            .and_then(|e| e.http_status_code)
            .unwrap_or(400);
        (status, name, message.to_string())
    }
}

fn window_seconds(contract: &TokenOperation) -> Option<f64> {
    match TokenOperation::known(&contract.window) {
        None | Some("none") => None,
        Some(w) => parse_duration(w).ok().map(|s| s as f64),
    }
}

/// The routes: the service's front door (awsJson: `POST /`; restJson: every other path, by
/// the operations' URI templates) and the control API's clock.
pub fn router(reference: Arc<Reference>) -> Router {
    let control = Router::new()
        .route("/_conformance/capabilities", get(capabilities))
        .route("/_conformance/clock", post(clock));
    let service = if reference.service.model.metadata.protocol == "rest-json" {
        control.fallback(handle_rest)
    } else {
        control.route("/", post(handle))
    };
    service.with_state(reference)
}

/// An error's body: its required members, synthesized, and the message.
fn error_body(reference: &Reference, name: &str, message: &str) -> Value {
    let model = &reference.service.model;
    let mut body = synth::minimal(model, name).unwrap_or_else(|_| json!({}));
    if let Some(map) = body.as_object_mut() {
        let key = model
            .shape(name)
            .filter(|s| s.members.contains_key("Message"))
            .map_or("message", |_| "Message");
        map.insert(key.into(), Value::String(message.into()));
    }
    body
}

async fn handle_rest(
    State(reference): State<Arc<Reference>>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let model = &reference.service.model;
    let pairs: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let decoded = protocol::decode_rest_request(model, method.as_str(), path, &pairs, &body);
    let Some((operation, input)) = decoded else {
        let body = json!({ "message": format!("no operation serves {method} {path}") });
        return typed(
            &reference,
            json_answer(StatusCode::NOT_FOUND, None, body),
            "UnknownOperationException",
        );
    };
    let result = reference.respond(&operation, &input);
    match result {
        Ok(answer) => rest_success(model, &operation, &answer),
        Err((status, name, message)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            let body = error_body(&reference, &name, &message);
            typed(&reference, json_answer(status, None, body), &name)
        }
    }
}

/// The answer with its error type in `x-amzn-errortype`, unless the untyped-errors switch is on.
fn typed(reference: &Reference, mut response: Response, name: &str) -> Response {
    if reference.has(ReferenceFault::UntypedErrors) {
        return response;
    }
    if let Ok(v) = HeaderValue::from_str(name) {
        response.headers_mut().insert("x-amzn-errortype", v);
    }
    response
}

/// Serves a reference on `addr` (port 0 for an ephemeral one) until dropped.
pub async fn start(reference: Arc<Reference>, addr: SocketAddr) -> std::io::Result<RunningServer> {
    crate::emulator::serve_router(router(reference), addr).await
}

async fn capabilities() -> Response {
    let faults: Vec<&str> = FAULTS.iter().map(|(_, name, _)| *name).collect();
    json_answer(
        StatusCode::OK,
        None,
        json!({ "clock": true, "faults": faults }),
    )
}

async fn clock(State(reference): State<Arc<Reference>>, body: Bytes) -> Response {
    let seconds = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["advanceSeconds"].as_f64());
    match seconds {
        Some(s) if s >= 0.0 => {
            reference.advanced.fetch_add(s as i64, Ordering::SeqCst);
            json_answer(StatusCode::OK, None, json!({ "now": reference.now() }))
        }
        _ => json_answer(
            StatusCode::BAD_REQUEST,
            None,
            json!({ "message": "give advanceSeconds, a number of seconds >= 0" }),
        ),
    }
}

async fn handle(
    State(reference): State<Arc<Reference>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let model = &reference.service.model;
    let content_type = model.metadata.content_type();
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let prefix = model.metadata.target_prefix.as_deref().unwrap_or_default();
    let operation = target
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('.'))
        .filter(|op| model.operation(op).is_some());
    let Some(operation) = operation else {
        let body = json!({ "__type": "UnknownOperationException", "message": format!("unknown operation {target:?}") });
        return json_answer(StatusCode::BAD_REQUEST, Some(&content_type), body);
    };
    let input: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            let body = json!({ "__type": "SerializationException", "message": "the body is not a JSON object" });
            return json_answer(StatusCode::BAD_REQUEST, Some(&content_type), body);
        }
    };
    let result = reference.respond(operation, &input);
    match result {
        Ok(answer) => json_answer(StatusCode::OK, Some(&content_type), answer),
        Err((status, name, message)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            let mut body = error_body(&reference, &name, &message);
            if let Some(map) = body
                .as_object_mut()
                .filter(|_| !reference.has(ReferenceFault::UntypedErrors))
            {
                map.insert("__type".into(), Value::String(name.clone()));
            }
            typed(
                &reference,
                json_answer(status, Some(&content_type), body),
                &name,
            )
        }
    }
}

/// A restJson success of `operation`: its status code, members bound to headers, the body.
pub(crate) fn rest_success(model: &Model, operation: &str, answer: &Value) -> Response {
    let op = model.operation(operation);
    let status = op.and_then(|o| o.http.response_code).unwrap_or(200);
    let shape = op
        .and_then(|o| o.output.as_ref())
        .map(|o| o.shape.clone())
        .unwrap_or_default();
    let (status, headers, body) = protocol::encode_rest_response(model, &shape, answer, status);
    let mut response =
        (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (
            axum::http::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            response.headers_mut().insert(k, v);
        }
    }
    response
}

/// A JSON answer, of `content_type` (default `application/json`).
pub(crate) fn json_answer(status: StatusCode, content_type: Option<&str>, body: Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let kind = content_type.unwrap_or("application/json");
    if let Ok(v) = HeaderValue::from_str(kind) {
        response.headers_mut().insert("content-type", v);
    }
    response
}
