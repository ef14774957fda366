//! `client` steps: the SDK under test makes its calls through a driver; the request log shows
//! what it sent.

use std::time::Instant;

use serde_json::Value;

use super::memory::Memory;
use super::scope::{At, Scope, StepOutcome, errored, failed};
use crate::scenario::ClientCall;

/// `client`: the driver makes its calls; the request log shows what it sent.
pub(super) async fn client_calls(
    scope: &Scope<'_>,
    memory: &Memory,
    at: At<'_>,
    call: &ClientCall,
) -> Result<(), StepOutcome> {
    let started = Instant::now();
    let Some(driver) = scope.env.driver else {
        let message = "no client driver for a `client` step".to_string();
        return Err(errored(scope.problem(at, None, message)));
    };
    let params = match &call.params {
        Some(p) => memory.bindings.expand_value(&p.to_json()),
        None => Ok(Value::Object(Default::default())),
    }
    .map_err(|e| errored(scope.problem(at, Some(&call.operation), e)))?;
    let (records, max_attempts) = crate::sdk::run_calls(
        scope.env.client,
        &scope.env.service.pack.sdk_name,
        driver,
        &call.operation,
        &params,
        call.calls,
    )
    .await
    .map_err(|e| errored(scope.problem(at, Some(&call.operation), e)))?;
    let summary: Vec<String> = records
        .iter()
        .map(|r| format!("{} attempt(s), {}", r.attempts.len(), r.outcome))
        .collect();
    scope.record(
        at,
        None,
        started.elapsed(),
        format!(
            "client {} via {}: {}",
            call.operation,
            driver.name,
            summary.join("; ")
        ),
    );
    crate::sdk::check_calls(&records, &call.expect, max_attempts).map_err(|f| {
        let mut p = scope.problem(at, Some(&call.operation), f.message);
        p.clause = Some(f.clause);
        p.expected = f.expected;
        p.actual = f.actual;
        failed(p)
    })
}
