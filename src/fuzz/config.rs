//! What the fuzzer is given and what it reports.

use std::sync::Arc;
use std::time::Duration;

use super::machine::Abilities;
use crate::client::ClientConfig;
use crate::contract::Profile;
use crate::contract::oracle::Call;
use crate::runner::Target;
use crate::service::Service;

pub struct FuzzConfig {
    /// The service whose pack says how abstract calls are written (`fuzz:`).
    pub service: Arc<Service>,
    pub target: Target,
    pub profile: Profile,
    pub client: ClientConfig,
    /// Cases to generate (before shrinking).
    pub cases: u32,
    pub seed: u64,
    /// Stop generating new cases after this long (shrinking a failure still finishes).
    pub max_time: Option<Duration>,
    /// The longest sequence of calls in a case.
    pub max_calls: usize,
    pub abilities: Abilities,
    pub run_id: String,
    /// What `run` needs besides the file and the profile to meet the same endpoint again
    /// (`--fault NAME` for each switch of the embedded emulator, `--endpoint URL`).
    pub replay_flags: Vec<String>,
    /// Called after each generated case with its number and whether it passed.
    pub on_case: Option<Box<dyn Fn(u32, bool) + Send + Sync>>,
}

/// A failing case, shrunk.
#[derive(Debug, Clone)]
pub struct Counterexample {
    /// The case number (1-based) at which the first failure appeared, before shrinking.
    pub found_at_case: u32,
    pub calls: Vec<Call>,
    /// The scenario text that replays it.
    pub scenario: String,
    pub clause: Option<String>,
    pub message: String,
    /// Whether the shrunk case failed again when rerun once.
    pub reproduced: bool,
    /// What the rerun gave: `passed`, or the failure it reported.
    pub rerun_verdict: String,
    /// The `run` arguments after the file that replay it: the profile and the replay flags.
    pub replay_args: String,
}

impl Counterexample {
    /// The command that replays the counterexample saved at `path`.
    pub fn replay_command(&self, path: &str) -> String {
        format!("proton-conform run {path} {}", self.replay_args)
    }
}

#[derive(Debug)]
pub struct FuzzReport {
    /// Generated cases that ran (shrinking runs not counted).
    pub cases: u32,
    pub elapsed: Duration,
    pub stopped_by_time: bool,
    pub counterexample: Option<Counterexample>,
}
