//! A bounded log of the requests received, for checking what a client sent
//! (`GET /_conformance/requests`). Credentials never enter it.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;

/// How many requests are kept.
const CAPACITY: usize = 1000;
/// How much of a body is kept.
const MAX_BODY: usize = 64 * 1024;
/// Headers that carry secrets and are never logged.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "x-amz-security-token",
    "cookie",
    "proxy-authorization",
];

#[derive(Debug, Clone, Serialize)]
pub struct LoggedRequest {
    pub seq: u64,
    pub method: String,
    pub target: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The HTTP status answered (none for a dropped connection or while still in progress).
    pub status: Option<u16>,
    /// The error type answered, or `connection dropped`.
    pub error: Option<String>,
}

#[derive(Default)]
pub struct RequestLog {
    inner: Mutex<(u64, VecDeque<LoggedRequest>)>,
}

impl RequestLog {
    /// Logs a request and returns its sequence number.
    pub fn record(&self, method: &str, headers: &axum::http::HeaderMap, body: &[u8]) -> u64 {
        let headers: Vec<(String, String)> = headers
            .iter()
            .filter(|(k, _)| !SECRET_HEADERS.contains(&k.as_str()))
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let target = headers
            .iter()
            .find(|(k, _)| k == "x-amz-target")
            .map(|(_, v)| v.clone());
        let body = String::from_utf8_lossy(&body[..body.len().min(MAX_BODY)]).into_owned();
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.0 += 1;
        let seq = inner.0;
        if inner.1.len() == CAPACITY {
            inner.1.pop_front();
        }
        inner.1.push_back(LoggedRequest {
            seq,
            method: method.to_string(),
            target,
            headers,
            body,
            status: None,
            error: None,
        });
        seq
    }

    /// Notes what request `seq` was answered.
    pub fn answered(&self, seq: u64, status: Option<u16>, error: Option<String>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = inner.1.iter_mut().rev().find(|r| r.seq == seq) {
            r.status = status;
            r.error = error;
        }
    }

    /// Requests with a sequence number above `since`, and the newest sequence number.
    pub fn since(&self, since: u64) -> (Vec<LoggedRequest>, u64) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        (
            inner.1.iter().filter(|r| r.seq > since).cloned().collect(),
            inner.0,
        )
    }
}
