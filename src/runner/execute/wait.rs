//! `wait` and `poll` steps: a waiter of the model, or a poll until a condition, each answer
//! held to the protocol and the model.

use super::*;
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

impl Execution<'_> {
    /// `wait` and `poll`.
    pub(super) async fn wait(
        &mut self,
        at: At<'_>,
        waiting: Waiting<'_>,
    ) -> Result<(), StepOutcome> {
        let step = at.step;
        let started = Instant::now();
        let problem = |s: &Self, m: String| errored(s.problem(at, None, m));
        let (operation, params, judge, plan) = match waiting {
            Waiting::Waiter {
                waiter,
                params,
                timeout,
            } => {
                let w = self
                    .env
                    .service
                    .model
                    .waiters
                    .get(waiter)
                    .cloned()
                    .ok_or_else(|| problem(self, format!("unknown waiter {waiter}")))?;
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
                let expand = |pairs: &[(String, crate::scenario::node::Node)]| -> Result<Vec<(String, Value)>, Error> {
                    pairs
                        .iter()
                        .map(|(path, v)| Ok((path.clone(), self.bindings.expand_value(&v.to_json())?)))
                        .collect()
                };
                let judge = Judge::Poll {
                    until: expand(&p.until).map_err(|e| problem(self, e.to_string()))?,
                    until_error: p.until_error.clone(),
                    abort_if: expand(&p.abort_if).map_err(|e| problem(self, e.to_string()))?,
                };
                let plan = Plan {
                    delay: p.interval,
                    max_attempts: (p.timeout / p.interval).max(1) as u32,
                };
                (p.operation.clone(), &p.params, judge, plan)
            }
        };
        let body = match params {
            Some(p) => self
                .bindings
                .expand_value(&p.to_json())
                .map_err(|e| problem(self, e.to_string()))?,
            None => Value::Object(Map::new()),
        };
        self.validate_request(at, &operation, &body)?;
        let result = waiting::wait(
            self.env.client,
            self.env.capabilities.clock,
            &operation,
            &body,
            &judge,
            &plan,
        )
        .await;
        match result {
            Ok((exchange, attempts)) => {
                let text = format!(
                    "{} (after {attempts} attempt(s))",
                    redact::exchange_text(&exchange)
                );
                self.record(at, Some(&exchange), started.elapsed(), text);
                self.capture(at, &exchange)?;
                if let Some(id) = &step.id {
                    self.exchanges.insert(id.clone(), exchange);
                }
                Ok(())
            }
            Err(WaitError::Failed(failure, exchange)) => {
                Err(self.check_failure(at, failure, exchange.as_ref()))
            }
            Err(WaitError::Errored(message, exchange)) => {
                let mut p = self.problem(at, Some(&operation), message);
                if let Some(e) = &exchange {
                    p = self.with_exchange(p, e);
                }
                Err(errored(p))
            }
        }
    }
}
