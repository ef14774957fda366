//! Which embedded endpoint serves a service, and with which fault switches: decided here, once,
//! for `run`, `serve` and every other command.

use std::net::SocketAddr;
use std::sync::Arc;

use super::control::{Clock, Switch};
use super::generic::{self, Generic};
use super::host::{self, RunningServer};
use super::proton::{self, Emulator};
use crate::error::Error;
use crate::service::Service;

/// An embedded endpoint, ready to start.
#[derive(Debug, Clone)]
pub enum Embedded {
    /// The Proton emulator: the deep reference of the default pack.
    Proton(proton::Config),
    /// The generic endpoint of any other pack, with these switches on.
    Generic(Vec<generic::Fault>),
}

/// Whether the Proton emulator implements the service (else the generic endpoint serves it).
fn is_proton(service: &Service) -> bool {
    service.pack.model == proton::MODEL
}

impl Embedded {
    /// The embedded endpoint of `service`, with the switches `faults` names, in that
    /// endpoint's vocabulary.
    pub fn for_service(service: &Service, faults: &[String]) -> Result<Embedded, Error> {
        if is_proton(service) {
            let faults = switches::<proton::Fault>(faults)?;
            Ok(Embedded::Proton(proton::Config {
                faults: proton::FaultSet::from_faults(&faults),
                ..proton::Config::default()
            }))
        } else {
            Ok(Embedded::Generic(switches::<generic::Fault>(faults)?))
        }
    }

    /// The switches of the service's embedded endpoint: each name and what it does.
    pub fn catalogue(service: &Service) -> Vec<(&'static str, &'static str)> {
        fn of<F: Switch>() -> Vec<(&'static str, &'static str)> {
            F::CATALOGUE.iter().map(|(_, n, w)| (*n, *w)).collect()
        }
        if is_proton(service) {
            of::<proton::Fault>()
        } else {
            of::<generic::Fault>()
        }
    }

    /// The same endpoint with what `serve` sets of the emulator's timing and signature
    /// checks (the generic endpoint has neither).
    pub fn with_serve_options(mut self, options: &ServeOptions) -> Self {
        if let Embedded::Proton(config) = &mut self {
            config.verify_sigv4 = options.verify_sigv4.then(proton::Verifier::default);
            config.register_seconds = options.register_seconds;
            config.deploy_seconds = options.deploy_seconds;
            config.delete_seconds = options.delete_seconds;
        }
        self
    }

    /// What `serve` says it serves.
    pub fn title(&self, service: &Service) -> String {
        match self {
            Embedded::Proton(_) => "proton-conform emulator".to_string(),
            Embedded::Generic(_) => format!("proton-conform reference for {}", service.pack.title),
        }
    }

    /// How reports name it.
    pub fn describe(&self) -> &'static str {
        match self {
            Embedded::Proton(_) => "embedded emulator",
            Embedded::Generic(_) => "embedded reference",
        }
    }

    /// The name of the snapshots recorded on it (`snapshots/<scenario>@<name>.snap`).
    pub fn snapshot_target(&self) -> &'static str {
        match self {
            Embedded::Proton(_) => "emulator",
            Embedded::Generic(_) => "reference",
        }
    }

    /// Starts it on `addr` (port 0 for an ephemeral one), on `clock`, until the server is
    /// dropped.
    pub async fn start(
        &self,
        service: &Arc<Service>,
        clock: Arc<dyn Clock>,
        addr: SocketAddr,
    ) -> std::io::Result<RunningServer> {
        match self {
            Embedded::Proton(config) => {
                let instance =
                    Emulator::with_clock(config.clone(), clock).with_model(service.model.clone());
                host::start(Arc::new(instance), addr).await
            }
            Embedded::Generic(faults) => {
                let instance = Generic::new(service.clone(), faults, clock);
                host::start(Arc::new(instance), addr).await
            }
        }
    }
}

/// What `serve` sets of the emulator: its asynchronous work's durations (virtual seconds) and
/// whether it verifies SigV4 signatures against the test credentials.
pub struct ServeOptions {
    pub verify_sigv4: bool,
    pub register_seconds: u64,
    pub deploy_seconds: u64,
    pub delete_seconds: u64,
}

/// The switches `names` names, in `F`'s vocabulary.
fn switches<F: Switch>(names: &[String]) -> Result<Vec<F>, Error> {
    names
        .iter()
        .map(|name| {
            F::from_name(name).ok_or_else(|| {
                Error::input(format!(
                    "unknown fault switch {name:?}; this endpoint's are {}",
                    F::names().join(", ")
                ))
            })
        })
        .collect()
}
