//! proton-conform driver for the AWS SDK for Rust, built with the bundled packs' services.
//!
//! Single-call mode (sdk-check): one call of $PC_OPERATION of the service $PC_SERVICE (default
//! `proton`) with the JSON input $PC_PARAMS, against $AWS_ENDPOINT_URL_<SERVICE ID>. Batch mode
//! ($PC_BATCH=1, sdk-sweep): one call per JSON line on stdin (`service`, `operation`, `params`,
//! `endpoint`), one outcome line per call, a driver error being an outcome too.
//!
//! Prints `{"outcome": "success" | "<ErrorType>", "max_attempts": N, "sdk": "..."}`. The SDK
//! fills in idempotency tokens the caller leaves out: the driver only sets the ones given.

mod calls;
mod input;

use std::io::BufRead;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_config::SdkConfig;
use aws_sdk_proton::error::{ProvideErrorMetadata, SdkError};
use serde_json::{Value, json};

/// The service's error type of a failed call, else the kind of failure; `success` otherwise.
pub type Outcome = String;

/// What the driver says of its SDK: the service crates it is built with.
fn label() -> String {
    format!(
        "aws-sdk-rust: dynamodb {}, ecs {}, efs {}, eks {}, proton {}, secretsmanager {}",
        aws_sdk_dynamodb::meta::PKG_VERSION,
        aws_sdk_ecs::meta::PKG_VERSION,
        aws_sdk_efs::meta::PKG_VERSION,
        aws_sdk_eks::meta::PKG_VERSION,
        aws_sdk_proton::meta::PKG_VERSION,
        aws_sdk_secretsmanager::meta::PKG_VERSION,
    )
}

pub fn outcome<T, E: ProvideErrorMetadata + std::fmt::Debug>(
    result: Result<T, SdkError<E>>,
) -> Outcome {
    match result {
        Ok(_) => "success".to_string(),
        Err(e) => e.code().map(str::to_string).unwrap_or_else(|| {
            // The variant's name: DispatchFailure, TimeoutError, ResponseError, ...
            format!("{e:?}")
                .split('(')
                .next()
                .unwrap_or("SdkError")
                .to_string()
        }),
    }
}

/// Each call gets a retry partition of its own: the SDK shares one retry token bucket per
/// partition across a process's clients, and the permits a call's retries take are given back
/// only when it succeeds; a call that ends in failure would leave fewer retries to the calls
/// after it in the same batch, so one operation's result could change another's.
fn retry_partition() -> String {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    format!("pc-call-{}", CALLS.fetch_add(1, Ordering::Relaxed))
}

/// One call; its outcome and the SDK's maximum attempts, or why the driver could not make it.
async fn call(
    shared: &SdkConfig,
    service: &str,
    operation: &str,
    params: &Value,
    endpoint: Option<String>,
) -> Result<(Outcome, u32), String> {
    // The service's client (at `endpoint` where given), then the call.
    macro_rules! with {
        ($krate:ident, $calls:path) => {{
            let mut config = $krate::config::Builder::from(shared)
                .retry_partition($krate::config::retry::RetryPartition::new(retry_partition()));
            if let Some(endpoint) = endpoint {
                config = config.endpoint_url(endpoint);
            }
            let config = config.build();
            let max_attempts = config.retry_config().map_or(3, |r| r.max_attempts());
            let client = $krate::Client::from_conf(config);
            let outcome = $calls(&client, operation, params).await?;
            Ok((outcome, max_attempts))
        }};
    }
    match service {
        "dynamodb" => with!(aws_sdk_dynamodb, calls::dynamodb::call),
        "ecs" => with!(aws_sdk_ecs, calls::ecs::call),
        "efs" => with!(aws_sdk_efs, calls::efs::call),
        "eks" => with!(aws_sdk_eks, calls::eks::call),
        "proton" => with!(aws_sdk_proton, calls::proton::call),
        "secretsmanager" => with!(aws_sdk_secretsmanager, calls::secretsmanager::call),
        other => Err(format!("this driver is not built with the service {other}")),
    }
}

async fn batch(shared: &SdkConfig) {
    let sdk = label();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let request: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        let text = |name: &str| request[name].as_str().unwrap_or_default().to_string();
        let endpoint = request["endpoint"].as_str().map(str::to_string);
        let reply = match call(
            shared,
            &text("service"),
            &text("operation"),
            &request["params"],
            endpoint,
        )
        .await
        {
            Ok((outcome, max_attempts)) => {
                json!({ "outcome": outcome, "max_attempts": max_attempts, "sdk": sdk })
            }
            Err(e) => json!({ "outcome": format!("DriverError: {e}"), "sdk": sdk }),
        };
        println!("{reply}");
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let shared = aws_config::load_from_env().await;
    if std::env::var("PC_BATCH").as_deref() == Ok("1") {
        batch(&shared).await;
        return std::process::ExitCode::SUCCESS;
    }
    let service = std::env::var("PC_SERVICE").unwrap_or_else(|_| "proton".to_string());
    let operation = std::env::var("PC_OPERATION").unwrap_or_default();
    let params: Value = serde_json::from_str(&std::env::var("PC_PARAMS").unwrap_or_default())
        .unwrap_or(Value::Null);
    // The endpoint is the environment's: the SDK reads AWS_ENDPOINT_URL_<SERVICE ID> itself.
    match call(&shared, &service, &operation, &params, None).await {
        Ok((outcome, max_attempts)) => {
            let reply = json!({ "outcome": outcome, "max_attempts": max_attempts, "sdk": label() });
            println!("{reply}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
