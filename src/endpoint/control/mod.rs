//! The `/_conformance/` control API, one for every embedded endpoint: capabilities, the
//! virtual clock, reset, fault switches and injections, the request log. Documented in the
//! README so that other emulators can offer the same.

mod clock;
mod requests;
mod routes;
mod state;
mod switches;

pub use clock::{Clock, HOUR, ManualClock, Millis, SECOND, SystemClock, epoch_seconds};
pub use requests::{LoggedRequest, RequestLog};
pub use routes::{Controlled, routes};
pub use state::Control;
pub use switches::{InjectedAction, Injection, Injections, NoSwitch, Switch, SwitchSet, Switches};
