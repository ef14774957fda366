//! `call` and `repeat` steps: build the request, send it (copies at once, or with the answer
//! lost), check the answer, capture from it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::memory::Memory;
use super::scope::{At, Scope, StepOutcome, errored};
use crate::check::{self, StepContext};
use crate::client::{Client, Exchange, Outcome, RequestOptions, RetryPolicy, TransportError};
use crate::redact;
use crate::scenario::{ExpectedOutcome, Phase};

/// `call` and `repeat`: one request, or `parallel` copies released together.
pub(super) async fn send(
    scope: &Scope<'_>,
    memory: &mut Memory,
    at: At<'_>,
) -> Result<(), StepOutcome> {
    let At { phase, step } = at;
    let started = Instant::now();
    let model = &scope.env.service.model;
    let (operation, body) = memory
        .request(model, step)
        .map_err(|e| errored(scope.problem(at, None, e)))?;
    validate_request(scope, at, &operation, &body)?;
    let options = RequestOptions {
        timeout: step.timeout_ms.map(Duration::from_millis),
        lose_response: step.lose_response,
    };
    let exchanges = if step.paginate {
        let client = scope.env.client;
        vec![client.call_all_pages(&operation, &body, &options).await]
    } else {
        let client = scope.env.client;
        call_copies(client, phase, &operation, &body, &options, step.parallel).await
    };
    let first = exchanges[0].clone();
    // Recorded before any check, so that `diff` also compares answers that fail one.
    record_every_step(scope, memory, at, &first);
    scope.record(
        at,
        Some(&first),
        started.elapsed(),
        redact::exchange_text(&first),
    );
    // A request sent on purpose without reading its answer, or whose answer is let go after
    // `timeout_ms`, has nothing to check: the retry that follows is the point.
    let tolerated = |e: &Exchange| match &e.outcome {
        // Sent and let go: whether the connection then closed under it makes no difference.
        Outcome::Transport(TransportError::Lost | TransportError::Broken(_)) => step.lose_response,
        Outcome::Transport(TransportError::Timeout(_)) => step.timeout_ms.is_some(),
        _ => false,
    };
    let mut deviations = Vec::new();
    let checked = {
        let ctx = StepContext {
            model,
            expect: &step.expect,
            profile: scope.env.profile,
            default_clause: &scope.default_clause,
            bindings: &memory.bindings,
            earlier: &memory.exchanges,
        };
        let each = exchanges
            .iter()
            .filter(|e| !tolerated(e))
            .find_map(|exchange| match &exchange.outcome {
                Outcome::Transport(error) => Some(Err((exchange, format!("{operation}: {error}")))),
                Outcome::Response(_) => match check::check_step(&ctx, exchange) {
                    Ok(found) => {
                        deviations.extend(found.into_iter().map(|f| (f, exchange)));
                        None
                    }
                    Err(failure) => Some(Ok((exchange, failure))),
                },
            });
        match each {
            Some(found) => Some(found),
            None if step.expect.all_same => check::check_all_same(&ctx, &exchanges)
                .err()
                .map(|failure| Ok((&first, failure))),
            None => None,
        }
    };
    for (deviation, exchange) in deviations {
        memory.deviate(scope, at, deviation, exchange);
    }
    match checked {
        Some(Err((exchange, message))) => {
            let p = scope.problem(at, Some(&operation), message);
            return Err(errored(scope.with_exchange(p, exchange)));
        }
        Some(Ok((exchange, failure))) => {
            // A request that should have failed and made something instead: what it made is
            // captured all the same, so that the teardown deletes it.
            if exchange.success_body().is_some() {
                memory.salvage_captures(step, exchange);
            }
            return Err(scope.check_failure(at, failure, Some(exchange)));
        }
        None => {}
    }
    // A step that expects an error captures only from a success it did not expect.
    let expects_success = matches!(step.expect.outcome, ExpectedOutcome::Success);
    if !tolerated(&first) && (expects_success || first.success_body().is_some()) {
        capture(scope, memory, at, &first)?;
    }
    memory.remember(step, (operation, body), first);
    Ok(())
}

/// The step's captures from an answer, a missing one the step's error.
pub(super) fn capture(
    scope: &Scope<'_>,
    memory: &mut Memory,
    at: At<'_>,
    exchange: &Exchange,
) -> Result<(), StepOutcome> {
    memory.capture(at.step, exchange).map_err(|e| {
        let p = scope.problem(at, Some(&exchange.operation), e);
        errored(scope.with_exchange(p, exchange))
    })
}

/// Sends one request, or `copies` released together. Setup and teardown are the harness's own
/// calls: they ride out throttling and 5xx.
async fn call_copies(
    client: &Client,
    phase: Phase,
    operation: &str,
    body: &Value,
    options: &RequestOptions,
    copies: u32,
) -> Vec<Exchange> {
    let internal =
        phase != Phase::Steps && copies <= 1 && !options.lose_response && options.timeout.is_none();
    if internal {
        return vec![
            client
                .call_retrying(operation, body, &RetryPolicy::default())
                .await,
        ];
    }
    if copies <= 1 {
        return vec![client.call(operation, body, options).await];
    }
    // Every copy waits at the barrier, so they leave together.
    let barrier = Arc::new(tokio::sync::Barrier::new(copies as usize));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..copies {
        let (client, barrier) = (client.clone(), barrier.clone());
        let (operation, body, options) = (operation.to_string(), body.clone(), options.clone());
        tasks.spawn(async move {
            barrier.wait().await;
            (i, client.call(&operation, &body, &options).await)
        });
    }
    let mut results = Vec::with_capacity(copies as usize);
    while let Some(joined) = tasks.join_next().await {
        if let Ok(r) = joined {
            results.push(r);
        }
    }
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, e)| e).collect()
}

/// A request must match the input schema unless the step says it breaks it on purpose.
pub(super) fn validate_request(
    scope: &Scope<'_>,
    at: At<'_>,
    operation: &str,
    body: &Value,
) -> Result<(), StepOutcome> {
    let violations = scope
        .env
        .service
        .model
        .check_input(operation, body)
        .map_err(|e| errored(scope.problem(at, Some(operation), e)))?;
    let message = match (violations.first(), at.step.invalid_request) {
        (Some(first), false) => format!(
            "the request does not conform to {operation}'s input ({first}); if that is the point, mark the step `invalid_request: true`"
        ),
        (None, true) => {
            "the step is marked `invalid_request: true` but its request conforms to the model"
                .to_string()
        }
        _ => return Ok(()),
    };
    let mut problem = scope.problem(at, Some(operation), message);
    problem.actual = Some(body.to_string());
    Err(errored(problem))
}

/// For `diff`: every request step's redacted exchange, named by its phase and id (or, for a
/// step without one, its line), so that one side failing early renames nothing on the other.
/// Parallel bursts are left out: which copy comes first is a race, not a property of the
/// endpoint.
fn record_every_step(scope: &Scope<'_>, memory: &mut Memory, at: At<'_>, exchange: &Exchange) {
    let At { phase, step } = at;
    let Some(store) = scope.env.snapshots.filter(|s| s.every_step) else {
        return;
    };
    if step.parallel > 1 {
        return;
    }
    let name = match &step.id {
        Some(id) => format!("{}-{id}", phase.name()),
        None => format!("{}-line{}-{}", phase.name(), step.pos.line, step.label()),
    };
    let document = memory.redactor.exchange(exchange);
    if let Err(e) = store.check(&scope.scenario.file, &name, document) {
        scope.record(at, None, Duration::ZERO, format!("recording failed: {e}"));
    }
}
