//! What the runner tells the reporters: scenario and step events, and each scenario's verdict.
//! Reporters see only these, never the runner's internals.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::check::Difference;
use crate::diagnostic::Pos;

// Events are short-lived messages on a channel; boxing the larger variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    RunStarted {
        #[serde(flatten)]
        run: Run,
        scenarios: usize,
    },
    ScenarioStarted {
        index: usize,
        file: String,
        name: String,
    },
    StepFinished {
        index: usize,
        #[serde(flatten)]
        step: StepRecord,
    },
    ScenarioFinished {
        #[serde(flatten)]
        result: ScenarioResult,
    },
    RunFinished {
        #[serde(flatten)]
        summary: Summary,
    },
}

/// One executed step, as verbose output and the JSON stream show it.
#[derive(Debug, Clone, Serialize)]
pub struct StepRecord {
    pub phase: &'static str,
    pub step: String,
    pub operation: Option<String>,
    /// HTTP status, or none for a transport problem or a control call.
    pub status: Option<u16>,
    pub error_type: Option<String>,
    #[serde(serialize_with = "millis")]
    pub duration: Duration,
    /// The exchange as text (request and answer), for `--verbose`.
    #[serde(skip)]
    pub exchange_text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// Position in the input order.
    pub index: usize,
    pub file: String,
    pub name: String,
    pub contract: Vec<String>,
    pub operations: Vec<String>,
    pub verdict: Verdict,
    #[serde(serialize_with = "millis", deserialize_with = "from_millis")]
    pub duration: Duration,
    /// Problems that do not change the verdict (a teardown that could not clean up).
    pub warnings: Vec<String>,
    /// Deviations from the protocol or the model (G2, G3) that the profile recorded and judged
    /// the contract past (`conformance`); each a finding of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deviations: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    /// The endpoint broke the contract (JUnit `<failure>`).
    Failed {
        problem: Problem,
    },
    /// The step could not be judged: transport trouble, a scenario defect (JUnit `<error>`).
    Errored {
        problem: Problem,
    },
    /// The endpoint cannot support the scenario (JUnit `<skipped>`).
    Skipped {
        reason: String,
    },
}

impl Verdict {
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Passed => "PASS",
            Verdict::Failed { .. } => "FAIL",
            Verdict::Errored { .. } => "ERROR",
            Verdict::Skipped { .. } => "SKIP",
        }
    }
}

/// Where and why a scenario failed or errored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Problem {
    /// The violated clause (failures only).
    pub clause: Option<String>,
    pub phase: String,
    pub step: String,
    pub pos: Option<Pos>,
    pub operation: Option<String>,
    pub message: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    #[serde(serialize_with = "differences")]
    pub differences: Vec<Difference>,
    /// The request and answer as text.
    pub exchange: Option<String>,
    /// The scenario file's text, for the snippet under the location.
    #[serde(skip)]
    pub source: Option<std::sync::Arc<str>>,
}

impl Problem {
    /// A problem of the scenario as a whole, not of one step.
    pub fn scenario_level(message: String) -> Problem {
        Problem {
            clause: None,
            phase: "scenario".into(),
            step: String::new(),
            pos: None,
            operation: None,
            message,
            expected: None,
            actual: None,
            differences: Vec::new(),
            exchange: None,
            source: None,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub errored: usize,
    pub skipped: usize,
    #[serde(serialize_with = "millis", deserialize_with = "from_millis")]
    pub duration: Duration,
}

impl Summary {
    pub fn add(&mut self, verdict: &Verdict) {
        match verdict {
            Verdict::Passed => self.passed += 1,
            Verdict::Failed { .. } => self.failed += 1,
            Verdict::Errored { .. } => self.errored += 1,
            Verdict::Skipped { .. } => self.skipped += 1,
        }
    }

    pub fn all_good(&self) -> bool {
        self.failed == 0 && self.errored == 0
    }
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0)
}

fn from_millis<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let ms = f64::deserialize(d)?;
    Ok(Duration::from_secs_f64(ms.max(0.0) / 1000.0))
}

/// Which run: its id (every name and token it made derives from it), the endpoint it ran
/// against, and the profile it judged with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub run_id: String,
    pub endpoint: String,
    pub profile: String,
    /// The service pack the scenarios call (empty in records older than it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service: String,
}

impl Run {
    pub fn new(run_id: &str, endpoint: &str, profile: &str) -> Self {
        Run {
            run_id: run_id.to_string(),
            endpoint: endpoint.to_string(),
            profile: profile.to_string(),
            service: String::new(),
        }
    }

    /// The same run, of `service`.
    pub fn of_service(mut self, service: &str) -> Self {
        self.service = service.to_string();
        self
    }
}

/// Which shard of a partitioned run (`run --partition K/N`) a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub of: u64,
}

/// Everything one run found, as `run --results` writes it and `report merge` reads it back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunRecord {
    #[serde(flatten)]
    pub run: Run,
    /// The shard this record is, for `report merge` to check that none is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    pub summary: Summary,
    pub results: Vec<ScenarioResult>,
}

fn differences<S: serde::Serializer>(d: &[Difference], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(d.len()))?;
    for diff in d {
        seq.serialize_element(&serde_json::json!({
            "path": diff.path,
            "expected": diff.expected,
            "actual": diff.actual,
        }))?;
    }
    seq.end()
}
