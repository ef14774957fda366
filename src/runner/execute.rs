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
use crate::event::{Event, Problem, ScenarioResult, StepRecord, Verdict};
use crate::model::Model;
use crate::redact::{self, Redactor};
use crate::scenario::template::Bindings;
use crate::scenario::{Action, ClientCall, Phase, Scenario, Step, When};
use crate::service::Service;
use crate::snapshot::{Outcome as SnapshotOutcome, SnapshotStore};

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
    let verdict = match missing_capability(env.capabilities, scenario)
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
            let main = tokio::time::timeout(scenario.timeout, execution.main());
            // An interrupt abandons the steps at once; the teardown below still runs.
            let verdict = tokio::select! {
                finished = main => match finished {
                    Ok(verdict) => verdict,
                    Err(_) => Verdict::Errored {
                        problem: Problem::scenario_level(format!(
                            "the scenario did not finish within its timeout of {:?}",
                            scenario.timeout
                        )),
                    },
                },
                _ = interrupted(&mut interrupt) => Verdict::Errored {
                    problem: Problem::scenario_level("interrupted (Ctrl-C); the teardown ran".into()),
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
            if matches!(step.action, Action::Call { .. } | Action::Repeat { .. })
                && self.request(step).is_err()
            {
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
            phase: phase.name().into(),
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
                    self.record(phase, step, None, Duration::ZERO, text);
                    return Ok(());
                }
                Err(e) => return Err(errored(self.problem(phase, step, None, e))),
            }
        }
        let started = Instant::now();
        match &step.action {
            Action::Advance { seconds } => {
                let result = advance_clock(self.env.client, *seconds).await;
                self.record(
                    phase,
                    step,
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
                    .map_err(|e| errored(self.problem(phase, step, None, e)))
            }
            Action::Inject(injection) => {
                let result = inject(self.env.client, injection).await;
                self.record(
                    phase,
                    step,
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
                result.map_err(|e| errored(self.problem(phase, step, None, e)))
            }
            Action::Wait { .. } | Action::Poll(_) => self.wait(phase, step).await,
            Action::Snapshot { step: target } => self.snapshot(phase, step, target),
            Action::Client(call) => self.client_calls(phase, step, call).await,
            Action::Call { .. } | Action::Repeat { .. } => self.send(phase, step).await,
        }
    }

    /// `client`: the driver makes its calls; the request log shows what it sent.
    async fn client_calls(
        &mut self,
        phase: Phase,
        step: &Step,
        call: &ClientCall,
    ) -> Result<(), StepOutcome> {
        let started = Instant::now();
        let Some(driver) = self.env.driver else {
            let message = "no client driver for a `client` step".to_string();
            return Err(errored(self.problem(phase, step, None, message)));
        };
        let params = match &call.params {
            Some(p) => self.bindings.expand_value(&p.to_json()),
            None => Ok(Value::Object(Default::default())),
        }
        .map_err(|e| errored(self.problem(phase, step, Some(&call.operation), e)))?;
        let (records, max_attempts) = crate::sdk::run_calls(
            self.env.client,
            driver,
            &call.operation,
            &params,
            call.calls,
        )
        .await
        .map_err(|e| errored(self.problem(phase, step, Some(&call.operation), e)))?;
        let summary: Vec<String> = records
            .iter()
            .map(|r| format!("{} attempt(s), {}", r.attempts.len(), r.outcome))
            .collect();
        self.record(
            phase,
            step,
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
            let mut p = self.problem(phase, step, Some(&call.operation), f.message);
            p.clause = Some(f.clause);
            p.expected = f.expected;
            p.actual = f.actual;
            failed(p)
        })
    }

    /// `when`: the earlier answer's value at the path equals the expected value.
    fn when_holds(&self, when: &When) -> Result<bool, String> {
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
        phase: Phase,
        step: &Step,
        failure: check::CheckFailure,
        exchange: Option<&Exchange>,
    ) -> StepOutcome {
        let mut p = self.problem(
            phase,
            step,
            exchange.map(|e| e.operation.as_str()),
            failure.message,
        );
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

    /// `call` and `repeat`: one request, or `parallel` copies released together.
    async fn send(&mut self, phase: Phase, step: &Step) -> Result<(), StepOutcome> {
        let started = Instant::now();
        let (operation, body) = self
            .request(step)
            .map_err(|e| errored(self.problem(phase, step, None, e)))?;
        self.validate_request(phase, step, &operation, &body)?;
        let options = RequestOptions {
            timeout: step.timeout_ms.map(Duration::from_millis),
            lose_response: step.lose_response,
        };
        let exchanges = self
            .call_copies(phase, &operation, &body, &options, step.parallel)
            .await;
        let first = exchanges[0].clone();
        // Recorded before any check, so that `diff` also compares answers that fail one.
        self.record_every_step(phase, step, &first);
        self.record(
            phase,
            step,
            Some(&first),
            started.elapsed(),
            redact::exchange_text(&first),
        );
        // A request sent on purpose without reading its answer, or whose answer is let go after
        // `timeout_ms`, has nothing to check: the retry that follows is the point.
        let tolerated = |e: &Exchange| match &e.outcome {
            // Sent and let go: whether the connection then closed under it makes no difference.
            Outcome::Transport(TransportError::Lost | TransportError::Broken(_)) => {
                step.lose_response
            }
            Outcome::Transport(TransportError::Timeout(_)) => step.timeout_ms.is_some(),
            _ => false,
        };
        let ctx = StepContext {
            model: &self.env.service.model,
            expect: &step.expect,
            profile: self.env.profile,
            default_clause: &self.default_clause,
            bindings: &self.bindings,
            earlier: &self.exchanges,
        };
        for exchange in &exchanges {
            if tolerated(exchange) {
                continue;
            }
            if let Outcome::Transport(error) = &exchange.outcome {
                let p = self.problem(
                    phase,
                    step,
                    Some(&operation),
                    format!("{operation}: {error}"),
                );
                return Err(errored(self.with_exchange(p, exchange)));
            }
            if let Err(failure) = check::check_step(&ctx, exchange) {
                return Err(self.check_failure(phase, step, failure, Some(exchange)));
            }
        }
        if step.expect.all_same
            && let Err(failure) = check::check_all_same(&ctx, &exchanges)
        {
            return Err(self.check_failure(phase, step, failure, Some(&first)));
        }
        if !tolerated(&first) {
            self.capture(phase, step, &first)?;
        }
        if let Some(id) = &step.id {
            self.requests.insert(id.clone(), (operation, body));
            self.exchanges.insert(id.clone(), first);
        }
        Ok(())
    }

    async fn call_copies(
        &self,
        phase: Phase,
        operation: &str,
        body: &Value,
        options: &RequestOptions,
        copies: u32,
    ) -> Vec<Exchange> {
        // Setup and teardown are the harness's own calls: they ride out throttling and 5xx.
        let internal = phase != Phase::Steps
            && copies <= 1
            && !options.lose_response
            && options.timeout.is_none();
        if internal {
            return vec![
                self.env
                    .client
                    .call_retrying(operation, body, &RetryPolicy::default())
                    .await,
            ];
        }
        if copies <= 1 {
            return vec![self.env.client.call(operation, body, options).await];
        }
        // Every copy waits at the barrier, so they leave together.
        let barrier = Arc::new(tokio::sync::Barrier::new(copies as usize));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..copies {
            let (client, barrier) = (self.env.client.clone(), barrier.clone());
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

    fn capture(
        &mut self,
        phase: Phase,
        step: &Step,
        exchange: &Exchange,
    ) -> Result<(), StepOutcome> {
        let body = exchange.body_json().cloned().unwrap_or(Value::Null);
        for (name, path) in &step.capture {
            let value = check::search(path, &body).map_err(|e| {
                errored(self.with_exchange(
                    self.problem(phase, step, Some(&exchange.operation), e),
                    exchange,
                ))
            })?;
            if value.is_null() {
                let message = format!("capture `{name}`: nothing at `{path}` in the answer");
                let p = self.problem(phase, step, Some(&exchange.operation), message);
                return Err(errored(self.with_exchange(p, exchange)));
            }
            self.bindings.values.insert(name.clone(), value);
        }
        Ok(())
    }

    /// For `diff`: every request step's redacted exchange, named by its phase and id (or, for a
    /// step without one, its line), so that one side failing early renames nothing on the
    /// other. Parallel bursts are left out: which copy comes first is a race, not a property
    /// of the endpoint.
    fn record_every_step(&mut self, phase: Phase, step: &Step, exchange: &Exchange) {
        let Some(store) = self.env.snapshots.filter(|s| s.every_step) else {
            return;
        };
        if step.parallel > 1 {
            return;
        }
        let name = match &step.id {
            Some(id) => format!("{}-{id}", phase.name()),
            None => format!("{}-line{}-{}", phase.name(), step.pos.line, step.label()),
        };
        let document = self.redactor.exchange(exchange);
        if let Err(e) = store.check(&self.scenario.file, &name, document) {
            self.record(
                phase,
                step,
                None,
                Duration::ZERO,
                format!("recording failed: {e}"),
            );
        }
    }

    /// `snapshot`: the redacted exchange of an earlier step against its stored snapshot.
    fn snapshot(&mut self, phase: Phase, step: &Step, target: &str) -> Result<(), StepOutcome> {
        let Some(store) = self.env.snapshots else {
            self.record(
                phase,
                step,
                None,
                Duration::ZERO,
                "not run: snapshots are off for this run".into(),
            );
            return Ok(());
        };
        let Some(exchange) = self.exchanges.get(target) else {
            let message = format!("step `{target}` has no recorded exchange to snapshot");
            return Err(errored(self.problem(phase, step, None, message)));
        };
        let document = self.redactor.exchange(exchange);
        let outcome = store
            .check(&self.scenario.file, target, document)
            .map_err(|e| errored(self.problem(phase, step, None, e)))?;
        self.record(
            phase,
            step,
            None,
            Duration::ZERO,
            format!(
                "snapshot {target}: {}",
                match &outcome {
                    SnapshotOutcome::Matched => "matches the stored one".to_string(),
                    SnapshotOutcome::Written(p) => format!("written to {}", p.display()),
                    SnapshotOutcome::Missing { path, .. } =>
                        format!("{} is missing", path.display()),
                    SnapshotOutcome::Mismatch {
                        path, differences, ..
                    } => format!(
                        "differs from {} in {} member(s)",
                        path.display(),
                        differences.len()
                    ),
                }
            ),
        );
        let pending = |p: &Option<std::path::PathBuf>| {
            p.as_ref()
                .map(|p| format!("; the new one is pending in {}", p.display()))
                .unwrap_or_default()
        };
        let mut problem = match outcome {
            SnapshotOutcome::Matched | SnapshotOutcome::Written(_) => return Ok(()),
            SnapshotOutcome::Missing { path, pending: p } => self.problem(
                phase,
                step,
                None,
                format!(
                    "no snapshot {} yet (record it with --update-snapshots){}",
                    path.display(),
                    pending(&p)
                ),
            ),
            SnapshotOutcome::Mismatch {
                path,
                differences,
                pending: p,
            } => {
                let mut problem = self.problem(
                    phase,
                    step,
                    None,
                    format!(
                        "`{target}` differs from {}: {} member(s), first {}{}",
                        path.display(),
                        differences.len(),
                        differences[0],
                        pending(&p)
                    ),
                );
                problem.differences = differences;
                problem
            }
        };
        problem.clause = Some("snapshot".into());
        Err(failed(problem))
    }

    /// `wait` and `poll`.
    async fn wait(&mut self, phase: Phase, step: &Step) -> Result<(), StepOutcome> {
        let started = Instant::now();
        let problem = |s: &Self, m: String| errored(s.problem(phase, step, None, m));
        let (operation, params, judge, plan) = match &step.action {
            Action::Wait {
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
            Action::Poll(p) => {
                let expand = |pairs: &[(String, crate::scenario::node::Node)]| -> Result<Vec<(String, Value)>, String> {
                    pairs
                        .iter()
                        .map(|(path, v)| Ok((path.clone(), self.bindings.expand_value(&v.to_json())?)))
                        .collect()
                };
                let judge = Judge::Poll {
                    until: expand(&p.until).map_err(|e| problem(self, e))?,
                    until_error: p.until_error.clone(),
                    abort_if: expand(&p.abort_if).map_err(|e| problem(self, e))?,
                };
                let plan = Plan {
                    delay: p.interval,
                    max_attempts: (p.timeout / p.interval).max(1) as u32,
                };
                (p.operation.clone(), &p.params, judge, plan)
            }
            _ => unreachable!("wait is only called for wait and poll steps"),
        };
        let body = match params {
            Some(p) => self
                .bindings
                .expand_value(&p.to_json())
                .map_err(|e| problem(self, e))?,
            None => Value::Object(Map::new()),
        };
        self.validate_request(phase, step, &operation, &body)?;
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
                self.record(phase, step, Some(&exchange), started.elapsed(), text);
                self.capture(phase, step, &exchange)?;
                if let Some(id) = &step.id {
                    self.exchanges.insert(id.clone(), exchange);
                }
                Ok(())
            }
            Err(WaitError::Failed(failure, exchange)) => {
                Err(self.check_failure(phase, step, failure, exchange.as_ref()))
            }
            Err(WaitError::Errored(message, exchange)) => {
                let mut p = self.problem(phase, step, Some(&operation), message);
                if let Some(e) = &exchange {
                    p = self.with_exchange(p, e);
                }
                Err(errored(p))
            }
        }
    }

    /// The operation and body a step sends, templates expanded.
    fn request(&self, step: &Step) -> Result<(String, Value), String> {
        match &step.action {
            Action::Call { operation, params } => {
                let mut body = match params {
                    Some(p) => self.bindings.expand_value(&p.to_json())?,
                    None => Value::Object(Map::new()),
                };
                tag_with_run(
                    &self.env.service.model,
                    operation,
                    &mut body,
                    &self.bindings.run_prefix,
                );
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
            _ => Err("this step sends no request of its own".into()),
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
        let violations = self
            .env
            .service
            .model
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
