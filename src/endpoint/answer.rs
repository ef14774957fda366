//! Answer encoders the backends share: a JSON answer, a restJson success with its bindings,
//! and a dropped connection.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::model::Model;
use crate::protocol;

/// A restJson success of `operation`: its status code, members bound to headers, the body.
pub fn rest_success(model: &Model, operation: &str, answer: &Value) -> Response {
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
pub fn json_answer(status: StatusCode, content_type: Option<&str>, body: Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let kind = content_type.unwrap_or("application/json");
    if let Ok(v) = HeaderValue::from_str(kind) {
        response.headers_mut().insert("content-type", v);
    }
    response
}

/// No answer: a body that fails before its first byte, so the server aborts the connection and
/// the client sees it dropped.
pub fn dropped_connection(why: &'static str) -> Response {
    let stream = futures_util::stream::once(async move {
        Err::<Bytes, std::io::Error>(std::io::Error::other(why))
    });
    (StatusCode::OK, Body::from_stream(stream)).into_response()
}
