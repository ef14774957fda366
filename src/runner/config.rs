//! What a run is given: where requests go, and everything else it runs with.

use std::sync::Arc;

use crate::client::ClientConfig;
use crate::contract::Profile;
use crate::endpoint::Embedded;
use crate::service::Service;

/// Where requests go.
#[derive(Debug, Clone)]
pub enum Target {
    /// An in-process embedded endpoint (`src/endpoint/`; one shared, or one per scenario that
    /// needs its own).
    Embedded(Embedded),
    /// An endpoint URL, shared by all scenarios.
    Endpoint(String),
}

impl Target {
    pub fn describe(&self) -> String {
        match self {
            Target::Embedded(embedded) => embedded.describe().into(),
            Target::Endpoint(url) => url.clone(),
        }
    }
}

pub struct RunConfig {
    /// The service the scenarios call: its model and contract data.
    pub service: Arc<Service>,
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
