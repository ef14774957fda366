//! Executing one scenario: variables, setup, steps, then a teardown that always runs.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use tokio::sync::mpsc::UnboundedSender;

use super::target::{Capabilities, advance_clock};
use crate::check::{self, StepContext};
use crate::client::{Client, Exchange, Outcome, RequestOptions};
use crate::contract::Profile;
use crate::event::{Event, Problem, ScenarioResult, StepRecord, Verdict};
use crate::model::Validators;
use crate::redact;
use crate::scenario::template::Bindings;
use crate::scenario::{Action, Phase, Scenario, Step};

/// What one scenario runs against.
pub struct ScenarioEnv<'a> {
    pub client: &'a Client,
    pub capabilities: &'a Capabilities,
    pub profile: &'a Profile,
    pub run_id: &'a str,
    pub events: &'a UnboundedSender<Event>,
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
    let verdict = match missing_capability(env.capabilities, scenario) {
        Some(reason) => Verdict::Skipped { reason },
        None => {
            let mut execution = Execution {
                env,
                scenario,
                index,
                bindings: Bindings::new(env.run_id, &scenario.file),
                requests: HashMap::new(),
                exchanges: HashMap::new(),
                default_clause: scenario.contract.join("/"),
            };
            let verdict = match tokio::time::timeout(scenario.timeout, execution.main()).await {
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

fn failed(problem: Problem) -> StepOutcome {
    StepOutcome::Failed(Box::new(problem))
}

fn errored(problem: Problem) -> StepOutcome {
    StepOutcome::Errored(Box::new(problem))
}

impl Execution<'_> {
    async fn main(&mut self) -> Verdict {
        if let Err(message) = self.bind_vars() {
            return Verdict::Errored {
                problem: Problem::scenario_level(message),
            };
        }
        let scenario = self.scenario;
        for (phase, steps) in [
            (Phase::Setup, &scenario.setup),
            (Phase::Steps, &scenario.steps),
        ] {
            for step in steps {
                match self.step(phase, step).await {
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
            if !matches!(step.action, Action::Advance { .. }) && self.request(step).is_err() {
                continue;
            }
            if let Err(outcome) = self.step(Phase::Teardown, step).await {
                let (StepOutcome::Failed(p) | StepOutcome::Errored(p)) = outcome;
                warnings.push(format!("teardown step `{}`: {}", p.step, p.message));
            }
        }
        warnings
    }

    fn bind_vars(&mut self) -> Result<(), String> {
        for (name, node) in &self.scenario.vars {
            let value = self
                .bindings
                .expand_value(&node.to_json())
                .map_err(|e| format!("variable `{name}`: {e}"))?;
            self.bindings.values.insert(name.clone(), value);
        }
        Ok(())
    }

    fn problem(
        &self,
        phase: Phase,
        step: &Step,
        operation: Option<&str>,
        message: String,
    ) -> Problem {
        Problem {
            clause: None,
            phase: phase.name(),
            step: step.label(),
            pos: Some(step.pos),
            operation: operation.map(String::from),
            message,
            expected: None,
            actual: None,
            differences: Vec::new(),
            exchange: None,
            source: Some(self.scenario.source.clone()),
        }
    }

    async fn step(&mut self, phase: Phase, step: &Step) -> Result<(), StepOutcome> {
        let started = Instant::now();
        if let Action::Advance { seconds } = &step.action {
            let result = advance_clock(self.env.client, *seconds).await;
            self.record(
                phase,
                step,
                None,
                started.elapsed(),
                format!("advance {seconds}s: {result:?}"),
            );
            return result
                .map(|_| ())
                .map_err(|e| errored(self.problem(phase, step, None, e)));
        }
        let (operation, body) = self
            .request(step)
            .map_err(|e| errored(self.problem(phase, step, None, e)))?;
        self.validate_request(phase, step, &operation, &body)?;
        let exchange = self
            .env
            .client
            .call(&operation, &body, &RequestOptions::default())
            .await;
        let text = redact::exchange_text(&exchange);
        self.record(
            phase,
            step,
            Some(&exchange),
            started.elapsed(),
            text.clone(),
        );
        let with_exchange = |mut p: Problem| {
            p.exchange = Some(text.clone());
            p
        };
        if let Outcome::Transport(error) = &exchange.outcome {
            let message = format!("{operation}: {error}");
            return Err(errored(with_exchange(self.problem(
                phase,
                step,
                Some(&operation),
                message,
            ))));
        }
        let ctx = StepContext {
            expect: &step.expect,
            profile: self.env.profile,
            default_clause: &self.default_clause,
            bindings: &self.bindings,
            earlier: &self.exchanges,
        };
        if let Err(failure) = check::check_step(&ctx, &exchange) {
            let mut p = with_exchange(self.problem(phase, step, Some(&operation), failure.message));
            p.clause = Some(failure.clause);
            p.expected = failure.expected;
            p.actual = failure.actual;
            p.differences = failure.differences;
            return Err(failed(p));
        }
        for (name, path) in &step.capture {
            let body = exchange.body_json().cloned().unwrap_or(Value::Null);
            let value = check::search(path, &body).map_err(|e| {
                errored(with_exchange(self.problem(
                    phase,
                    step,
                    Some(&operation),
                    e,
                )))
            })?;
            if value.is_null() {
                let message = format!("capture `{name}`: nothing at `{path}` in the answer");
                return Err(errored(with_exchange(self.problem(
                    phase,
                    step,
                    Some(&operation),
                    message,
                ))));
            }
            self.bindings.values.insert(name.clone(), value);
        }
        if let Some(id) = &step.id {
            self.requests.insert(id.clone(), (operation, body));
            self.exchanges.insert(id.clone(), exchange);
        }
        Ok(())
    }

    /// The operation and body a step sends, templates expanded.
    fn request(&self, step: &Step) -> Result<(String, Value), String> {
        match &step.action {
            Action::Call { operation, params } => {
                let body = match params {
                    Some(p) => self.bindings.expand_value(&p.to_json())?,
                    None => Value::Object(Map::new()),
                };
                Ok((operation.clone(), body))
            }
            Action::Repeat { step: id, with } => {
                let (operation, original) = self
                    .requests
                    .get(id)
                    .ok_or_else(|| format!("step `{id}` did not run, so it cannot be repeated"))?;
                let mut body = original.clone();
                if let (Some(with), Some(object)) = (with, body.as_object_mut()) {
                    let changes = self.bindings.expand_value(&with.to_json())?;
                    for (key, value) in changes.as_object().into_iter().flatten() {
                        if value.is_null() {
                            object.remove(key);
                        } else {
                            object.insert(key.clone(), value.clone());
                        }
                    }
                }
                Ok((operation.clone(), body))
            }
            Action::Advance { .. } => Err("an advance step sends no request".into()),
        }
    }

    /// A request must match the input schema unless the step says it breaks it on purpose.
    fn validate_request(
        &self,
        phase: Phase,
        step: &Step,
        operation: &str,
        body: &Value,
    ) -> Result<(), StepOutcome> {
        let violations = Validators::global()
            .check_input(operation, body)
            .map_err(|e| errored(self.problem(phase, step, Some(operation), e)))?;
        let message = match (violations.first(), step.invalid_request) {
            (Some(first), false) => format!(
                "the request does not conform to {operation}'s input ({first}); if that is the point, mark the step `invalid_request: true`"
            ),
            (None, true) => {
                "the step is marked `invalid_request: true` but its request conforms to the model"
                    .to_string()
            }
            _ => return Ok(()),
        };
        let mut problem = self.problem(phase, step, Some(operation), message);
        problem.actual = Some(body.to_string());
        Err(errored(problem))
    }

    fn record(
        &self,
        phase: Phase,
        step: &Step,
        exchange: Option<&Exchange>,
        duration: Duration,
        text: String,
    ) {
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
