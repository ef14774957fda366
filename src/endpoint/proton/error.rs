//! The emulator's one error type, rendered as an awsJson1_0 error.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer: its type, HTTP status and message.
#[derive(Debug, Clone)]
pub struct ErrorAnswer {
    pub error_type: &'static str,
    pub status: StatusCode,
    pub message: String,
}

impl ErrorAnswer {
    fn new(error_type: &'static str, status: u16, message: impl Into<String>) -> Self {
        Self {
            error_type,
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            message: message.into(),
        }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationException", 400, message)
    }

    /// The spelling of a mismatch the real service was seen to use.
    pub fn idempotent_parameter_mismatch(detail: &str) -> Self {
        Self::validation(format!("Idempotent parameter mismatch: {detail}"))
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new("ConflictException", 409, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new("ResourceNotFoundException", 404, message)
    }

    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new("SerializationException", 400, message)
    }

    pub fn unknown_operation(message: impl Into<String>) -> Self {
        Self::new("UnknownOperationException", 400, message)
    }

    /// An authentication error (MissingAuthenticationToken, InvalidSignatureException, ...).
    pub fn auth(error_type: &'static str, status: u16, message: impl Into<String>) -> Self {
        Self::new(error_type, status, message)
    }

    pub fn throttling(message: impl Into<String>) -> Self {
        Self::new("ThrottlingException", 429, message)
    }

    /// An InternalServerException with the given 5xx status.
    pub fn internal(status: u16, message: impl Into<String>) -> Self {
        Self::new("InternalServerException", status.clamp(500, 599), message)
    }
}

impl IntoResponse for ErrorAnswer {
    fn into_response(self) -> Response {
        let body = json!({ "__type": self.error_type, "message": self.message }).to_string();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-amz-json-1.0"),
        );
        headers.insert(
            "x-amzn-errortype",
            HeaderValue::from_static(self.error_type),
        );
        response
    }
}
