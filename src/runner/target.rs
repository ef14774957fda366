//! The endpoint a run talks to, what it can do beyond the API, and the control calls.

use std::time::Duration;

use serde_json::{Value, json};

use crate::client::{Client, error_chain};
use crate::error::Error;
use crate::scenario::Capability;

/// What an endpoint offers under `/_conformance/` (DESIGN.md, "Endpoint capabilities").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub clock: bool,
    pub reset: bool,
    pub requests: bool,
    pub faults: Vec<String>,
}

impl Capabilities {
    pub fn has(&self, capability: Capability) -> bool {
        match capability {
            Capability::Clock => self.clock,
            Capability::Faults => !self.faults.is_empty(),
            Capability::Requests => self.requests,
        }
    }

    /// Asks the endpoint; a 404 or anything unreadable means it offers nothing. Only a failure
    /// to connect at all is an error.
    pub async fn discover(client: &Client) -> Result<Capabilities, Error> {
        let url = format!("{}/_conformance/capabilities", client.endpoint());
        let response = client
            .http()
            .get(&url)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|e| {
                Error::endpoint(format!(
                    "cannot reach {}: {}",
                    client.endpoint(),
                    error_chain(&e)
                ))
            })?;
        if !response.status().is_success() {
            return Ok(Capabilities::default());
        }
        let body: Value = match response.json_bytes().await {
            Some(v) => v,
            None => return Ok(Capabilities::default()),
        };
        Ok(Capabilities {
            clock: body["clock"].as_bool().unwrap_or(false),
            reset: body["reset"].as_bool().unwrap_or(false),
            requests: body["requests"].as_bool().unwrap_or(false),
            faults: body["faults"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|f| f.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

/// Moves the endpoint's virtual clock forward; returns its new time (epoch seconds).
pub async fn advance_clock(client: &Client, seconds: u64) -> Result<f64, Error> {
    let url = format!("{}/_conformance/clock", client.endpoint());
    let response = client
        .http()
        .post(&url)
        .header("content-type", "application/json")
        .body(json!({ "advanceSeconds": seconds }).to_string())
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .map_err(|e| {
            Error::endpoint(format!(
                "POST /_conformance/clock failed: {}",
                error_chain(&e)
            ))
        })?;
    let status = response.status();
    let body = response.json_bytes().await;
    if !status.is_success() {
        return Err(Error::endpoint(format!(
            "POST /_conformance/clock answered HTTP {status}"
        )));
    }
    body.and_then(|b| b["now"].as_f64())
        .ok_or_else(|| Error::endpoint("POST /_conformance/clock answered without a `now`"))
}

trait JsonBytes {
    async fn json_bytes(self) -> Option<Value>;
}

impl JsonBytes for reqwest::Response {
    /// Reads a small JSON body; anything larger than 64 KiB or not JSON is `None`.
    async fn json_bytes(mut self) -> Option<Value> {
        let mut bytes = Vec::new();
        while let Ok(Some(chunk)) = self.chunk().await {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > 64 * 1024 {
                return None;
            }
        }
        serde_json::from_slice(&bytes).ok()
    }
}

/// Scripts a one-shot fault (`POST /_conformance/faults` with `inject`).
pub async fn inject(client: &Client, injection: &crate::scenario::Injection) -> Result<(), Error> {
    let url = format!("{}/_conformance/faults", client.endpoint());
    let body = json!({ "inject": {
        "operation": injection.operation,
        "times": injection.times,
        "afterApply": injection.after_apply,
        "action": injection.action,
        "status": injection.status,
    }});
    let response = client
        .http()
        .post(&url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .map_err(|e| {
            Error::endpoint(format!(
                "POST /_conformance/faults failed: {}",
                error_chain(&e)
            ))
        })?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(Error::endpoint(format!(
            "POST /_conformance/faults answered HTTP {}",
            response.status()
        )))
    }
}
