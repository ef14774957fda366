//! The awsJson1_0 front door: `POST /` with `X-Amz-Target`, JSON in, JSON out. Injected
//! one-shot faults and the response-level fault switches act here.

use std::sync::Arc;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use axum::Router;
use axum::routing::post;

use super::error::ErrorAnswer;
use super::faults::{Fault, FaultSet};
use super::ops::{self, Ctx};
use super::state::Emulator;
use crate::endpoint::Backend;
use crate::endpoint::control::{InjectedAction, Injection};
use crate::model::Model;

const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// What became of a request.
enum Handled {
    Answered(Result<Value, ErrorAnswer>),
    /// An injection answers instead, before or after the request took effect.
    Injected(Injection),
}

impl Backend for Emulator {
    fn front_door(self: Arc<Self>) -> Router {
        Router::new().route("/", post(handle)).with_state(self)
    }
}

async fn handle(State(emulator): State<Arc<Emulator>>, headers: HeaderMap, body: Body) -> Response {
    let faults = emulator.control.switches.current();
    let (handled, seq) = answer(&emulator, &headers, body, faults).await;
    // The log notes what each request got, so client checks can tell attempts apart.
    let (status, error) = match &handled {
        Handled::Answered(Ok(_)) => (Some(200), None),
        Handled::Answered(Err(e)) => (Some(e.status.as_u16()), Some(e.error_type.to_string())),
        Handled::Injected(i) => match injected_error(i) {
            Some(e) => (Some(e.status.as_u16()), Some(e.error_type.to_string())),
            None => (None, Some("connection dropped".to_string())),
        },
    };
    if let Some(seq) = seq {
        emulator.control.requests.answered(seq, status, error);
    }
    let mut response = match handled {
        Handled::Answered(Ok(value)) => success(value, faults),
        Handled::Answered(Err(error)) => failure(error, faults),
        Handled::Injected(injection) => injected(&injection, faults),
    };
    if let Ok(id) = HeaderValue::from_str(&request_id()) {
        response.headers_mut().insert("x-amzn-requestid", id);
    }
    response
}

/// A request id in the UUID form AWS services send, unique within the process.
fn request_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    // splitmix64 of the counter: ids that look random but never repeat.
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        z >> 32,
        (z >> 16) & 0xffff,
        z & 0xfff,
        n & 0xfff,
        n & 0xffff_ffff_ffff
    )
}

fn success(mut value: Value, faults: FaultSet) -> Response {
    if faults.has(Fault::MissingRequiredMember) {
        strip_created_at(&mut value);
    }
    if faults.has(Fault::ExtraMembers) {
        add_extra_members(&mut value);
    }
    let text = if faults.has(Fault::ReorderedMembers) {
        reversed_json(&value)
    } else {
        value.to_string()
    };
    let mut response = (StatusCode::OK, text).into_response();
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static(CONTENT_TYPE));
    response
}

fn failure(error: ErrorAnswer, faults: FaultSet) -> Response {
    if faults.has(Fault::UntypedErrors) {
        let body = json!({ "message": error.message }).to_string();
        return (error.status, [("content-type", CONTENT_TYPE)], body).into_response();
    }
    if faults.has(Fault::NamespacedErrorType) || faults.has(Fault::CapitalizedMessage) {
        let namespaced = faults.has(Fault::NamespacedErrorType);
        let body_type = if namespaced {
            format!("com.amazonaws.proton#{}", error.error_type)
        } else {
            error.error_type.to_string()
        };
        let header = if namespaced {
            format!("{body_type}:http://internal.amazon.com/coral/com.amazonaws.proton/")
        } else {
            body_type.clone()
        };
        let message_key = if faults.has(Fault::CapitalizedMessage) {
            "Message"
        } else {
            "message"
        };
        let body = json!({ "__type": body_type, message_key: error.message }).to_string();
        let mut response = (error.status, [("content-type", CONTENT_TYPE)], body).into_response();
        if let Ok(value) = HeaderValue::from_str(&header) {
            response.headers_mut().insert("x-amzn-errortype", value);
        }
        return response;
    }
    error.into_response()
}

/// The extra-members switch: members newer than the model, at the top and in each resource.
fn add_extra_members(value: &mut Value) {
    let extra = json!({ "note": "a member newer than the model" });
    let Some(object) = value.as_object_mut() else {
        return;
    };
    for member in object.values_mut() {
        if let Some(resource) = member.as_object_mut() {
            resource.insert("conformExtra".into(), extra.clone());
        }
    }
    object.insert("conformExtra".into(), extra);
}

/// The reordered-members switch: JSON with every object's members in reverse order.
fn reversed_json(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .rev()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), reversed_json(v)))
                .collect();
            format!("{{{}}}", members.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(reversed_json)
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_string(),
    }
}

/// The missing-required-member fault: resource details lose `createdAt`.
fn strip_created_at(value: &mut Value) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    for member in object.values_mut() {
        match member {
            Value::Object(resource) => {
                resource.remove("createdAt");
            }
            Value::Array(items) => {
                items
                    .iter_mut()
                    .filter_map(Value::as_object_mut)
                    .for_each(|r| {
                        r.remove("createdAt");
                    })
            }
            _ => {}
        }
    }
}

/// An injected answer: an error of the scripted status, or a connection dropped mid-answer.
fn injected(injection: &Injection, faults: FaultSet) -> Response {
    match injection.action {
        InjectedAction::Drop => {
            // A body that fails before its first byte: the server aborts the connection and the
            // client sees no answer.
            let stream = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other(
                    "connection dropped by injection",
                ))
            });
            (StatusCode::OK, Body::from_stream(stream)).into_response()
        }
        InjectedAction::Error => match injected_error(injection) {
            Some(error) => failure(error, faults),
            None => unreachable!("an error injection always has an error"),
        },
    }
}

/// The error an injection answers with; `None` for a dropped connection.
fn injected_error(injection: &Injection) -> Option<ErrorAnswer> {
    match injection.action {
        InjectedAction::Drop => None,
        InjectedAction::Error => Some(match injection.status {
            429 => ErrorAnswer::throttling("rate exceeded (injected)"),
            400 => ErrorAnswer::validation("invalid request (injected)"),
            status => ErrorAnswer::internal(status, "internal error (injected)"),
        }),
    }
}

/// The request's fate, and its number in the request log (none if its body was unreadable).
async fn answer(
    emulator: &Emulator,
    headers: &HeaderMap,
    body: Body,
    faults: FaultSet,
) -> (Handled, Option<u64>) {
    let bytes = match to_bytes(body, emulator.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            let message = format!(
                "request body exceeds {} bytes or could not be read",
                emulator.config.max_body_bytes
            );
            return (
                Handled::Answered(Err(ErrorAnswer::serialization(message))),
                None,
            );
        }
    };
    let seq = emulator.control.requests.record("POST", headers, &bytes);
    let handled = decide(emulator, headers, &bytes, faults);
    (handled, Some(seq))
}

fn decide(emulator: &Emulator, headers: &HeaderMap, bytes: &[u8], faults: FaultSet) -> Handled {
    if let Some(verifier) = &emulator.config.verify_sigv4 {
        // Signatures are made with real time, whatever the virtual clock says.
        if let Err(e) = verifier.verify(headers, bytes, std::time::SystemTime::now()) {
            return Handled::Answered(Err(e));
        }
    }
    let (operation, input) = match parse_request(&emulator.model, headers, bytes) {
        Ok(r) => r,
        Err(e) => return Handled::Answered(Err(e)),
    };
    let injection = emulator.control.injections.take(operation);
    if let Some(i) = injection.clone().filter(|i| !i.after_apply) {
        return Handled::Injected(i);
    }
    let ctx = Ctx {
        now: emulator.now(),
        config: &emulator.config,
        faults,
    };
    let token_member = emulator.model.idempotency_token_member(operation);
    let result = {
        let mut store = emulator.store();
        store.sweep(ctx.now);
        ops::dispatch(operation, token_member, &mut store, &ctx, &input).unwrap_or_else(|| {
            Err(ErrorAnswer::unknown_operation(format!(
                "{operation} is in the Proton model but not implemented by this emulator"
            )))
        })
    };
    match injection {
        Some(i) => Handled::Injected(i),
        None => Handled::Answered(result),
    }
}

/// The operation and input of a request, checked against the protocol and the model.
fn parse_request<'m>(
    model: &'m Model,
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<(&'m str, Map<String, Value>), ErrorAnswer> {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ErrorAnswer::unknown_operation("missing X-Amz-Target header"))?;
    let operation = target
        .strip_prefix(model.metadata.target_prefix.as_deref().unwrap_or_default())
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|op| model.operations.get_key_value(op))
        .map(|(name, _)| name.as_str())
        .ok_or_else(|| ErrorAnswer::unknown_operation(format!("unknown operation {target}")))?;
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with(CONTENT_TYPE) {
        return Err(ErrorAnswer::serialization(format!(
            "expected content type {CONTENT_TYPE}, got {content_type:?}"
        )));
    }
    let input = parse_input(bytes)?;
    let violations = model
        .check_input(operation, &Value::Object(input.clone()))
        .map_err(|e| ErrorAnswer::validation(e.to_string()))?;
    if let Some(first) = violations.first() {
        return Err(ErrorAnswer::validation(format!(
            "{} validation error(s); first: {first}",
            violations.len()
        )));
    }
    Ok((operation, input))
}

fn parse_input(bytes: &[u8]) -> Result<Map<String, Value>, ErrorAnswer> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ErrorAnswer::serialization(
            "request body must be a JSON object",
        )),
        Err(e) => Err(ErrorAnswer::serialization(format!(
            "request body is not valid JSON: {e}"
        ))),
    }
}
