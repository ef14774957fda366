//! The record of one request and what came back.

use std::time::Duration;

use serde_json::Value;

use super::decode::Body;

/// One request sent to an endpoint and its outcome.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub operation: String,
    /// The JSON body that was sent.
    pub request: Value,
    pub outcome: Outcome,
    pub duration: Duration,
}

/// What came back: an HTTP response, or a failure of the transport itself.
#[derive(Debug, Clone)]
pub enum Outcome {
    Response(Response),
    Transport(TransportError),
}

/// An HTTP response as received, with its body decoded per awsJson1_0.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// The headers that matter to the protocol (content type, error type, request id).
    pub headers: Vec<(String, String)>,
    /// The body text (lossy UTF-8), for reports.
    pub raw: String,
    pub body: Body,
}

/// A failure to get a complete response.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TransportError {
    #[error("no complete response within {0:?}")]
    Timeout(Duration),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("connection failed mid-exchange: {0}")]
    Broken(String),
    #[error("response body exceeds the {limit}-byte cap")]
    TooLarge { limit: usize },
    #[error("response deliberately not read (lose_response): the request was sent")]
    Lost,
}

impl TransportError {
    /// What went wrong without the details that differ between two runs of the same endpoint
    /// (addresses, ports, the operating system's wording), for snapshots and `diff`.
    pub fn kind_text(&self) -> String {
        match self {
            TransportError::Connect(_) => "could not connect".into(),
            TransportError::Broken(_) => "connection failed mid-exchange".into(),
            other => other.to_string(),
        }
    }
}

impl Exchange {
    pub fn response(&self) -> Option<&Response> {
        match &self.outcome {
            Outcome::Response(r) => Some(r),
            Outcome::Transport(_) => None,
        }
    }

    /// The decoded success body, if the exchange succeeded.
    pub fn success_body(&self) -> Option<&Value> {
        match self.response().map(|r| &r.body) {
            Some(Body::Success(v)) => Some(v),
            _ => None,
        }
    }

    /// The JSON the response carried, success or error (normalised), for paths and reports.
    pub fn body_json(&self) -> Option<&Value> {
        match self.response().map(|r| &r.body) {
            Some(Body::Success(v)) => Some(v),
            Some(Body::Error(e)) => Some(&e.body),
            _ => None,
        }
    }
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
