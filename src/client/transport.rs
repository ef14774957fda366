//! Sending one awsJson1_0 request, bounded in time and size.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::decode::decode_response;
use super::exchange::{Exchange, Outcome, Response, TransportError};
use crate::model::Model;

/// Limits that apply to every request of a client.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// How long a request may take, from sending to the last body byte.
    pub timeout: Duration,
    /// The largest response body accepted; larger answers fail the step.
    pub max_body_bytes: usize,
    /// Signs every request when set.
    pub signer: Option<super::SharedSigner>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            max_body_bytes: 4 * 1024 * 1024,
            signer: None,
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

/// A Proton client for one endpoint.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: String,
    config: ClientConfig,
}

/// Headers kept in the exchange record: the ones the protocol gives meaning to.
const KEPT_HEADERS: &[&str] = &["content-type", "x-amzn-errortype", "x-amzn-requestid"];

impl Client {
    pub fn new(endpoint: &str, config: ClientConfig) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self {
            http,
            endpoint: endpoint.trim_end_matches('/').to_string(),
            config,
        })
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// A plain HTTP client sharing this one's connection pool, for the control API.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Calls `operation` with `body` and records the exchange; never fails: transport problems
    /// are part of the record.
    pub async fn call(&self, operation: &str, body: &Value, options: &RequestOptions) -> Exchange {
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
        let payload = serde_json::to_vec(body).unwrap_or_default();
        let url = format!("{}/", self.endpoint);
        let mut headers = vec![
            ("content-type", "application/x-amz-json-1.0".to_string()),
            ("x-amz-target", Model::get().target(operation)),
        ];
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
            headers.push(("host", host));
            match signer.headers(&url, &headers, &payload).await {
                Ok(h) => signed = h,
                Err(e) => return Outcome::Transport(TransportError::Connect(e)),
            }
        }
        let mut request = self.http.post(&url).body(payload);
        // reqwest sets the host itself, from the URL the signature covered.
        for (name, value) in headers.iter().filter(|(n, _)| *n != "host") {
            request = request.header(*name, value.as_str());
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
        let body = decode_response(status, error_type, &bytes);
        Outcome::Response(Response {
            status,
            headers,
            raw: String::from_utf8_lossy(&bytes).into_owned(),
            body,
        })
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

/// reqwest's top-level message is terse ("error sending request"); the cause says why.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
