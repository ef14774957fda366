//! One step: its `when`, then its action, each kind in its own file.

use std::time::{Duration, Instant};

use super::memory::Memory;
use super::scope::{At, Scope, StepOutcome, errored};
use super::wait::Waiting;
use super::{client, send, snapshot, wait};
use crate::runner::target::{advance_clock, inject};
use crate::scenario::{Action, Injection};

/// Runs a step whose `when` holds; one whose `when` does not is recorded as not run.
pub(super) async fn step(
    scope: &Scope<'_>,
    memory: &mut Memory,
    at: At<'_>,
) -> Result<(), StepOutcome> {
    let step = at.step;
    if let Some(when) = &step.when {
        match memory.when_holds(when) {
            Ok(true) => {}
            Ok(false) => {
                let text = format!(
                    "not run: `{}` at `{}` of `{}` is not {}",
                    step.label(),
                    when.path,
                    when.step,
                    when.equals.to_json()
                );
                scope.record(at, None, Duration::ZERO, text);
                return Ok(());
            }
            Err(e) => return Err(errored(scope.problem(at, None, e))),
        }
    }
    match &step.action {
        Action::Advance { seconds } => advance(scope, at, *seconds).await,
        Action::Inject(injection) => inject_fault(scope, at, injection).await,
        Action::Wait {
            waiter,
            params,
            timeout,
        } => {
            let waiting = Waiting::Waiter {
                waiter,
                params,
                timeout: *timeout,
            };
            wait::wait(scope, memory, at, waiting).await
        }
        Action::Poll(poll) => wait::wait(scope, memory, at, Waiting::Poll(poll)).await,
        Action::Snapshot { step: target } => snapshot::snapshot(scope, memory, at, target),
        Action::Client(call) => client::client_calls(scope, memory, at, call).await,
        Action::Call { .. } | Action::Repeat { .. } => send::send(scope, memory, at).await,
    }
}

/// `advance`: the endpoint's clock moves on.
async fn advance(scope: &Scope<'_>, at: At<'_>, seconds: u64) -> Result<(), StepOutcome> {
    let started = Instant::now();
    let result = advance_clock(scope.env.client, seconds).await;
    let text = match &result {
        Ok(now) => format!("advance {seconds}s: the clock is now {now} (epoch seconds)"),
        Err(e) => format!("advance {seconds}s failed: {e}"),
    };
    scope.record(at, None, started.elapsed(), text);
    result
        .map(|_| ())
        .map_err(|e| errored(scope.problem(at, None, e)))
}

/// `inject`: a one-shot fault scripted on the endpoint.
async fn inject_fault(
    scope: &Scope<'_>,
    at: At<'_>,
    injection: &Injection,
) -> Result<(), StepOutcome> {
    let started = Instant::now();
    let result = inject(scope.env.client, injection).await;
    let answer = if injection.action == "drop" {
        "drop the connection".to_string()
    } else {
        format!("answer HTTP {}", injection.status)
    };
    let when = if injection.after_apply {
        " after the request took effect"
    } else {
        ""
    };
    let outcome = match &result {
        Ok(()) => "set".to_string(),
        Err(e) => format!("failed: {e}"),
    };
    let text = format!(
        "inject into {}: {answer} {} time(s){when}, {outcome}",
        injection.operation, injection.times,
    );
    scope.record(at, None, started.elapsed(), text);
    result.map_err(|e| errored(scope.problem(at, None, e)))
}
