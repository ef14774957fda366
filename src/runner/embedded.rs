//! Runs against the embedded endpoint: one shared instance for the scenarios that can share
//! it, a private one for each that moves the clock, sets faults or reads the request log.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use super::config::{RunConfig, Target};
use super::run::run_one;
use super::target::Capabilities;
use crate::client::Client;
use crate::endpoint::RunningServer;
use crate::endpoint::control::ManualClock;
use crate::error::Error;
use crate::event::{Event, Problem, ScenarioResult, Verdict};
use crate::scenario::Scenario;

/// An in-process endpoint and a client that talks to it over HTTP, as to any endpoint.
pub(super) struct Started {
    _server: RunningServer,
    client: Client,
    capabilities: Capabilities,
}

async fn start_embedded(config: &RunConfig) -> Result<Started, Error> {
    let Target::Embedded(embedded) = &config.target else {
        return Err(Error::internal("an endpoint target has nothing to start"));
    };
    // The embedded endpoint's clock moves only when a scenario moves it (its waits and
    // `advance` steps), never with wall time: how long a loaded machine takes between two
    // steps cannot show in an answer (a version still registering, or registered).
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let clock = Arc::new(ManualClock::new(start));
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let server = embedded
        .start(&config.service, clock, addr)
        .await
        .map_err(|e| Error::io(format!("cannot start the embedded emulator: {e}")))?;
    let client = Client::new(
        &server.url(),
        config.service.model.clone(),
        config.client.clone(),
    )?;
    let capabilities = Capabilities::discover(&client).await?;
    Ok(Started {
        _server: server,
        client,
        capabilities,
    })
}

/// Whether a scenario may share the run's one embedded emulator: it neither moves the clock,
/// nor sets faults, nor reads the request log, so other scenarios cannot disturb it (each has
/// its own names and tokens). The others get a private emulator each.
fn shares_embedded(scenario: &Scenario) -> bool {
    !scenario.waits && scenario.requires.is_empty()
}

/// Runs a scenario on the shared embedded emulator, or on a private one.
pub(super) async fn run_embedded(
    config: &RunConfig,
    shared: &tokio::sync::OnceCell<Result<Started, Error>>,
    scenario: &Scenario,
    index: usize,
    events: &UnboundedSender<Event>,
) -> ScenarioResult {
    let private;
    let embedded = if shares_embedded(scenario) {
        shared.get_or_init(|| start_embedded(config)).await.as_ref()
    } else {
        private = start_embedded(config).await;
        private.as_ref()
    };
    match embedded {
        Ok(e) => run_one(config, &e.client, &e.capabilities, scenario, index, events).await,
        Err(message) => ScenarioResult {
            index,
            file: scenario.file.clone(),
            name: scenario.name.clone(),
            contract: scenario.contract.clone(),
            operations: scenario.operations.clone(),
            verdict: Verdict::Errored {
                problem: Problem::scenario_level(message.to_string()),
            },
            duration: Default::default(),
            warnings: Vec::new(),
            deviations: Vec::new(),
        },
    }
}
