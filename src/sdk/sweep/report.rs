//! The sweep's reports: a Markdown page (one table per SDK by protocol and token place, what
//! was not checked and why, every broken operation with its request log) and a JSON summary
//! of what was not kept, which tests compare runs against.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Value, json};

use super::{Judged, OpResult, Skipped};
use crate::endpoint::scripted::{Answer, Logged};
use crate::error::Error;

/// One SDK's sweep.
pub struct SdkSweep<'a> {
    pub driver: &'a str,
    /// What the driver reported of itself (`boto3 1.43.11`).
    pub sdk: Option<&'a str>,
    pub results: &'a [OpResult],
    pub skipped: &'a [Skipped],
}

/// Headers that say nothing about the token, or carry credentials: left out of the logs.
const QUIET_HEADERS: &[&str] = &[
    "authorization",
    "x-amz-security-token",
    "x-amz-date",
    "x-amz-content-sha256",
    "user-agent",
    "x-amz-user-agent",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
    "content-length",
    "host",
    "accept",
    "accept-encoding",
    "connection",
    "expect",
];

/// The requests of the two calls, as text: what was sent and how the sweep answered.
pub fn log_text(calls: &[Vec<Logged>]) -> String {
    let titles = [
        "call 1, the caller gives no token (scripted: a 500, a throttle, then a valid answer)",
        "call 2, the caller gives a token (scripted: a dropped connection, then a valid answer)",
    ];
    let mut out = String::new();
    for (title, log) in titles.iter().zip(calls) {
        let _ = writeln!(out, "# {title}");
        for r in log {
            let _ = writeln!(out, "> {} {}", r.method, r.uri);
            for (k, v) in r
                .headers
                .iter()
                .filter(|(k, _)| !QUIET_HEADERS.contains(&k.as_str()))
            {
                let _ = writeln!(out, "> {k}: {v}");
            }
            if !r.body.is_empty() {
                let _ = writeln!(out, "> {}", r.body);
            }
            let answer = match r.answer {
                Some(Answer::ServerError) => "HTTP 500 InternalServerError",
                Some(Answer::Throttle) => "ThrottlingException",
                Some(Answer::Drop) => "connection dropped",
                Some(Answer::Success) => "a valid answer",
                None => "HTTP 404 (not a request for this operation)",
            };
            let _ = writeln!(out, "< {answer}");
        }
    }
    out
}

/// Counts of one table row.
#[derive(Default)]
struct Row {
    operations: usize,
    checked: usize,
    broken: [usize; 4],
    not_exercised: usize,
}

impl Row {
    fn add(&mut self, r: &OpResult) {
        self.operations += 1;
        if let Judged::Checked { duties, .. } = &r.outcome {
            self.checked += 1;
            for (i, (_, f)) in duties.named().iter().enumerate() {
                match f {
                    super::Finding::Broken(_) => self.broken[i] += 1,
                    super::Finding::NotExercised(_) => self.not_exercised += 1,
                    super::Finding::Kept => {}
                }
            }
        }
    }

    fn cells(&self) -> String {
        let broken: Vec<String> = self
            .broken
            .iter()
            .map(|&n| {
                if n == 0 {
                    "0".into()
                } else {
                    format!("**{n}**")
                }
            })
            .collect();
        format!(
            "{} | {} | {} | {}",
            self.operations,
            self.checked,
            broken.join(" | "),
            self.not_exercised
        )
    }
}

/// The Markdown page for the SDKs swept; `command` regenerates it.
pub fn markdown(sweeps: &[SdkSweep], command: &str) -> String {
    let mut out = String::from("# SDKs and idempotency tokens\n\n");
    out.push_str(
        "Every operation with an idempotency token, called through each SDK with proton-conform \
as the endpoint, speaking the service's protocol. Each operation is called twice with minimal \
valid input synthesized from the model: without a token (answered by an HTTP 500, then a \
throttle, then a valid answer) and with the caller's token (a dropped connection, then a valid \
answer). The endpoint's request log shows whether the SDK kept its four duties:\n\n\
- **fill**: the caller gave no token, so the SDK sends one;\n\
- **keep on retry**: every retry carries the first attempt's token;\n\
- **caller's token**: a token the caller gives is sent unchanged;\n\
- **placement**: the token is where the model binds it (body member, query parameter, header).\n\n\
A duty is *not exercised* when the calls did not put it to the test (an SDK that did not \
retry). Operations of protocols the harness does not speak yet are counted as not checked.\n\n",
    );
    let _ = writeln!(out, "Regenerate with `{command}`.\n");
    out.push_str("## Summary\n\n| SDK | token operations | checked | fill broken | keep on retry broken | caller's token broken | placement broken | duties not exercised | not checked |\n|---|---|---|---|---|---|---|---|---|\n");
    for s in sweeps {
        let mut row = Row::default();
        s.results.iter().for_each(|r| row.add(r));
        let total = s.results.len() + s.skipped.len();
        let not_checked = total - row.checked;
        let _ = writeln!(
            out,
            "| {} | {total} | {} | {} |",
            label(s),
            row.cells()
                .split_once(" | ")
                .map_or(String::new(), |(_, rest)| rest.to_string()),
            not_checked
        );
    }
    for s in sweeps {
        section(&mut out, s);
    }
    out
}

fn label(s: &SdkSweep) -> String {
    match s.sdk {
        Some(sdk) => format!("{} ({sdk})", s.driver),
        None => s.driver.to_string(),
    }
}

fn section(out: &mut String, s: &SdkSweep) {
    let _ = writeln!(out, "\n## {}\n", label(s));
    out.push_str("| protocol | token in | operations | checked | fill broken | keep on retry broken | caller's token broken | placement broken | duties not exercised |\n|---|---|---|---|---|---|---|---|---|\n");
    let mut rows: BTreeMap<(String, &str), Row> = BTreeMap::new();
    for r in s.results {
        rows.entry((r.protocol.clone(), r.place.kind()))
            .or_default()
            .add(r);
    }
    for ((protocol, place), row) in &rows {
        let _ = writeln!(out, "| {protocol} | {place} | {} |", row.cells());
    }
    let mut unchecked: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for k in s.skipped {
        unchecked
            .entry(format!("{}: {}", k.protocol, k.reason))
            .or_default()
            .push(format!("{} {}", k.service, k.operation));
    }
    for r in s.results {
        if let Judged::Unchecked { reason } = &r.outcome {
            unchecked
                .entry(reason.clone())
                .or_default()
                .push(format!("{} {}", r.service, r.operation));
        }
    }
    if !unchecked.is_empty() {
        out.push_str("\n### Not checked\n\n| why | operations | which |\n|---|---|---|\n");
        for (why, ops) in &unchecked {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                why.replace('|', "\\|"),
                ops.len(),
                ops.join(", ")
            );
        }
    }
    let failed: Vec<(String, &str)> = s
        .results
        .iter()
        .filter_map(|r| match &r.outcome {
            Judged::DriverFailed { reason } => {
                Some((format!("{} {}", r.service, r.operation), reason.as_str()))
            }
            _ => None,
        })
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(
            out,
            "\n### The driver failed ({} operations: an error of the sweep, not a verdict)\n",
            failed.len()
        );
        for (op, why) in &failed {
            let _ = writeln!(out, "- {op}: {}", why.replace('\n', " "));
        }
    }
    let broken: Vec<&OpResult> = s
        .results
        .iter()
        .filter(|r| !r.broken().is_empty())
        .collect();
    let _ = writeln!(out, "\n### Broken ({} operations)\n", broken.len());
    if broken.is_empty() {
        out.push_str("None.\n");
    }
    for r in broken {
        let Judged::Checked {
            duties,
            outcomes,
            log,
        } = &r.outcome
        else {
            continue;
        };
        let _ = writeln!(
            out,
            "#### {} {} ({}, token as the {})\n",
            r.service, r.operation, r.protocol, r.place
        );
        for (name, why) in duties.broken() {
            let _ = writeln!(out, "- **{name}**: {why}");
        }
        let _ = writeln!(
            out,
            "- outcomes: {}\n\n```text\n{}```\n",
            outcomes.join(", "),
            log
        );
    }
}

/// What each SDK did not keep, and what was not checked, by operation: the part of a sweep
/// that a later sweep of the same SDK versions must repeat.
pub fn summary_json(sweeps: &[SdkSweep]) -> Value {
    let drivers: Vec<Value> = sweeps
        .iter()
        .map(|s| {
            let broken: BTreeMap<String, Vec<&str>> = s
                .results
                .iter()
                .filter(|r| !r.broken().is_empty())
                .map(|r| (format!("{} {}", r.service, r.operation), r.broken()))
                .collect();
            let unchecked: BTreeMap<String, &str> = s
                .results
                .iter()
                .filter_map(|r| match &r.outcome {
                    Judged::Unchecked { reason } => {
                        Some((format!("{} {}", r.service, r.operation), reason.as_str()))
                    }
                    Judged::Checked { .. } | Judged::DriverFailed { .. } => None,
                })
                .collect();
            let failed: BTreeMap<String, &str> = s
                .results
                .iter()
                .filter_map(|r| match &r.outcome {
                    Judged::DriverFailed { reason } => {
                        Some((format!("{} {}", r.service, r.operation), reason.as_str()))
                    }
                    _ => None,
                })
                .collect();
            let mut sdk = json!({
                "driver": s.driver,
                "sdk": s.sdk,
                "checked": s.results.len() - unchecked.len() - failed.len(),
                "not_checked": s.skipped.len() + unchecked.len(),
                "broken": broken,
                "unchecked": unchecked,
            });
            if !failed.is_empty() {
                sdk["driver_failed"] = json!(failed);
            }
            sdk
        })
        .collect();
    json!({ "sdks": drivers })
}

/// The sweep as JUnit for CI: a suite per SDK, a testcase per operation (`service Operation`),
/// failed when a duty is broken (the request log in its output), skipped when not checked.
pub fn junit(sweeps: &[SdkSweep]) -> Result<String, Error> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("proton-conform sdk-sweep");
    for s in sweeps {
        let mut suite = TestSuite::new(label(s));
        for r in s.results {
            let name = format!("{} {}", r.service, r.operation);
            let (status, log) = match &r.outcome {
                Judged::Unchecked { reason } => {
                    let mut status = TestCaseStatus::skipped();
                    status.set_message(reason.as_str());
                    (status, None)
                }
                Judged::DriverFailed { reason } => {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                    status.set_message("the driver failed");
                    status.set_type("driver");
                    (status, Some(reason))
                }
                Judged::Checked { duties, log, .. } if !r.broken().is_empty() => {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    let why: Vec<String> = duties
                        .broken()
                        .iter()
                        .map(|(name, why)| format!("{name}: {why}"))
                        .collect();
                    status.set_message(why.join("; "));
                    status.set_type(r.broken().join(", "));
                    (status, Some(log))
                }
                Judged::Checked { .. } => (TestCaseStatus::success(), None),
            };
            let mut case = TestCase::new(name, status);
            case.set_classname(format!(
                "{} ({}, token as the {})",
                r.service, r.protocol, r.place
            ));
            if let Some(log) = log {
                case.set_system_out(log.as_str());
            }
            suite.add_test_case(case);
        }
        for k in s.skipped {
            let mut status = TestCaseStatus::skipped();
            status.set_message(format!("{}: {}", k.protocol, k.reason));
            suite.add_test_case(TestCase::new(
                format!("{} {}", k.service, k.operation),
                status,
            ));
        }
        report.add_test_suite(suite);
    }
    report
        .to_string()
        .map_err(|e| Error::internal(format!("cannot write the JUnit report: {e}")))
}
