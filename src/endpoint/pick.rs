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
