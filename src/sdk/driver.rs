//! Drivers: commands that make one call of an operation with a given SDK. The protocol is
//! plain environment variables in, one JSON line out, so a driver is a few lines in any
//! language:
//!
//! - in: `AWS_ENDPOINT_URL_<SERVICE ID>` (and `AWS_ENDPOINT_URL`), dummy credentials,
//!   `AWS_REGION`, `PC_SERVICE` (the SDKs' name of the service, `boto3.client(NAME)`),
//!   `PC_OPERATION` (`CreateWidget`), `PC_OPERATION_CLI` (`create-widget`), `PC_PARAMS` (the
//!   input as JSON);
//! - out: a last stdout line `{"outcome": "success"}` or `{"outcome": "<ErrorType>"}`, and
//!   optionally `"max_attempts": N`, the SDK's retry policy as configured.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use super::checks::{Attempt, CallRecord};
use crate::client::Client;
use crate::error::Error;

/// A driver proton-conform ships.
pub struct Shipped {
    pub name: &'static str,
    /// The command, relative to the project root where it holds a `/`.
    pub command: &'static [&'static str],
    /// The SDK's documented maximum attempts with its default configuration.
    pub max_attempts: u32,
    /// A command that succeeds only when the SDK the driver needs is installed.
    pub probe: &'static [&'static str],
    /// How to install what the probe looks for.
    pub install: &'static str,
    /// The services the sweep calls it with.
    pub models: ModelSet,
}

/// Which services an SDK is swept over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSet {
    /// Every service of the installed botocore (the SDKs built on it know exactly these).
    Botocore,
    /// The bundled packs' services (SDKs with a package or crate per service).
    Packs,
}

pub const SHIPPED: &[Shipped] = &[
    Shipped {
        name: "boto3",
        command: &["python3", "drivers/boto3_driver.py"],
        max_attempts: 5,
        probe: &["python3", "-c", "import boto3"],
        install: "pip install boto3",
        models: ModelSet::Botocore,
    },
    Shipped {
        name: "awscli",
        command: &["sh", "drivers/awscli_driver.sh"],
        max_attempts: 5,
        probe: &["aws", "--version"],
        install: "pip install awscli",
        models: ModelSet::Botocore,
    },
    Shipped {
        name: "js",
        command: &["node", "drivers/js/driver.mjs"],
        max_attempts: 3,
        probe: &[
            "test",
            "-d",
            // Any service's client brings the SDK's core: the driver's packages are installed.
            "drivers/js/node_modules/@aws-sdk/core",
        ],
        install: "cd drivers/js && npm ci",
        models: ModelSet::Packs,
    },
    Shipped {
        name: "rust",
        command: &["target/release/rust-sdk-driver"],
        max_attempts: 3,
        probe: &["test", "-x", "target/release/rust-sdk-driver"],
        install: "cargo build -p rust-sdk-driver",
        // Built with the packs' service crates (drivers/rust-sdk/Cargo.toml).
        models: ModelSet::Packs,
    },
];

/// How long one call may take before the driver is stopped.
const CALL_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, Clone)]
pub struct Driver {
    pub name: String,
    pub command: Vec<String>,
    /// The SDK's maximum attempts per call (a driver's own report overrides it).
    pub max_attempts: u32,
}

impl Driver {
    /// A shipped driver by name, its command resolved against `root`; an error when the SDK
    /// it drives is not installed (a setup problem, never the client's fault).
    pub fn shipped(name: &str, root: &Path) -> Result<Driver, Error> {
        let Some(shipped) = SHIPPED.iter().find(|s| s.name == name) else {
            let names: Vec<&str> = SHIPPED.iter().map(|s| s.name).collect();
            return Err(Error::input(format!(
                "unknown driver `{name}`; shipped drivers: {}",
                names.join(", ")
            )));
        };
        // A built binary is taken from the release build, else from the debug one.
        let locate = |part: &str| {
            let release = root.join(part);
            match part.strip_prefix("target/release/") {
                Some(name) if !release.exists() => root.join("target/debug").join(name),
                _ => release,
            }
        };
        let resolve = |parts: &[&str]| -> Vec<String> {
            parts
                .iter()
                .map(|part| {
                    if part.contains('/') {
                        locate(part).display().to_string()
                    } else {
                        part.to_string()
                    }
                })
                .collect()
        };
        let probe = resolve(shipped.probe);
        let installed = std::process::Command::new(&probe[0])
            .args(&probe[1..])
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            return Err(Error::input(format!(
                "the {name} driver cannot run here: `{}` failed; install it with `{}`",
                shipped.probe.join(" "),
                shipped.install
            )));
        }
        Ok(Driver {
            name: name.to_string(),
            command: resolve(shipped.command),
            max_attempts: shipped.max_attempts,
        })
    }

    /// Any command, run through `sh -c`.
    pub fn custom(command: &str, max_attempts: u32) -> Driver {
        Driver {
            name: "client".into(),
            command: vec!["sh".into(), "-c".into(), command.into()],
            max_attempts,
        }
    }
}

/// An operation as the AWS CLI spells it (`CreateWidget`: `create-widget`, `CreateABTest`:
/// `create-ab-test`): botocore's `xform_name`, a dash before a capital that starts a word and
/// between a lower-case letter or digit and a capital.
pub(super) fn cli_name(operation: &str) -> String {
    let chars: Vec<char> = operation.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let starts_word = c.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase());
        let after_lower = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
        if i > 0 && c.is_ascii_uppercase() && (starts_word || after_lower) {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Makes `calls` separate calls with the driver, one run each, and returns what the endpoint
/// logged for each: the attempts of that call, in order. `sdk_name` is the SDKs' name of the
/// service (`PC_SERVICE`).
pub async fn run_calls(
    client: &Client,
    sdk_name: &str,
    driver: &Driver,
    operation: &str,
    params: &Value,
    calls: u32,
) -> Result<(Vec<CallRecord>, u32), Error> {
    let mut records = Vec::new();
    let mut max_attempts = driver.max_attempts;
    for _ in 0..calls {
        // Asking past the end returns no request, only the newest sequence number.
        let since = requests_since(client, i64::MAX as u64).await?.1;
        let (outcome, reported) = run_driver(client, sdk_name, driver, operation, params).await?;
        if let Some(n) = reported {
            max_attempts = n;
        }
        let target = client.model().target(operation);
        let attempts = requests_since(client, since)
            .await?
            .0
            .into_iter()
            .filter(|r| r.get("target").and_then(Value::as_str) == Some(&target))
            .map(|r| Attempt {
                body: r
                    .get("body")
                    .and_then(Value::as_str)
                    .and_then(|b| serde_json::from_str(b).ok())
                    .unwrap_or(Value::Null),
                error: r.get("error").and_then(Value::as_str).map(str::to_string),
            })
            .collect();
        records.push(CallRecord { outcome, attempts });
    }
    Ok((records, max_attempts))
}

/// The logged requests numbered above `since`, and the newest sequence number.
async fn requests_since(client: &Client, since: u64) -> Result<(Vec<Value>, u64), Error> {
    let url = format!("{}/_conformance/requests?since={since}", client.endpoint());
    let bytes = client
        .http()
        .get(&url)
        .send()
        .await
        .map_err(|e| Error::endpoint(format!("cannot read the request log: {e}")))?
        .bytes()
        .await
        .map_err(|e| Error::endpoint(format!("cannot read the request log: {e}")))?;
    let answer: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::endpoint(format!("the request log is not JSON: {e}")))?;
    let last = answer.get("last").and_then(Value::as_u64).unwrap_or(0);
    let requests = answer
        .get("requests")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok((requests, last))
}

/// A driver's process: dummy credentials, a fixed region, and no user configuration that
/// could change retries or endpoints.
pub(super) fn sdk_command(program: &str, args: &[String]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "AKIDCONFORMDUMMY")
        .env("AWS_SECRET_ACCESS_KEY", "proton-conform-dummy-secret")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_RETRY_MODE")
        .env_remove("AWS_MAX_ATTEMPTS")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    command
}

async fn run_driver(
    client: &Client,
    sdk_name: &str,
    driver: &Driver,
    operation: &str,
    params: &Value,
) -> Result<(String, Option<u32>), Error> {
    let (program, args) = driver
        .command
        .split_first()
        .ok_or_else(|| Error::input("the driver command is empty"))?;
    let mut command = sdk_command(program, args);
    command
        .env(
            client.model().metadata.endpoint_variable(),
            client.endpoint(),
        )
        .env("AWS_ENDPOINT_URL", client.endpoint())
        .env("PC_SERVICE", sdk_name)
        .env("PC_OPERATION", operation)
        .env("PC_OPERATION_CLI", cli_name(operation))
        .env("PC_PARAMS", params.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().map_err(|e| {
        Error::input(format!(
            "cannot start driver `{}` ({program}): {e}",
            driver.name
        ))
    })?;
    let output = tokio::time::timeout(CALL_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| {
            Error::input(format!(
                "driver `{}` did not finish within {}s",
                driver.name,
                CALL_TIMEOUT.as_secs()
            ))
        })?
        .map_err(|e| Error::input(format!("driver `{}` failed: {e}", driver.name)))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last_line = stdout.lines().rev().find(|l| !l.trim().is_empty());
    let report: Option<Value> = last_line.and_then(|l| serde_json::from_str(l).ok());
    let Some(outcome) = report
        .as_ref()
        .and_then(|r| r.get("outcome"))
        .and_then(Value::as_str)
    else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        return Err(Error::input(format!(
            "driver `{}` exited with {} without a {{\"outcome\": ...}} line; stderr ends: {}",
            driver.name,
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        )));
    };
    let max_attempts = report
        .as_ref()
        .and_then(|r| r.get("max_attempts"))
        .and_then(Value::as_u64)
        .map(|n| n as u32);
    Ok((outcome.to_string(), max_attempts))
}

#[cfg(test)]
mod tests {
    #[test]
    fn operations_get_their_cli_names() {
        assert_eq!(
            super::cli_name("CreateEnvironmentTemplateVersion"),
            "create-environment-template-version"
        );
        assert_eq!(super::cli_name("CreateABTest"), "create-ab-test");
        assert_eq!(
            super::cli_name("StartWebRTCContact"),
            "start-web-rtc-contact"
        );
        assert_eq!(super::cli_name("GetV2Thing"), "get-v2-thing");
    }
}
