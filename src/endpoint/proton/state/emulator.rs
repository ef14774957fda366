//! One emulator instance: its model, its control state, its store behind one lock.

use std::sync::{Arc, Mutex, MutexGuard};

use super::config::Config;
use super::store::Store;
use crate::endpoint::control::{Clock, Control, Controlled, Millis, SystemClock};
use crate::endpoint::proton::faults::Fault;
use crate::model::Model;

/// One emulator instance: what the router's handlers share.
pub struct Emulator {
    pub config: Config,
    /// The Proton model requests are checked against.
    pub model: Arc<Model>,
    /// The clock, the request log, the switches and injections the control API moves.
    pub control: Control<Fault>,
    store: Mutex<Store>,
}

impl Emulator {
    pub fn new(config: Config) -> Self {
        Self::with_clock(config, Arc::new(SystemClock::default()))
    }

    pub fn with_clock(config: Config, clock: Arc<dyn Clock>) -> Self {
        let seed = clock.now() as u64;
        Self {
            model: Arc::new(
                Model::bundled(crate::endpoint::proton::MODEL)
                    .expect("the bundled Proton model loads"),
            ),
            control: Control::new(clock, config.faults),
            config,
            store: Mutex::new(Store::new(seed)),
        }
    }

    /// The same emulator checking requests against an already loaded model (the runner's
    /// instances share one, so its compiled schemas are compiled once).
    pub fn with_model(mut self, model: Arc<Model>) -> Self {
        self.model = model;
        self
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        // Operations never panic while holding the lock by design; if one did, its partial
        // write is still a valid state, so keep serving rather than fail every later request.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn now(&self) -> Millis {
        self.control.clock.now()
    }
}

impl Controlled for Emulator {
    type Switch = Fault;
    const RESETS: bool = true;
    const INJECTS: bool = true;

    fn control(&self) -> &Control<Fault> {
        &self.control
    }

    fn reset(&self) {
        let seed = self.now() as u64;
        *self.store() = Store::new(seed);
    }

    fn knows_operation(&self, operation: &str) -> bool {
        self.model.operation(operation).is_some()
    }
}
