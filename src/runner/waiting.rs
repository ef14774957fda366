//! `wait` (a model waiter) and `poll` (a condition of the scenario's own): call an operation
//! until an acceptor decides. Between attempts an endpoint with a clock is moved forward
//! instead of slept on, so waiting costs no wall time. Without one, the harness sleeps: first
//! a second, then twice as long each time up to the plan's delay, within the time the plan
//! allows in all (`delay` × attempts), so a fast endpoint is not waited on for a waiter's 20 s
//! and a slow one is given the same time as the SDK's waiter would give it.

use std::time::Duration;

use serde_json::Value;

use super::target::advance_clock;
use crate::check::{self, CheckFailure, search};
use crate::client::{Body, Client, Exchange, Outcome, RetryPolicy};
use crate::contract::Profile;
use crate::model::{AcceptorState, Matcher, Waiter};

/// How an attempt's answer is judged.
pub enum Judge {
    Waiter(Waiter),
    /// All `until` paths equal their values, or the error matches: success; any `abort_if`: failure.
    Poll {
        until: Vec<(String, Value)>,
        until_error: Option<String>,
        abort_if: Vec<(String, Value)>,
    },
}

enum Decision {
    Success,
    Failure(String),
    Retry,
}

/// When and how often to ask.
pub struct Plan {
    pub delay: u64,
    pub max_attempts: u32,
}

impl Plan {
    /// The seconds in all between the first attempt and the last.
    fn allowed(&self) -> u64 {
        self.delay.max(1) * u64::from(self.max_attempts.max(1) - 1)
    }

    /// The pauses between attempts, in seconds. A clock is moved by the plan's delay each time
    /// (that costs nothing); a sleep starts at a second and doubles up to the delay, and the
    /// pauses add up to no more than the plan allows.
    fn pauses(&self, clock: bool) -> impl Iterator<Item = u64> + use<> {
        let (delay, allowed) = (self.delay.max(1), self.allowed());
        let mut next = if clock { delay } else { 1.min(delay) };
        let mut spent = 0;
        std::iter::from_fn(move || {
            let pause = next.min(allowed - spent);
            if pause == 0 {
                return None;
            }
            spent += pause;
            next = (next * 2).min(delay);
            Some(pause)
        })
    }
}

/// Why waiting did not succeed.
pub enum WaitError {
    /// The endpoint broke a clause, or the condition reached a failure state.
    Failed(CheckFailure, Option<Exchange>),
    /// Transport trouble or a control call that failed.
    Errored(String, Option<Exchange>),
}

/// What a wait saw: the last exchange, the number of attempts, and the deviations the profile
/// recorded on the way (each with the answer that showed it).
pub struct Waited {
    pub exchange: Exchange,
    pub attempts: u32,
    pub deviations: Vec<(CheckFailure, Exchange)>,
}

/// Asks until the judge says success.
pub async fn wait(
    client: &Client,
    profile: &Profile,
    clock: bool,
    operation: &str,
    body: &Value,
    judge: &Judge,
    plan: &Plan,
) -> Result<Waited, WaitError> {
    let mut last = None;
    let mut deviations = Vec::new();
    let mut pauses = plan.pauses(clock);
    let mut attempt = 0;
    loop {
        attempt += 1;
        if attempt > 1 {
            let Some(pause) = pauses.next() else { break };
            if clock {
                advance_clock(client, pause)
                    .await
                    .map_err(|e| WaitError::Errored(e.to_string(), last.clone()))?;
            } else {
                tokio::time::sleep(Duration::from_secs(pause)).await;
            }
        }
        // Polls are the harness's own calls: throttling and 5xx are ridden out, not judged.
        let exchange = client
            .call_retrying(operation, body, &RetryPolicy::default())
            .await;
        if let Outcome::Transport(e) = &exchange.outcome {
            return Err(WaitError::Errored(
                format!("{operation}: {e}"),
                Some(exchange.clone()),
            ));
        }
        // Every answer, however many, must keep the protocol and the model.
        match check::check_wire(client.model(), profile, &exchange) {
            Ok(found) => deviations.extend(found.into_iter().map(|f| (f, exchange.clone()))),
            Err(f) => return Err(WaitError::Failed(f, Some(exchange))),
        }
        match judge.decide(&exchange) {
            Decision::Success => {
                return Ok(Waited {
                    exchange,
                    attempts: attempt,
                    deviations,
                });
            }
            Decision::Failure(why) => {
                return Err(WaitError::Failed(
                    CheckFailure::new("G1", why),
                    Some(exchange),
                ));
            }
            Decision::Retry => last = Some(exchange),
        }
    }
    let message = format!(
        "{operation} did not reach the awaited state in {} attempt(s) over {} s",
        attempt - 1,
        plan.allowed()
    );
    Err(WaitError::Failed(CheckFailure::new("G1", message), last))
}

impl Judge {
    fn decide(&self, exchange: &Exchange) -> Decision {
        let response = exchange
            .response()
            .expect("transport errors are handled before");
        let (body, error) = match &response.body {
            Body::Success(v) => (Some(v), None),
            Body::Error(e) => (None, Some(e.error_type.as_str())),
            Body::Malformed(_) => (None, None),
        };
        match self {
            Judge::Waiter(waiter) => {
                for acceptor in &waiter.acceptors {
                    let matched = match acceptor.matcher {
                        Matcher::Error => match (&acceptor.expected, error) {
                            (Value::String(t), Some(e)) => t == e,
                            (Value::Bool(b), e) => *b == e.is_some(),
                            _ => false,
                        },
                        Matcher::Status => {
                            acceptor.expected.as_u64() == Some(u64::from(response.status))
                        }
                        Matcher::Path | Matcher::PathAll | Matcher::PathAny => body
                            .zip(acceptor.argument.as_deref())
                            .is_some_and(|(b, path)| {
                                path_matches(acceptor.matcher, path, b, &acceptor.expected)
                            }),
                    };
                    if matched {
                        return match acceptor.state {
                            AcceptorState::Success => Decision::Success,
                            AcceptorState::Retry => Decision::Retry,
                            AcceptorState::Failure => Decision::Failure(format!(
                                "waiter reached a failure state ({} {:?} = {})",
                                matcher_name(acceptor.matcher),
                                acceptor.argument.as_deref().unwrap_or(""),
                                acceptor.expected
                            )),
                        };
                    }
                }
                match error {
                    Some(e) => {
                        Decision::Failure(format!("waiter got an error no acceptor expects: {e}"))
                    }
                    None => Decision::Retry,
                }
            }
            Judge::Poll {
                until,
                until_error,
                abort_if,
            } => {
                if let (Some(wanted), Some(e)) = (until_error, error)
                    && wanted == e
                {
                    return Decision::Success;
                }
                if let Some(e) = error {
                    return Decision::Failure(format!("poll got an unexpected error: {e}"));
                }
                let Some(b) = body else {
                    return Decision::Retry;
                };
                if let Some((path, v)) = abort_if
                    .iter()
                    .find(|(p, v)| path_matches(Matcher::Path, p, b, v))
                {
                    return Decision::Failure(format!("abort condition holds: `{path}` is {v}"));
                }
                if !until.is_empty()
                    && until
                        .iter()
                        .all(|(p, v)| path_matches(Matcher::Path, p, b, v))
                {
                    return Decision::Success;
                }
                Decision::Retry
            }
        }
    }
}

fn path_matches(matcher: Matcher, path: &str, body: &Value, expected: &Value) -> bool {
    let Ok(found) = search(path, body) else {
        return false;
    };
    let equal = |v: &Value| check::differences(expected, v, &|_| false).is_empty();
    match matcher {
        Matcher::PathAll => found
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(equal)),
        Matcher::PathAny => found.as_array().is_some_and(|a| a.iter().any(equal)),
        _ => equal(&found),
    }
}

fn matcher_name(m: Matcher) -> &'static str {
    match m {
        Matcher::Path => "path",
        Matcher::PathAll => "pathAll",
        Matcher::PathAny => "pathAny",
        Matcher::Status => "status",
        Matcher::Error => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::Plan;

    fn pauses(delay: u64, max_attempts: u32, clock: bool) -> Vec<u64> {
        Plan {
            delay,
            max_attempts,
        }
        .pauses(clock)
        .collect()
    }

    #[test]
    fn a_sleep_starts_short_and_never_exceeds_what_the_waiter_allows() {
        // DynamoDB's TableExists: 20 s apart, 25 attempts, 480 s in all.
        let slept = pauses(20, 25, false);
        assert_eq!(&slept[..6], &[1, 2, 4, 8, 16, 20]);
        assert_eq!(slept.iter().sum::<u64>(), 480);
        assert!(slept.iter().all(|&p| p <= 20));
    }

    #[test]
    fn a_clock_is_moved_by_the_waiters_own_delay() {
        assert_eq!(pauses(15, 4, true), vec![15, 15, 15]);
    }

    #[test]
    fn one_attempt_has_no_pause() {
        assert!(pauses(5, 1, false).is_empty());
        assert!(pauses(5, 0, true).is_empty());
    }
}
