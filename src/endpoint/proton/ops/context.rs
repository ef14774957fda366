//! What every operation sees besides the store, and what it answers.

use serde_json::{Value, json};

use crate::endpoint::control::Millis;
use crate::endpoint::proton::error::ErrorAnswer;
use crate::endpoint::proton::faults::{Fault, FaultSet};
use crate::endpoint::proton::state::Config;

/// What every operation sees besides the store.
pub struct Ctx<'a> {
    pub now: Millis,
    pub config: &'a Config,
    pub faults: FaultSet,
}

impl Ctx<'_> {
    /// The deadline `seconds` of virtual time from now; under the status-moves-on switch, one
    /// millisecond, so that a retry's answer shows a status that has moved on.
    pub fn after(&self, seconds: u64) -> Millis {
        if self.faults.has(Fault::StatusMovesOn) {
            self.now + 1
        } else {
            self.now + seconds as Millis * crate::endpoint::control::SECOND
        }
    }
}

pub type OpResult = Result<Value, ErrorAnswer>;

/// AD2: a delete retried after an asynchronous delete completed answers `{}`.
pub fn finished_async_delete(ctx: &Ctx, what: &str) -> OpResult {
    if ctx.faults.has(Fault::NotFoundOnRepeatedDelete) {
        return Err(ErrorAnswer::not_found(format!("{what} not found")));
    }
    Ok(json!({}))
}
