//! Executing one scenario: variables, setup, steps, then a teardown that always runs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use tokio::sync::mpsc::UnboundedSender;

use super::target::{Capabilities, advance_clock, inject};
use super::waiting::{self, Judge, Plan, WaitError};
use crate::check::{self, StepContext};
use crate::client::{Client, Exchange, Outcome, RequestOptions, RetryPolicy, TransportError};
use crate::contract::Profile;
use crate::error::Error;
use crate::event::{Event, Problem, ScenarioResult, StepRecord, Verdict};
use crate::model::Model;
use crate::redact::{self, Redactor};
use crate::scenario::template::Bindings;
use crate::scenario::{Action, ClientCall, Phase, Scenario, Step, When};
use crate::service::Service;
use crate::snapshot::{Compared, SnapshotStore};

mod client;
mod send;
mod snapshot;
mod wait;

use wait::Waiting;

/// What one scenario runs against.
pub struct ScenarioEnv<'a> {
    pub service: &'a Arc<Service>,
    pub client: &'a Client,
    /// Flips to true on Ctrl-C.
    pub interrupt: tokio::sync::watch::Receiver<bool>,
    pub capabilities: &'a Capabilities,
    pub snapshots: Option<&'a SnapshotStore>,
    pub profile: &'a Profile,
    pub run_id: &'a str,
    /// The client under test for `client` steps.
    pub driver: Option<&'a crate::sdk::Driver>,
    pub events: &'a UnboundedSender<Event>,
}

/// Where in a scenario a step is: its phase and the step. Passed to everything that reports on
/// a step, so that a problem always says where it happened.
#[derive(Clone, Copy)]
pub(super) struct At<'s> {
    pub phase: Phase,
    pub step: &'s Step,
}

impl<'s> At<'s> {
    fn new(phase: Phase, step: &'s Step) -> Self {
        At { phase, step }
    }
}

/// The state of a scenario in progress.
struct Execution<'a> {
    env: &'a ScenarioEnv<'a>,
    scenario: &'a Scenario,
    index: usize,
    bindings: Bindings,
    /// Requests sent, by step id, for `repeat`.
    requests: HashMap<String, (String, Value)>,
    /// Exchanges, by step id, for `same_as` and `deleted_metadata`.
    exchanges: HashMap<String, Exchange>,
    default_clause: String,
    /// Placeholders for snapshots, numbered in order of first sight within the scenario.
    redactor: Redactor,
}

/// Why a step did not pass.
enum StepOutcome {
    Failed(Box<Problem>),
    Errored(Box<Problem>),
}

pub async fn run_scenario(
    env: &ScenarioEnv<'_>,
    scenario: &Scenario,
    index: usize,
) -> ScenarioResult {
    let started = Instant::now();
    let _ = env.events.send(Event::ScenarioStarted {
        index,
        file: scenario.file.clone(),
        name: scenario.name.clone(),
    });
    let mut warnings = Vec::new();
    let verdict =
        match missing_capability(env.capabilities, scenario)
            .or_else(|| missing_driver(env, scenario))
        {
            Some(reason) => Verdict::Skipped { reason },
            None => {
                let bindings = Bindings::new(env.run_id, &scenario.file);
                let mut execution = Execution {
                    env,
                    scenario,
                    index,
                    redactor: Redactor::new(env.service.clone(), &bindings.run_prefix)
                        .with_rules(env.snapshots.map(|s| s.rules.clone()).unwrap_or_default()),
                    bindings,
                    requests: HashMap::new(),
                    exchanges: HashMap::new(),
                    default_clause: scenario.contract.join("/"),
                };
                let mut interrupt = env.interrupt.clone();
                let verdict =
                    match tokio::time::timeout(scenario.timeout, execution.main(&mut interrupt))
                        .await
                    {
                        Ok(verdict) => verdict,
                        Err(_) => Verdict::Errored {
                            problem: Problem::scenario_level(format!(
                                "the scenario did not finish within its timeout of {:?}",
                                scenario.timeout
                            )),
                        },
                    };
                // Teardown runs whatever happened before, with its own time budget.
                match tokio::time::timeout(scenario.timeout, execution.teardown()).await {
                    Ok(w) => warnings.extend(w),
                    Err(_) => {
                        warnings.push("teardown did not finish within the scenario timeout".into())
                    }
                }
                verdict
            }
        };
    ScenarioResult {
        index,
        file: scenario.file.clone(),
        name: scenario.name.clone(),
        contract: scenario.contract.clone(),
        operations: scenario.operations.clone(),
        verdict,
        duration: started.elapsed(),
        warnings,
    }
}

/// Resolves when the interrupt flag is (or becomes) set; never if its sender is gone unset.
pub async fn interrupted(flag: &mut tokio::sync::watch::Receiver<bool>) {
    if flag.wait_for(|set| *set).await.is_err() {
        std::future::pending::<()>().await;
    }
}

fn missing_capability(capabilities: &Capabilities, scenario: &Scenario) -> Option<String> {
    let missing: Vec<&str> = scenario
        .requires
        .iter()
        .filter(|c| !capabilities.has(**c))
        .map(|c| c.name())
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "the endpoint does not offer {} (/_conformance/ control API), which this scenario needs",
            missing.join(", ")
        )
    })
}

fn missing_driver(env: &ScenarioEnv, scenario: &Scenario) -> Option<String> {
    let has_client_steps = [&scenario.setup, &scenario.steps, &scenario.teardown]
        .iter()
        .flat_map(|steps| steps.iter())
        .any(|s| matches!(s.action, Action::Client(_)));
    (has_client_steps && env.driver.is_none()).then(|| {
        "it checks a client: run it with `proton-conform sdk-check --driver NAME`".to_string()
    })
}

/// The tag every resource a run creates carries, where the operation takes tags (beside the
/// run prefix in its name), so that leftovers can be told apart by tag as well.
pub const RUN_TAG: &str = "proton-conform:run";

/// Adds the run tag to a create's `tags`; a retry sends the same body, so idempotency holds.
pub(super) fn tag_with_run(model: &Model, operation: &str, body: &mut Value, run_prefix: &str) {
    let takes_tags = operation.starts_with("Create")
        && model
            .input_shape(operation)
            .is_some_and(|s| s.members.contains_key("tags"));
    let Some(object) = body.as_object_mut().filter(|_| takes_tags) else {
        return;
    };
    let tags = object
        .entry("tags")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Some(list) = tags.as_array_mut()
        && !list.iter().any(|t| t["key"] == RUN_TAG)
    {
        list.push(serde_json::json!({ "key": RUN_TAG, "value": run_prefix }));
    }
}

fn failed(problem: Problem) -> StepOutcome {
    StepOutcome::Failed(Box::new(problem))
}

/// The error types with which an endpoint refuses who sent a request rather than what it asks:
/// missing, malformed or unknown credentials, or no permission.
const CREDENTIAL_ERRORS: &[&str] = &[
    "MissingAuthenticationToken",
    "MissingAuthenticationTokenException",
    "IncompleteSignature",
    "IncompleteSignatureException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredTokenException",
    "AccessDeniedException",
];

/// The credential error an answer carries, if any (a step that expected it passed already).
fn refused_credentials(exchange: &Exchange) -> Option<&str> {
    match &exchange.response()?.body {
        crate::client::Body::Error(e) if CREDENTIAL_ERRORS.contains(&e.error_type.as_str()) => {
            Some(e.error_type.as_str())
        }
        _ => None,
    }
}

fn errored(problem: Problem) -> StepOutcome {
    StepOutcome::Errored(Box::new(problem))
}

impl Execution<'_> {
    /// Setup, then the steps. An interrupt stops them between two steps, or during a wait;
    /// a request already sent is always answered first, so that what it created is captured
    /// and the teardown can delete it.
    async fn main(&mut self, interrupt: &mut tokio::sync::watch::Receiver<bool>) -> Verdict {
        if let Err(message) = self.bind_vars() {
            return Verdict::Errored {
                problem: Problem::scenario_level(message.to_string()),
            };
        }
        let was_interrupted = || Verdict::Errored {
            problem: Problem::scenario_level("interrupted (Ctrl-C); the teardown ran".into()),
        };
        let scenario = self.scenario;
        for (phase, steps) in [
            (Phase::Setup, &scenario.setup),
            (Phase::Steps, &scenario.steps),
        ] {
            for step in steps {
                if *interrupt.borrow() {
                    return was_interrupted();
                }
                let at = At { phase, step };
                let outcome = if matches!(step.action, Action::Wait { .. } | Action::Poll(_)) {
                    tokio::select! {
                        outcome = self.step(at) => Some(outcome),
                        _ = interrupted(interrupt) => None,
                    }
                } else {
                    Some(self.step(at).await)
                };
                let Some(outcome) = outcome else {
                    return was_interrupted();
                };
                match outcome {
                    Ok(()) => {}
                    Err(StepOutcome::Failed(problem)) => {
                        return Verdict::Failed { problem: *problem };
                    }
                    Err(StepOutcome::Errored(problem)) => {
                        return Verdict::Errored { problem: *problem };
                    }
                }
            }
        }
        Verdict::Passed
    }

    async fn teardown(&mut self) -> Vec<String> {
        let mut warnings = Vec::new();
        for step in &self.scenario.teardown {
            // A teardown step whose templates name a capture that never happened would clean
            // up a resource that was never created: skip it.
            if matches!(step.action, Action::Call { .. } | Action::Repeat { .. })
                && self.request(step).is_err()
            {
                continue;
            }
            if let Err(outcome) = self.step(At::new(Phase::Teardown, step)).await {
                let (StepOutcome::Failed(p) | StepOutcome::Errored(p)) = outcome;
                warnings.push(format!("teardown step `{}`: {}", p.step, p.message));
            }
        }
        warnings
    }

    fn bind_vars(&mut self) -> Result<(), Error> {
        for (name, node) in &self.scenario.vars {
            let value = self
                .bindings
                .expand_value(&node.to_json())
                .map_err(|e| e.context(format_args!("variable `{name}`")))?;
            self.bindings.values.insert(name.clone(), value);
        }
        Ok(())
    }

    fn problem(
        &self,
        at: At<'_>,
        operation: Option<&str>,
        message: impl std::fmt::Display,
    ) -> Problem {
        let At { phase, step } = at;
        Problem {
            clause: None,
            phase: phase.name().into(),
            step: step.label(),
            pos: Some(step.pos),
            operation: operation.map(String::from),
            message: message.to_string(),
            expected: None,
            actual: None,
            differences: Vec::new(),
            exchange: None,
            source: Some(self.scenario.source.clone()),
        }
    }

    async fn step(&mut self, at: At<'_>) -> Result<(), StepOutcome> {
        let step = at.step;
        if let Some(when) = &step.when {
            match self.when_holds(when) {
                Ok(true) => {}
                Ok(false) => {
                    let text = format!(
                        "not run: `{}` at `{}` of `{}` is not {}",
                        step.label(),
                        when.path,
                        when.step,
                        when.equals.to_json()
                    );
                    self.record(at, None, Duration::ZERO, text);
                    return Ok(());
                }
                Err(e) => return Err(errored(self.problem(at, None, e))),
            }
        }
        let started = Instant::now();
        match &step.action {
            Action::Advance { seconds } => {
                let result = advance_clock(self.env.client, *seconds).await;
                self.record(
                    at,
                    None,
                    started.elapsed(),
                    match &result {
                        Ok(now) => {
                            format!("advance {seconds}s: the clock is now {now} (epoch seconds)")
                        }
                        Err(e) => format!("advance {seconds}s failed: {e}"),
                    },
                );
                result
                    .map(|_| ())
                    .map_err(|e| errored(self.problem(at, None, e)))
            }
            Action::Inject(injection) => {
                let result = inject(self.env.client, injection).await;
                self.record(
                    at,
                    None,
                    started.elapsed(),
                    format!(
                        "inject into {}: {} {} time(s){}, {}",
                        injection.operation,
                        if injection.action == "drop" {
                            "drop the connection".to_string()
                        } else {
                            format!("answer HTTP {}", injection.status)
                        },
                        injection.times,
                        if injection.after_apply {
                            " after the request took effect"
                        } else {
                            ""
                        },
                        match &result {
                            Ok(()) => "set".to_string(),
                            Err(e) => format!("failed: {e}"),
                        }
                    ),
                );
                result.map_err(|e| errored(self.problem(at, None, e)))
            }
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
                self.wait(at, waiting).await
            }
            Action::Poll(poll) => self.wait(at, Waiting::Poll(poll)).await,
            Action::Snapshot { step: target } => self.snapshot(at, target),
            Action::Client(call) => self.client_calls(at, call).await,
            Action::Call { .. } | Action::Repeat { .. } => self.send(at).await,
        }
    }

    /// `when`: the earlier answer's value at the path equals the expected value.
    fn when_holds(&self, when: &When) -> Result<bool, Error> {
        let expected = self.bindings.expand_value(&when.equals.to_json())?;
        let Some(body) = self.exchanges.get(&when.step).and_then(Exchange::body_json) else {
            return Ok(false);
        };
        let path = match self.bindings.expand_str(&when.path)? {
            Value::String(p) => p,
            other => other.to_string(),
        };
        let found = check::search(&path, body)?;
        Ok(check::differences(&expected, &found, &|_| false).is_empty())
    }

    fn with_exchange(&self, mut problem: Problem, exchange: &Exchange) -> Problem {
        problem.exchange = Some(redact::exchange_text(exchange));
        problem
    }

    fn check_failure(
        &self,
        at: At<'_>,
        failure: check::CheckFailure,
        exchange: Option<&Exchange>,
    ) -> StepOutcome {
        let phase = at.phase;
        let mut p = self.problem(at, exchange.map(|e| e.operation.as_str()), failure.message);
        if let Some(e) = exchange {
            p = self.with_exchange(p, e);
        }
        p.expected = failure.expected;
        p.actual = failure.actual;
        p.differences = failure.differences;
        // Refused credentials and a setup step that did not get the answer it needed are the
        // run's or the scenario's trouble, not the endpoint breaking a clause.
        if let Some(kind) = exchange.and_then(refused_credentials) {
            p.message = format!(
                "the endpoint refused the request's credentials ({kind}): check the signing options and the permissions; this says nothing about the contract"
            );
            return errored(p);
        }
        // An answer that breaks the protocol or the model (G2, G3) breaks it in setup too.
        let general = matches!(failure.clause.as_str(), "G2" | "G3");
        if phase == Phase::Setup && !general {
            p.message = format!(
                "setup could not be done, so the scenario's steps did not run: {}",
                p.message
            );
            return errored(p);
        }
        p.clause = Some(failure.clause);
        failed(p)
    }

    fn record(&self, at: At<'_>, exchange: Option<&Exchange>, duration: Duration, text: String) {
        let At { phase, step } = at;
        let response = exchange.and_then(Exchange::response);
        let error_type = response.and_then(|r| match &r.body {
            crate::client::Body::Error(e) => Some(e.error_type.clone()),
            _ => None,
        });
        let _ = self.env.events.send(Event::StepFinished {
            index: self.index,
            step: StepRecord {
                phase: phase.name(),
                step: step.label(),
                operation: exchange.map(|e| e.operation.clone()),
                status: response.map(|r| r.status),
                error_type,
                duration,
                exchange_text: text,
            },
        });
    }
}
