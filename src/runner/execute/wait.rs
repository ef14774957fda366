//! `wait` and `poll` steps: a waiter of the model, or a poll until a condition, each answer
//! held to the protocol and the model.

use std::time::Instant;

use serde_json::{Map, Value};

use super::memory::Memory;
use super::scope::{At, Scope, StepOutcome, errored};
use super::send::{capture, validate_request};
use crate::error::Error;
use crate::redact;
use crate::runner::waiting::{self, Judge, Plan, WaitError};
use crate::scenario::Poll;
use crate::scenario::node::Node;

/// What a `wait` or `poll` step waits with: decided where the step's action is matched.
pub(super) enum Waiting<'s> {
    Waiter {
        waiter: &'s str,
        params: &'s Option<Node>,
        timeout: Option<u64>,
    },
    Poll(&'s Poll),
}

/// `wait` and `poll`.
pub(super) async fn wait(
    scope: &Scope<'_>,
    memory: &mut Memory,
    at: At<'_>,
    waiting: Waiting<'_>,
) -> Result<(), StepOutcome> {
    let step = at.step;
    let started = Instant::now();
    let problem = |m: String| errored(scope.problem(at, None, m));
    let (operation, params, judge, plan) = match waiting {
        Waiting::Waiter {
            waiter,
            params,
            timeout,
        } => {
            let w = scope
                .env
                .service
                .model
                .waiters
                .get(waiter)
                .cloned()
                .ok_or_else(|| problem(format!("unknown waiter {waiter}")))?;
            let max_attempts = match timeout {
                Some(t) => (t / w.delay.max(1)).max(1) as u32,
                None => w.max_attempts,
            };
            let plan = Plan {
                delay: w.delay,
                max_attempts,
            };
            (w.operation.clone(), params, Judge::Waiter(w), plan)
        }
        Waiting::Poll(p) => {
            let expand = |pairs: &[(String, Node)]| -> Result<Vec<(String, Value)>, Error> {
                pairs
                    .iter()
                    .map(|(path, v)| {
                        Ok((path.clone(), memory.bindings.expand_value(&v.to_json())?))
                    })
                    .collect()
            };
            let judge = Judge::Poll {
                until: expand(&p.until).map_err(|e| problem(e.to_string()))?,
                until_error: p.until_error.clone(),
                abort_if: expand(&p.abort_if).map_err(|e| problem(e.to_string()))?,
            };
            let plan = Plan {
                delay: p.interval,
                max_attempts: (p.timeout / p.interval).max(1) as u32,
            };
            (p.operation.clone(), &p.params, judge, plan)
        }
    };
    let body = match params {
        Some(p) => memory
            .bindings
            .expand_value(&p.to_json())
            .map_err(|e| problem(e.to_string()))?,
        None => Value::Object(Map::new()),
    };
    validate_request(scope, at, &operation, &body)?;
    let result = waiting::wait(
        scope.env.client,
        scope.env.profile,
        scope.env.capabilities.clock,
        &operation,
        &body,
        &judge,
        &plan,
    )
    .await;
    match result {
        Ok(waiting::Waited {
            exchange,
            attempts,
            deviations,
        }) => {
            for (deviation, answer) in deviations {
                memory.deviate(scope, at, deviation, &answer);
            }
            let text = format!(
                "{} (after {attempts} attempt(s))",
                redact::exchange_text(&exchange)
            );
            scope.record(at, Some(&exchange), started.elapsed(), text);
            capture(scope, memory, at, &exchange)?;
            if let Some(id) = &step.id {
                memory.exchanges.insert(id.clone(), exchange);
            }
            Ok(())
        }
        Err(WaitError::Failed(failure, exchange)) => {
            Err(scope.check_failure(at, failure, exchange.as_ref()))
        }
        Err(WaitError::Errored(message, exchange)) => {
            let mut p = scope.problem(at, Some(&operation), message);
            if let Some(e) = &exchange {
                p = scope.with_exchange(p, e);
            }
            Err(errored(p))
        }
    }
}
