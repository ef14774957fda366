//! What the control API moves, the same for every backend: the clock, the request log, the
//! fault switches and the pending injections.

use std::sync::Arc;

use super::clock::{Clock, SystemClock};
use super::requests::RequestLog;
use super::switches::{Injections, Switch, SwitchSet, Switches};

/// One endpoint's controllable state. Each backend keeps one and reads it on every request.
pub struct Control<F> {
    pub clock: Arc<dyn Clock>,
    pub requests: RequestLog,
    pub switches: Switches<F>,
    pub injections: Injections,
}

impl<F: Switch> Control<F> {
    pub fn new(clock: Arc<dyn Clock>, switches: SwitchSet<F>) -> Self {
        Self {
            clock,
            requests: RequestLog::default(),
            switches: Switches::new(switches),
            injections: Injections::default(),
        }
    }

    /// On system time (plus what the control API advances), as `serve` runs.
    pub fn on_system_time(switches: SwitchSet<F>) -> Self {
        Self::new(Arc::new(SystemClock::default()), switches)
    }
}
