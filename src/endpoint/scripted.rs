//! The scripted endpoint of `sdk-sweep`: it speaks one service's protocol, logs every request
//! byte for byte, and answers the attempts of the call under way by a script (a 500, a
//! throttle, a dropped connection) before a valid answer synthesized from the model. One call
//! at a time: the sweeper sets the script, the driver makes its call, the sweeper takes the
//! log.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::json;

use super::Backend;
use super::answer::{dropped_connection, json_answer, rest_success};
use super::control::{Control, Controlled, NoSwitch, SwitchSet};
use crate::model::Model;
use crate::protocol;
use crate::synth;

/// How an attempt is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// HTTP 500, an internal error: every SDK retries it.
    ServerError,
    /// A throttle (`ThrottlingException`; HTTP 429 in restJson, 400 in awsJson, as AWS does).
    Throttle,
    /// The connection closes before an answer arrives.
    Drop,
    /// A valid answer, synthesized from the output shape.
    Success,
}

/// One request as the endpoint received it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    /// Path and query string, as sent.
    pub uri: String,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Whether it is a request for the call's operation (anything else is answered 404).
    pub for_operation: bool,
    /// How it was answered.
    pub answer: Option<Answer>,
}

impl Logged {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Call {
    model: Option<Arc<Model>>,
    operation: String,
    script: VecDeque<Answer>,
    log: Vec<Logged>,
}

/// The scripted endpoint: the call under way and the control API's state.
pub struct Scripted {
    call: Mutex<Call>,
    control: Control<NoSwitch>,
}

impl Default for Scripted {
    fn default() -> Self {
        Self {
            call: Mutex::default(),
            control: Control::on_system_time(SwitchSet::default()),
        }
    }
}

impl Scripted {
    /// Starts a call of `operation` of the service `model` describes: its attempts get
    /// `script`, then valid answers.
    pub fn begin(&self, model: &Arc<Model>, operation: &str, script: &[Answer]) {
        let mut call = self.call.lock().unwrap_or_else(|e| e.into_inner());
        *call = Call {
            model: Some(model.clone()),
            operation: operation.to_string(),
            script: script.iter().copied().collect(),
            log: Vec::new(),
        };
    }

    /// Ends the call: every request it saw.
    pub fn finish(&self) -> Vec<Logged> {
        let mut call = self.call.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut call.log)
    }
}

/// Whether a request is one of `operation`'s: by its target (awsJson), or by its method
/// and path against the URI templates (restJson).
fn is_for(model: &Model, operation: &str, request: &Logged) -> bool {
    if model.metadata.protocol == "rest-json" {
        protocol::decode_rest_request(
            model,
            &request.method,
            &request.uri,
            &request.headers,
            request.body.as_bytes(),
        )
        .is_some_and(|(op, _)| op == operation)
    } else {
        request.header("x-amz-target") == Some(&model.target(operation))
    }
}

fn answer_with(model: &Model, answer: Answer, operation: &str) -> Response {
    let rest = model.metadata.protocol == "rest-json";
    match answer {
        Answer::ServerError => error(model, 500, "InternalServerError"),
        Answer::Throttle => error(model, if rest { 429 } else { 400 }, "ThrottlingException"),
        Answer::Drop => dropped_connection("dropped by the sweep"),
        Answer::Success => {
            let output = model
                .operation(operation)
                .and_then(|o| o.output.as_ref())
                .map_or(json!({}), |o| synth::output(model, &o.shape, 1));
            if rest {
                rest_success(model, operation, &output)
            } else {
                json_answer(StatusCode::OK, Some(&model.metadata.content_type()), output)
            }
        }
    }
}

fn error(model: &Model, status: u16, name: &str) -> Response {
    let rest = model.metadata.protocol == "rest-json";
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = format!("{name} scripted by the sweep");
    if rest {
        let mut response = json_answer(status, None, json!({ "message": message }));
        response
            .headers_mut()
            .insert("x-amzn-errortype", HeaderValue::from_str(name).unwrap());
        response
    } else {
        let body = json!({ "__type": name, "message": message });
        json_answer(status, Some(&model.metadata.content_type()), body)
    }
}

async fn handle(
    State(scripted): State<Arc<Scripted>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut request = Logged {
        method: method.to_string(),
        uri: uri.path_and_query().map_or("/", |p| p.as_str()).to_string(),
        headers: headers
            .iter()
            .map(|(k, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (k.as_str().to_ascii_lowercase(), value)
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
        for_operation: false,
        answer: None,
    };
    scripted
        .control
        .requests
        .record(method.as_str(), &headers, &body);
    let mut call = scripted.call.lock().unwrap_or_else(|e| e.into_inner());
    let operation = call.operation.clone();
    let model = call.model.clone();
    request.for_operation = model
        .as_ref()
        .is_some_and(|m| is_for(m, &operation, &request));
    let Some(model) = model.filter(|_| request.for_operation) else {
        call.log.push(request);
        drop(call);
        let body = json!({ "message": "not the operation the sweep is calling" });
        return json_answer(StatusCode::NOT_FOUND, None, body);
    };
    let answer = call.script.pop_front().unwrap_or(Answer::Success);
    request.answer = Some(answer);
    call.log.push(request);
    drop(call);
    answer_with(&model, answer, &operation)
}

impl Controlled for Scripted {
    type Switch = NoSwitch;
    const RESETS: bool = false;
    const INJECTS: bool = false;

    fn control(&self) -> &Control<NoSwitch> {
        &self.control
    }

    fn reset(&self) {}

    fn knows_operation(&self, _operation: &str) -> bool {
        false
    }
}

impl Backend for Scripted {
    fn front_door(self: Arc<Self>) -> Router {
        Router::new().fallback(handle).with_state(self)
    }
}
