//! Sending one awsJson1_0 request, bounded in time and size.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::decode::{Body, decode_response};
use super::exchange::{Exchange, Outcome, Response, TransportError};
use crate::error::Error;
use crate::model::Model;
use crate::protocol;

/// Limits that apply to every request of a client.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// How long a request may take, from sending to the last body byte.
    pub timeout: Duration,
    /// The largest response body accepted; larger answers fail the step.
    pub max_body_bytes: usize,
    /// Signs every request when set.
    pub signer: Option<super::SharedSigner>,
    /// At most this many requests per second to the endpoint (0: no limit).
    pub max_rps: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            max_body_bytes: 4 * 1024 * 1024,
            signer: None,
            max_rps: 0,
        }
    }
}

/// Per-request overrides.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// Overrides the client's timeout for this request.
    pub timeout: Option<Duration>,
    /// Send the request, then drop the connection without reading the answer.
    pub lose_response: bool,
}

/// A client of one service at one endpoint.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: String,
    /// The service's model: its protocol, target prefix and signing name.
    model: std::sync::Arc<Model>,
    config: ClientConfig,
    /// When the next request may leave, under `max_rps`.
    next_slot: std::sync::Arc<tokio::sync::Mutex<Instant>>,
}

/// How harness-internal calls (setup, teardown, waits) ride out throttling and 5xx answers.
/// A scenario's own steps are never retried behind its back.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Total time the retries of one call may wait.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            budget: Duration::from_secs(30),
        }
    }
}

/// Whether an answer is worth retrying: throttled, or a server fault that may pass. A 501 says
/// the operation is not there, and a 500 that is no error of the protocol (an HTML page, a
/// stack trace) is an endpoint crashing on this request: both come again however often it is
/// sent, so they are not waited on. A gateway's 502, 503, 504 and a typed 500 (the service's
/// `InternalFailure`) may pass.
fn retryable(exchange: &Exchange) -> bool {
    let Some(r) = exchange.response() else {
        return false;
    };
    let typed = matches!(&r.body, super::Body::Error(_));
    match r.status {
        429 => true,
        500 => typed,
        501 => false,
        s if s > 501 => true,
        _ => matches!(&r.body, super::Body::Error(e) if e.error_type == "ThrottlingException"),
    }
}

/// Headers kept in the exchange record: the ones the protocol gives meaning to.
const KEPT_HEADERS: &[&str] = &["content-type", "x-amzn-errortype", "x-amzn-requestid"];

/// One HTTP client per connect timeout for the whole process: building one loads the
/// platform's root certificates, which cost more than a scenario against the embedded emulator.
fn shared_http(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    static CLIENTS: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<Duration, reqwest::Client>>,
    > = std::sync::OnceLock::new();
    let mut clients = CLIENTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(client) = clients.get(&connect_timeout) {
        return Ok(client.clone());
    }
    let client = reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(connect_timeout)
        // Embedded emulators come and go, one per scenario: do not keep their connections.
        .pool_idle_timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| Error::internal(format!("cannot build the HTTP client: {e}")))?;
    clients.insert(connect_timeout, client.clone());
    Ok(client)
}

impl Client {
    pub fn new(
        endpoint: &str,
        model: std::sync::Arc<Model>,
        config: ClientConfig,
    ) -> Result<Self, Error> {
        let http = shared_http(config.timeout.min(Duration::from_secs(10)))?;
        Ok(Self {
            http,
            endpoint: endpoint.trim_end_matches('/').to_string(),
            model,
            config,
            next_slot: std::sync::Arc::new(tokio::sync::Mutex::new(Instant::now())),
        })
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The model of the service this client calls.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// A plain HTTP client sharing this one's connection pool, for the control API.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Calls `operation` with `body` and records the exchange; never fails: transport problems
    /// are part of the record.
    /// Calls, retrying throttling and 5xx answers with jittered exponential backoff within the
    /// policy's attempts and budget; returns the last exchange.
    pub async fn call_retrying(
        &self,
        operation: &str,
        body: &Value,
        policy: &RetryPolicy,
    ) -> Exchange {
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            let exchange = self.call(operation, body, &RequestOptions::default()).await;
            attempt += 1;
            if !retryable(&exchange) || attempt >= policy.max_attempts {
                return exchange;
            }
            let ceiling = policy
                .base_delay
                .saturating_mul(1 << attempt.min(16))
                .min(policy.max_delay);
            // Full jitter: a random wait up to the ceiling, so retrying clients spread out.
            let delay = ceiling.mul_f64(jitter());
            if started.elapsed() + delay > policy.budget {
                return exchange;
            }
            tokio::time::sleep(delay).await;
        }
    }

    /// Waits for this request's slot under `max_rps`.
    async fn pace(&self) {
        if self.config.max_rps == 0 {
            return;
        }
        let interval = Duration::from_secs(1) / self.config.max_rps;
        let wait_until = {
            let mut next = self.next_slot.lock().await;
            let slot = (*next).max(Instant::now());
            *next = slot + interval;
            slot
        };
        tokio::time::sleep_until(wait_until.into()).await;
    }

    pub async fn call(&self, operation: &str, body: &Value, options: &RequestOptions) -> Exchange {
        self.pace().await;
        let started = Instant::now();
        let timeout = options.timeout.unwrap_or(self.config.timeout);
        let outcome = match tokio::time::timeout(timeout, self.send(operation, body, options)).await
        {
            Ok(outcome) => outcome,
            Err(_) => Outcome::Transport(TransportError::Timeout(timeout)),
        };
        Exchange {
            operation: operation.to_string(),
            request: body.clone(),
            outcome,
            duration: started.elapsed(),
        }
    }

    async fn send(&self, operation: &str, body: &Value, options: &RequestOptions) -> Outcome {
        // The request as the service's protocol binds it (awsJson: `POST /` with the target
        // header; restJson: the operation's method, URI, query, headers and body).
        let built = match protocol::request(&self.model, operation, body) {
            Ok(r) => r,
            Err(e) => return Outcome::Transport(TransportError::Connect(e.to_string())),
        };
        let url = match built.url(&self.endpoint) {
            Ok(u) => u,
            Err(e) => return Outcome::Transport(TransportError::Connect(e.to_string())),
        };
        let payload = built.body;
        let method = built.method;
        let mut headers: Vec<(String, String)> = built.headers;
        let mut signed = Vec::new();
        if let Some(signer) = &self.config.signer {
            // The signature covers the host as the request will carry it.
            let host = reqwest::Url::parse(&url)
                .ok()
                .and_then(|u| {
                    u.host_str().map(|h| match u.port() {
                        Some(p) => format!("{h}:{p}"),
                        None => h.to_string(),
                    })
                })
                .unwrap_or_default();
            headers.push(("host".into(), host));
            let signing_name = self.model.metadata.signing_name();
            match signer
                .headers(&method, &url, signing_name, &headers, &payload)
                .await
            {
                Ok(h) => signed = h,
                Err(e) => return Outcome::Transport(TransportError::Connect(e.to_string())),
            }
        }
        let method =
            reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::POST);
        let mut request = self.http.request(method, &url).body(payload);
        // reqwest sets the host itself, from the URL the signature covered.
        for (name, value) in headers.iter().filter(|(n, _)| n != "host") {
            request = request.header(name.as_str(), value.as_str());
        }
        for (name, value) in &signed {
            request = request.header(name.as_str(), value.as_str());
        }
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Outcome::Transport(classify(&e)),
        };
        if options.lose_response {
            // Dropping the response unread closes the connection: the client never learns
            // what the endpoint answered, as when a response is lost in transit.
            drop(response);
            return Outcome::Transport(TransportError::Lost);
        }
        let status = response.status().as_u16();
        // restJson binds output members to headers: all of them are read, only some recorded.
        let all_headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let headers: Vec<(String, String)> = KEPT_HEADERS
            .iter()
            .filter_map(|name| {
                response.headers().get(*name).map(|v| {
                    (
                        name.to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
            })
            .collect();
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > self.config.max_body_bytes {
                        return Outcome::Transport(TransportError::TooLarge {
                            limit: self.config.max_body_bytes,
                        });
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Outcome::Transport(TransportError::Broken(e.to_string())),
            }
        }
        let error_type = headers
            .iter()
            .find(|(k, _)| k == "x-amzn-errortype")
            .map(|(_, v)| v.as_str());
        let mut body = decode_response(status, error_type, &bytes);
        if self.model.metadata.protocol == "rest-json" && (200..300).contains(&status) {
            body = self.bound_output(operation, status, &all_headers, &bytes, body);
        }
        Outcome::Response(Response {
            status,
            headers,
            raw: String::from_utf8_lossy(&bytes).into_owned(),
            body,
        })
    }
}

impl Client {
    /// A restJson success in JSON form: members from headers, the status code and a payload
    /// joined to the body's, under their member names (a body that is a blob or text payload
    /// need not be JSON).
    fn bound_output(
        &self,
        operation: &str,
        status: u16,
        headers: &[(String, String)],
        bytes: &[u8],
        decoded: Body,
    ) -> Body {
        let http = protocol::HttpResponse {
            status,
            headers,
            body: bytes,
        };
        let raw_payload = self
            .model
            .operation(operation)
            .and_then(|o| o.output.as_ref())
            .and_then(|o| self.model.shape(&o.shape))
            .and_then(|s| s.payload.as_ref().and_then(|p| s.members.get(p)))
            .and_then(|m| self.model.shape(&m.shape))
            .is_some_and(|s| {
                matches!(
                    s.kind,
                    crate::model::ShapeKind::Blob | crate::model::ShapeKind::String
                )
            });
        match (protocol::response(&self.model, operation, &http), decoded) {
            (protocol::Parsed::Success(value), Body::Success(_)) => Body::Success(value),
            (protocol::Parsed::Success(value), Body::Malformed(_)) if raw_payload => {
                Body::Success(value)
            }
            (_, decoded) => decoded,
        }
    }
}

fn classify(e: &reqwest::Error) -> TransportError {
    let detail = error_chain(e);
    if e.is_connect() {
        TransportError::Connect(detail)
    } else {
        TransportError::Broken(detail)
    }
}

/// reqwest's top-level message is terse ("error sending request"); the cause says why, and
/// for the one cause whose words mislead, what it likely means.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    // What rustls says when the other side answers a TLS handshake with plain HTTP.
    if text.contains("InvalidContentType") {
        text.push_str(
            " (the endpoint answered without TLS: it is probably an http:// endpoint, not https://)",
        );
    }
    text
}

/// A number in [0, 1) from the clock's nanoseconds: enough to spread retries, no crypto needed.
fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mixed = (u64::from(nanos)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
    mixed as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::retryable;
    use crate::client::{Exchange, Outcome, Response, decode_response};

    fn answered(status: u16, body: &str) -> Exchange {
        Exchange {
            operation: "CreateThing".into(),
            request: json!({}),
            outcome: Outcome::Response(Response {
                status,
                headers: Vec::new(),
                raw: body.into(),
                body: decode_response(status, None, body.as_bytes()),
            }),
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn what_may_pass_is_retried_and_what_comes_again_is_not() {
        let typed = r#"{"__type":"InternalFailure","message":"try again"}"#;
        let page = "<!doctype html><title>500 Internal Server Error</title>";
        assert!(retryable(&answered(500, typed)));
        assert!(retryable(&answered(503, page)));
        assert!(retryable(&answered(429, page)));
        assert!(!retryable(&answered(500, page)));
        assert!(!retryable(&answered(501, typed)));
        assert!(!retryable(&answered(400, typed)));
        let throttled = r#"{"__type":"ThrottlingException","message":"slow down"}"#;
        assert!(retryable(&answered(400, throttled)));
    }
}
