//! Running scenarios concurrently: a permit per job, an exclusive lock for scenarios that
//! change endpoint-wide state, events out as they happen.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::{RwLock, Semaphore};
use tokio::task::JoinSet;

use super::config::{RunConfig, Target};
use super::embedded::run_embedded;
use super::execute::{ScenarioEnv, run_scenario};
use super::target::Capabilities;
use crate::client::Client;
use crate::error::Error;
use crate::event::{Event, Run, ScenarioResult, Summary, Verdict};
use crate::scenario::Scenario;

/// Runs every scenario and returns the summary; results stream out as events. Scenarios are
/// taken from the iterator only as they start, so a lazy iterator keeps memory flat.
pub async fn run<I>(
    scenarios: I,
    config: RunConfig,
    events: UnboundedSender<Event>,
) -> Result<Summary, Error>
where
    I: IntoIterator<Item = Scenario>,
{
    let scenarios = scenarios.into_iter();
    // The number announced: exact for a list, the selection's size for a lazy loader.
    let announced = scenarios.size_hint().1.unwrap_or(scenarios.size_hint().0);
    let started = Instant::now();
    let config = Arc::new(config);
    let shared = match &config.target {
        Target::Endpoint(url) => {
            let client = Client::new(url, config.service.model.clone(), config.client.clone())?;
            let capabilities = Capabilities::discover(&client).await?;
            Some(Arc::new((client, capabilities)))
        }
        Target::Embedded(_) => None,
    };
    let _ = events.send(Event::RunStarted {
        run: Run::new(
            &config.run_id,
            &config.target.describe(),
            &config.profile.name,
        )
        .of_service(config.service.name()),
        scenarios: announced,
    });
    // Against the embedded target: one emulator for the scenarios that can share it, started
    // on first use (a fresh port and connections per scenario ran out of sockets at 10,000).
    let shared_embedded = Arc::new(tokio::sync::OnceCell::new());
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
                    return Err(Error::internal(format!(
                        "internal error: a scenario task failed: {e}"
                    )));
                }
            }
        }
        let (config, shared, events) = (config.clone(), shared.clone(), events.clone());
        let exclusive = exclusive.clone();
        let shared_embedded = shared_embedded.clone();
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
                None => run_embedded(&config, &shared_embedded, &scenario, index, &events).await,
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
                return Err(Error::internal(format!(
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
) -> Result<Vec<ScenarioResult>, Error> {
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
        .map_err(|e| Error::internal(format!("internal error: {e}")))?;
    results.sort_by_key(|r| r.index);
    Ok(results)
}

pub(super) async fn run_one(
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
        service: &config.service,
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
        deviations: Vec::new(),
    }
}
