//! The generic endpoint's front doors: awsJson (`POST /`, by `X-Amz-Target`) and restJson
//! (every other path, by the operations' URI templates). Each request is logged for the
//! control API, and a pending injection answers instead of, or after, the call.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

use super::faults::Fault;
use super::state::{Generic, Refusal};
use crate::endpoint::Backend;
use crate::endpoint::answer::{dropped_connection, json_answer, rest_success};
use crate::endpoint::control::{InjectedAction, Injection};
use crate::protocol;

impl Backend for Generic {
    fn front_door(self: Arc<Self>) -> Router {
        if self.service.model.metadata.protocol == "rest-json" {
            Router::new().fallback(handle_rest).with_state(self)
        } else {
            Router::new().route("/", post(handle_json)).with_state(self)
        }
    }
}

/// What a call got: an answer, a refusal, or a dropped connection.
enum Answered {
    Ok(Value),
    Refused(Refusal),
    Dropped,
}

/// Calls `operation` with what injections script around it, and notes the answer in the log.
fn call(generic: &Generic, seq: u64, operation: &str, input: &Value) -> Answered {
    let injection = generic.control.injections.take(operation);
    let answered = match injection {
        Some(i) if !i.after_apply => injected(generic, operation, &i),
        Some(i) => {
            let _ = generic.respond(operation, input);
            injected(generic, operation, &i)
        }
        None => match generic.respond(operation, input) {
            Ok(answer) => Answered::Ok(answer),
            Err(refusal) => Answered::Refused(refusal),
        },
    };
    let (status, error) = match &answered {
        Answered::Ok(_) => (Some(200), None),
        Answered::Refused((status, name, _)) => (Some(*status), Some(name.clone())),
        Answered::Dropped => (None, Some("connection dropped".to_string())),
    };
    generic.control.requests.answered(seq, status, error);
    answered
}

/// An injection's answer: an error of its status, or no answer at all.
fn injected(generic: &Generic, operation: &str, injection: &Injection) -> Answered {
    if injection.action == InjectedAction::Drop {
        return Answered::Dropped;
    }
    let name = match injection.status {
        429 => "ThrottlingException",
        400 => "ValidationException",
        _ => "InternalServerException",
    };
    let (_, name, message) = generic.error(operation, name, "injected");
    Answered::Refused((injection.status, name, message))
}

async fn handle_rest(
    State(generic): State<Arc<Generic>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let model = &generic.service.model;
    let seq = generic
        .control
        .requests
        .record(method.as_str(), &headers, &body);
    let pairs: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let decoded = protocol::decode_rest_request(model, method.as_str(), path, &pairs, &body);
    let Some((operation, input)) = decoded else {
        let body = json!({ "message": format!("no operation serves {method} {path}") });
        let name = "UnknownOperationException";
        generic
            .control
            .requests
            .answered(seq, Some(404), Some(name.into()));
        return typed(
            &generic,
            json_answer(StatusCode::NOT_FOUND, None, body),
            name,
        );
    };
    match call(&generic, seq, &operation, &input) {
        Answered::Ok(answer) => rest_success(model, &operation, &answer),
        Answered::Refused((status, name, message)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            let body = generic.error_body(&name, &message);
            typed(&generic, json_answer(status, None, body), &name)
        }
        Answered::Dropped => dropped_connection("connection dropped by injection"),
    }
}

/// The answer with its error type in `x-amzn-errortype`, unless the untyped-errors switch is on.
fn typed(generic: &Generic, mut response: Response, name: &str) -> Response {
    if generic.faults().has(Fault::UntypedErrors) {
        return response;
    }
    if let Ok(v) = HeaderValue::from_str(name) {
        response.headers_mut().insert("x-amzn-errortype", v);
    }
    response
}

async fn handle_json(
    State(generic): State<Arc<Generic>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let model = &generic.service.model;
    let seq = generic.control.requests.record("POST", &headers, &body);
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
    let refuse_early = |name: &str, message: String| {
        generic
            .control
            .requests
            .answered(seq, Some(400), Some(name.into()));
        let body = json!({ "__type": name, "message": message });
        json_answer(StatusCode::BAD_REQUEST, Some(&content_type), body)
    };
    let Some(operation) = operation else {
        let message = format!("unknown operation {target:?}");
        return refuse_early("UnknownOperationException", message);
    };
    let input: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            let message = "the body is not a JSON object".to_string();
            return refuse_early("SerializationException", message);
        }
    };
    match call(&generic, seq, operation, &input) {
        Answered::Ok(answer) => json_answer(StatusCode::OK, Some(&content_type), answer),
        Answered::Refused((status, name, message)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            let mut body = generic.error_body(&name, &message);
            if let Some(map) = body
                .as_object_mut()
                .filter(|_| !generic.faults().has(Fault::UntypedErrors))
            {
                map.insert("__type".into(), Value::String(name.clone()));
            }
            typed(
                &generic,
                json_answer(status, Some(&content_type), body),
                &name,
            )
        }
        Answered::Dropped => dropped_connection("connection dropped by injection"),
    }
}
