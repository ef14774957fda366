//! A driver in batch mode (`PC_BATCH=1`): one process makes many calls, so that a sweep over a
//! thousand operations does not start a thousand interpreters. The protocol is one JSON line
//! in per call (`service`, `service_id`, `operation`, `operation_cli`, `params`, `endpoint`)
//! and one JSON line out (`{"outcome": "success" | "<ErrorType>"}`), as in single-call mode.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

use super::super::Driver;
use super::super::driver::{cli_name, sdk_command};
use crate::error::Error;

/// How long one call may take (three attempts with the SDKs' backoff take seconds).
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// One call for the driver to make.
pub struct Call<'a> {
    /// The SDKs' name of the service (`boto3.client(NAME)`, botocore's directory name).
    pub service: &'a str,
    /// The model's `serviceId` (the JavaScript SDK's package is named after it).
    pub service_id: &'a str,
    pub operation: &'a str,
    pub params: &'a Value,
    pub endpoint: &'a str,
}

pub struct BatchDriver {
    driver: Driver,
    /// The sweep's endpoint as the driver's HTTP proxy too: a host the SDK prefixed to the
    /// endpoint's address (`api.127.0.0.1`) reaches it all the same, where the SDK honours
    /// `HTTP_PROXY` (boto3 and the AWS CLI do).
    proxy: Option<String>,
    running: Option<Running>,
    /// What the driver says of its SDK (`"sdk": "boto3 1.43.11"` in its outcome lines).
    pub sdk: Option<String>,
}

struct Running {
    child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
    /// The last lines the driver wrote to stderr, read as it writes them.
    stderr: tokio::task::JoinHandle<Vec<String>>,
}

/// How many of its last stderr lines a failed driver's error carries.
const STDERR_TAIL: usize = 8;

impl BatchDriver {
    pub fn new(driver: Driver) -> Self {
        BatchDriver {
            driver,
            proxy: None,
            running: None,
            sdk: None,
        }
    }

    /// Sends the driver's plain HTTP through `proxy`.
    pub fn via_proxy(mut self, proxy: &str) -> Self {
        self.proxy = Some(proxy.to_string());
        self
    }

    fn start(&self) -> Result<Running, Error> {
        let (program, args) = self
            .driver
            .command
            .split_first()
            .ok_or_else(|| Error::input("the driver command is empty"))?;
        let mut command = sdk_command(program, args);
        if let Some(proxy) = &self.proxy {
            command
                .env("HTTP_PROXY", proxy)
                .env("http_proxy", proxy)
                .env_remove("NO_PROXY")
                .env_remove("no_proxy");
        }
        let mut child = command
            .env("PC_BATCH", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                Error::input(format!("cannot start driver `{}`: {e}", self.driver.name))
            })?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| Error::internal("no stdin"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| Error::internal("no stdout"))?;
        let stderr = child
            .stderr
            .take()
            .ok_or_else(|| Error::internal("no stderr"))?;
        let stderr = tokio::spawn(async move {
            let mut tail = std::collections::VecDeque::new();
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if tail.len() == STDERR_TAIL {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
            tail.into_iter().collect()
        });
        Ok(Running {
            child,
            stdin,
            lines: BufReader::new(stdout).lines(),
            stderr,
        })
    }

    /// Makes one call; the driver's outcome, or why there is none. A driver that dies or
    /// hangs is restarted for the next call.
    pub async fn call(&mut self, call: &Call<'_>) -> Result<String, Error> {
        if self.running.is_none() {
            self.running = Some(self.start()?);
        }
        let line = json!({
            "service": call.service,
            "service_id": call.service_id,
            "operation": call.operation,
            "operation_cli": cli_name(call.operation),
            "params": call.params,
            "endpoint": call.endpoint,
        })
        .to_string();
        let result = self.exchange(&line).await;
        match (result, self.running.take()) {
            (Err(e), Some(mut running)) => {
                let _ = running.child.kill().await;
                let tail = tokio::time::timeout(Duration::from_secs(2), running.stderr)
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .unwrap_or_default();
                if tail.is_empty() {
                    Err(e)
                } else {
                    let message = format!("{e}; its stderr ends: {}", tail.join(" | "));
                    Err(Error::new(e.kind, message))
                }
            }
            (result, running) => {
                self.running = running;
                result
            }
        }
    }

    async fn exchange(&mut self, line: &str) -> Result<String, Error> {
        let name = self.driver.name.clone();
        let running = self
            .running
            .as_mut()
            .ok_or_else(|| Error::input("the driver is not running"))?;
        running
            .stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .map_err(|e| Error::input(format!("driver `{name}` does not take calls: {e}")))?;
        running
            .stdin
            .flush()
            .await
            .map_err(|e| Error::input(format!("driver `{name}` does not take calls: {e}")))?;
        loop {
            let next = tokio::time::timeout(CALL_TIMEOUT, running.lines.next_line())
                .await
                .map_err(|_| {
                    Error::input(format!(
                        "driver `{name}` did not answer within {CALL_TIMEOUT:?}"
                    ))
                })?
                .map_err(|e| Error::input(format!("driver `{name}` failed: {e}")))?
                .ok_or_else(|| Error::input(format!("driver `{name}` exited")))?;
            // Lines that are not the outcome (an SDK's own printing) are skipped.
            let Ok(report) = serde_json::from_str::<Value>(&next) else {
                continue;
            };
            if let Some(outcome) = report.get("outcome").and_then(Value::as_str) {
                if let Some(sdk) = report.get("sdk").and_then(Value::as_str) {
                    self.sdk = Some(sdk.to_string());
                }
                return Ok(outcome.to_string());
            }
        }
    }
}
