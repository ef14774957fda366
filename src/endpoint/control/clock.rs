//! Time in the emulator: system time plus an offset that the control API moves forward, so
//! ordinary clients see real time and the harness can jump hours in a call.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

pub trait Clock: Send + Sync {
    fn now(&self) -> Millis;
    /// Moves the clock forward by `millis` (never backwards).
    fn advance(&self, millis: Millis);
}

/// System time plus an offset.
#[derive(Default)]
pub struct SystemClock {
    offset: AtomicI64,
}

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as Millis)
            .unwrap_or(0);
        system + self.offset.load(Ordering::SeqCst)
    }

    fn advance(&self, millis: Millis) {
        self.offset.fetch_add(millis.max(0), Ordering::SeqCst);
    }
}

/// A clock that moves only when told to: the embedded emulator's (a run moves it with its
/// waits and `advance` steps), and unit tests'.
pub struct ManualClock {
    now: AtomicI64,
}

impl ManualClock {
    pub fn new(start: Millis) -> Self {
        Self {
            now: AtomicI64::new(start),
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Millis {
        self.now.load(Ordering::SeqCst)
    }

    fn advance(&self, millis: Millis) {
        self.now.fetch_add(millis.max(0), Ordering::SeqCst);
    }
}

/// Epoch seconds as awsJson1_0 sends timestamps.
pub fn epoch_seconds(millis: Millis) -> serde_json::Value {
    serde_json::json!(millis as f64 / 1000.0)
}

pub const HOUR: Millis = 3_600_000;
pub const SECOND: Millis = 1_000;
