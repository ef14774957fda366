//! Runs scenarios concurrently against a target, each in its own namespace (run prefix), with
//! setup and teardown that always run, and emits events for the reporters.
//!
//! Isolation: against the embedded emulator every scenario gets its own in-process instance
//! (its own clock and store), so even clock-moving scenarios run in parallel. Against a shared
//! endpoint, scenarios that change endpoint-wide state (the clock, faults) hold a write lock and
//! run alone; the others share a read lock.

pub mod dry_run;
mod execute;
mod target;
mod waiting;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::{RwLock, Semaphore};
use tokio::task::JoinSet;

pub use execute::{ScenarioEnv, run_scenario};
pub use target::{Capabilities, advance_clock};

use crate::client::{Client, ClientConfig};
use crate::contract::Profile;
use crate::emulator;
use crate::event::{Event, Problem, ScenarioResult, Summary, Verdict};
use crate::scenario::Scenario;

/// Where requests go.
#[derive(Debug, Clone)]
pub enum Target {
    /// A fresh in-process emulator per scenario.
    Embedded(emulator::Config),
    /// An endpoint URL, shared by all scenarios.
    Endpoint(String),
}

impl Target {
    pub fn describe(&self) -> String {
        match self {
            Target::Embedded(_) => "embedded emulator".into(),
            Target::Endpoint(url) => url.clone(),
        }
    }
}

pub struct RunConfig {
    pub target: Target,
    /// Set to true to interrupt the run: scenarios not started are skipped, running ones stop
    /// their steps and run their teardown.
    pub interrupt: Option<tokio::sync::watch::Receiver<bool>>,
    /// Where snapshot steps compare (or write); `None` turns them off.
    pub snapshots: Option<crate::snapshot::SnapshotStore>,
    pub profile: Profile,
    pub client: ClientConfig,
    pub jobs: usize,
    pub run_id: String,
    /// The client under test for `client` steps (`sdk-check`); without one they are skipped.
    pub driver: Option<crate::sdk::Driver>,
}

/// A run that could not take place at all (exit code 3).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RunError(pub String);

/// Runs every scenario and returns the summary; results stream out as events.
pub async fn run(
    scenarios: Vec<Scenario>,
    config: RunConfig,
    events: UnboundedSender<Event>,
) -> Result<Summary, RunError> {
    let started = Instant::now();
    let config = Arc::new(config);
    let shared = match &config.target {
        Target::Endpoint(url) => {
            let client = Client::new(url, config.client.clone()).map_err(RunError)?;
            let capabilities = Capabilities::discover(&client).await.map_err(RunError)?;
            Some(Arc::new((client, capabilities)))
        }
        Target::Embedded(_) => None,
    };
    let _ = events.send(Event::RunStarted {
        run_id: config.run_id.clone(),
        endpoint: config.target.describe(),
        profile: config.profile.name.clone(),
        scenarios: scenarios.len(),
    });
    let permits = Arc::new(Semaphore::new(config.jobs.max(1)));
    let exclusive = Arc::new(RwLock::new(()));
    let mut tasks: JoinSet<ScenarioResult> = JoinSet::new();
    let mut summary = Summary::default();
    for (index, scenario) in scenarios.into_iter().enumerate() {
        // Take the permit before spawning, so that only `jobs` tasks live at once and finished
        // ones are reaped as we go: memory stays flat however many scenarios there are.
        let permit = permits.clone().acquire_owned().await.ok();
        while let Some(joined) = tasks.try_join_next() {
            match joined {
                Ok(result) => summary.add(&result.verdict),
                Err(e) => {
                    return Err(RunError(format!(
                        "internal error: a scenario task failed: {e}"
                    )));
                }
            }
        }
        let (config, shared, events) = (config.clone(), shared.clone(), events.clone());
        let exclusive = exclusive.clone();
        tasks.spawn(async move {
            let _permit = permit;
            if config.interrupt.as_ref().is_some_and(|i| *i.borrow()) {
                let result = skipped(&scenario, index, "interrupted (Ctrl-C) before it started");
                let _ = events.send(Event::ScenarioFinished {
                    result: result.clone(),
                });
                return result;
            }
            let result = match shared {
                Some(shared) => {
                    let (client, capabilities) = &*shared;
                    // Endpoint-wide changes (clock, faults, and waits that move the clock) must
                    // not overlap other scenarios.
                    let moves_clock = scenario.waits && capabilities.clock;
                    if moves_clock || scenario.requires.iter().any(|c| c.is_exclusive()) {
                        let _guard = exclusive.write().await;
                        run_one(&config, client, capabilities, &scenario, index, &events).await
                    } else {
                        let _guard = exclusive.read().await;
                        run_one(&config, client, capabilities, &scenario, index, &events).await
                    }
                }
                None => run_embedded(&config, &scenario, index, &events).await,
            };
            let _ = events.send(Event::ScenarioFinished {
                result: result.clone(),
            });
            result
        });
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(result) => summary.add(&result.verdict),
            Err(e) => {
                return Err(RunError(format!(
                    "internal error: a scenario task failed: {e}"
                )));
            }
        }
    }
    summary.duration = started.elapsed();
    let _ = events.send(Event::RunFinished {
        summary: summary.clone(),
    });
    Ok(summary)
}

/// Runs scenarios and returns every result in input order, without reporters: for tests and
/// tools that want the verdicts themselves.
pub async fn run_collect(
    scenarios: Vec<Scenario>,
    config: RunConfig,
) -> Result<Vec<ScenarioResult>, RunError> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let collector = tokio::spawn(async move {
        let mut results = Vec::new();
        while let Some(event) = rx.recv().await {
            if let Event::ScenarioFinished { result } = event {
                results.push(result);
            }
        }
        results
    });
    run(scenarios, config, tx).await?;
    let mut results = collector
        .await
        .map_err(|e| RunError(format!("internal error: {e}")))?;
    results.sort_by_key(|r| r.index);
    Ok(results)
}

async fn run_one(
    config: &RunConfig,
    client: &Client,
    capabilities: &Capabilities,
    scenario: &Scenario,
    index: usize,
    events: &UnboundedSender<Event>,
) -> ScenarioResult {
    // Without an interrupt source, a flag that never flips.
    let interrupt = config
        .interrupt
        .clone()
        .unwrap_or_else(|| tokio::sync::watch::channel(false).1);
    let env = ScenarioEnv {
        client,
        interrupt,
        capabilities,
        snapshots: config.snapshots.as_ref(),
        profile: &config.profile,
        run_id: &config.run_id,
        driver: config.driver.as_ref(),
        events,
    };
    run_scenario(&env, scenario, index).await
}

fn skipped(scenario: &Scenario, index: usize, reason: &str) -> ScenarioResult {
    ScenarioResult {
        index,
        file: scenario.file.clone(),
        name: scenario.name.clone(),
        contract: scenario.contract.clone(),
        operations: scenario.operations.clone(),
        verdict: Verdict::Skipped {
            reason: reason.to_string(),
        },
        duration: Default::default(),
        warnings: Vec::new(),
    }
}

/// Starts a private emulator for one scenario and talks to it over HTTP, as to any endpoint.
async fn run_embedded(
    config: &RunConfig,
    scenario: &Scenario,
    index: usize,
    events: &UnboundedSender<Event>,
) -> ScenarioResult {
    let Target::Embedded(emulator_config) = &config.target else {
        unreachable!("run_embedded is only called for the embedded target")
    };
    let instance = Arc::new(emulator::Emulator::new(emulator_config.clone()));
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let setup = async {
        let server = emulator::start(instance, addr)
            .await
            .map_err(|e| format!("cannot start the embedded emulator: {e}"))?;
        let client = Client::new(&server.url(), config.client.clone())?;
        let capabilities = Capabilities::discover(&client).await?;
        Ok::<_, String>((server, client, capabilities))
    };
    match setup.await {
        Ok((_server, client, capabilities)) => {
            run_one(config, &client, &capabilities, scenario, index, events).await
        }
        Err(message) => ScenarioResult {
            index,
            file: scenario.file.clone(),
            name: scenario.name.clone(),
            contract: scenario.contract.clone(),
            operations: scenario.operations.clone(),
            verdict: Verdict::Errored {
                problem: Problem::scenario_level(message),
            },
            duration: Default::default(),
            warnings: Vec::new(),
        },
    }
}
