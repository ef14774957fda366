//! One scenario: its variables, setup, steps, then a teardown that always runs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;

use super::memory::Memory;
use super::scope::{At, Scope, StepOutcome};
use super::step::step;
use crate::client::Client;
use crate::contract::Profile;
use crate::event::{Event, Problem, ScenarioResult, Verdict};
use crate::redact::Redactor;
use crate::runner::target::Capabilities;
use crate::scenario::template::Bindings;
use crate::scenario::{Action, Phase, Scenario};
use crate::service::Service;
use crate::snapshot::SnapshotStore;

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
    let mut deviations = Vec::new();
    let verdict = match missing_capability(env.capabilities, scenario)
        .or_else(|| missing_driver(env, scenario))
    {
        Some(reason) => Verdict::Skipped { reason },
        None => {
            let scope = Scope {
                env,
                scenario,
                index,
                default_clause: scenario.contract.join("/"),
            };
            let bindings = Bindings::new(env.run_id, &scenario.file);
            let mut memory = Memory {
                redactor: Redactor::new(env.service.clone(), &bindings.run_prefix)
                    .with_rules(env.snapshots.map(|s| s.rules.clone()).unwrap_or_default()),
                bindings,
                requests: HashMap::new(),
                exchanges: HashMap::new(),
                deviations: Vec::new(),
            };
            let mut interrupt = env.interrupt.clone();
            let main = main(&scope, &mut memory, &mut interrupt);
            let verdict = match tokio::time::timeout(scenario.timeout, main).await {
                Ok(verdict) => verdict,
                Err(_) => Verdict::Errored {
                    problem: Problem::scenario_level(format!(
                        "the scenario did not finish within its timeout of {:?}",
                        scenario.timeout
                    )),
                },
            };
            // Teardown runs whatever happened before, with its own time budget.
            match tokio::time::timeout(scenario.timeout, teardown(&scope, &mut memory)).await {
                Ok(w) => warnings.extend(w),
                Err(_) => {
                    warnings.push("teardown did not finish within the scenario timeout".into())
                }
            }
            deviations = memory.deviations;
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
        deviations,
    }
}

/// Resolves when the interrupt flag is (or becomes) set; never if its sender is gone unset.
async fn interrupted(flag: &mut tokio::sync::watch::Receiver<bool>) {
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

/// An answer saying the resource is not there (`ResourceNotFoundException`,
/// `ClusterNotFoundException`, `NoSuchEntity`).
fn is_not_found(actual: &str) -> bool {
    let kind = actual.split_whitespace().next().unwrap_or_default();
    kind.ends_with("NotFoundException") || kind.ends_with("NotFound") || kind.starts_with("NoSuch")
}

/// Setup, then the steps. An interrupt stops them between two steps, or during a wait; a
/// request already sent is always answered first, so that what it created is captured and
/// the teardown can delete it.
async fn main(
    scope: &Scope<'_>,
    memory: &mut Memory,
    interrupt: &mut tokio::sync::watch::Receiver<bool>,
) -> Verdict {
    if let Err(e) = memory.bind_vars(&scope.scenario.vars) {
        return Verdict::Errored {
            problem: Problem::scenario_level(e.to_string()),
        };
    }
    let was_interrupted = || Verdict::Errored {
        problem: Problem::scenario_level("interrupted (Ctrl-C); the teardown ran".into()),
    };
    let scenario = scope.scenario;
    for (phase, steps) in [
        (Phase::Setup, &scenario.setup),
        (Phase::Steps, &scenario.steps),
    ] {
        for s in steps {
            if *interrupt.borrow() {
                return was_interrupted();
            }
            let at = At { phase, step: s };
            let outcome = if matches!(s.action, Action::Wait { .. } | Action::Poll(_)) {
                tokio::select! {
                    outcome = step(scope, memory, at) => Some(outcome),
                    _ = interrupted(interrupt) => None,
                }
            } else {
                Some(step(scope, memory, at).await)
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

async fn teardown(scope: &Scope<'_>, memory: &mut Memory) -> Vec<String> {
    let mut warnings = Vec::new();
    let model = &scope.env.service.model;
    for s in &scope.scenario.teardown {
        // A teardown step whose templates name a capture that never happened would clean up a
        // resource that was never created: skip it.
        let unbound = match &s.action {
            Action::Call { .. } | Action::Repeat { .. } => memory.request(model, s).is_err(),
            Action::Wait {
                params: Some(p), ..
            } => memory.bindings.expand_value(&p.to_json()).is_err(),
            _ => false,
        };
        if unbound {
            continue;
        }
        let at = At {
            phase: Phase::Teardown,
            step: s,
        };
        if let Err(outcome) = step(scope, memory, at).await {
            let (StepOutcome::Failed(p) | StepOutcome::Errored(p)) = outcome;
            // What is not there needs no cleaning up: a resource the scenario never made (its
            // create refused, as expected) or the endpoint already removed.
            if p.actual.as_deref().is_some_and(is_not_found) {
                continue;
            }
            warnings.push(format!("teardown step `{}`: {}", p.step, p.message));
        }
    }
    warnings
}
