//! JUnit XML (quick-junit): one testsuite per scenario folder, one testcase per scenario.
//! Contract violations are `<failure>`, harness trouble `<error>`, unsupported scenarios
//! `<skipped>` with the reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::Reporter;
use super::render::render_problem;
use crate::contract::Clause;
use crate::event::{Event, Run, ScenarioResult, Verdict};

pub struct JunitReporter {
    path: PathBuf,
    clauses: Vec<Clause>,
    run: Run,
    results: Vec<ScenarioResult>,
}

impl JunitReporter {
    pub fn new(path: &Path, clauses: &[Clause]) -> Self {
        Self {
            path: path.to_path_buf(),
            clauses: clauses.to_vec(),
            run: Run::default(),
            results: Vec::new(),
        }
    }
}

impl Reporter for JunitReporter {
    fn event(&mut self, event: &Event) {
        match event {
            Event::RunStarted { run, .. } => self.run = run.clone(),
            Event::ScenarioFinished { result } => self.results.push(result.clone()),
            _ => {}
        }
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.results.sort_by_key(|r| r.index);
        let xml = junit_report(&self.results, &self.run, &self.clauses)
            .to_string()
            .map_err(std::io::Error::other)?;
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&self.path, xml)
    }
}

/// The JUnit report for a set of results.
pub fn junit_report(results: &[ScenarioResult], run: &Run, clauses: &[Clause]) -> Report {
    let mut by_folder: BTreeMap<String, Vec<&ScenarioResult>> = BTreeMap::new();
    for r in results {
        let folder = Path::new(&r.file)
            .parent()
            .map(|p| p.display().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| ".".into());
        by_folder.entry(folder).or_default().push(r);
    }
    let mut report = Report::new("proton-conform");
    for (folder, results) in by_folder {
        let mut suite = TestSuite::new(folder);
        suite.add_property(Property::new("endpoint", run.endpoint.as_str()));
        suite.add_property(Property::new("profile", run.profile.as_str()));
        suite.add_property(Property::new("run_id", run.run_id.as_str()));
        // Every prefix and token derives from the run id: `run --run-id` replays them.
        suite.add_property(Property::new("seed", run.run_id.as_str()));
        let mut time = std::time::Duration::ZERO;
        for r in results {
            time += r.duration;
            suite.add_test_case(test_case(r, clauses));
        }
        suite.set_time(time);
        report.add_test_suite(suite);
    }
    report
}

fn test_case(r: &ScenarioResult, clauses: &[Clause]) -> TestCase {
    let status = match &r.verdict {
        Verdict::Passed => TestCaseStatus::success(),
        Verdict::Skipped { reason } => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(reason.as_str());
            s
        }
        Verdict::Failed { problem } | Verdict::Errored { problem } => {
            let kind = if matches!(r.verdict, Verdict::Failed { .. }) {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            };
            let mut s = TestCaseStatus::non_success(kind);
            let message = match &problem.clause {
                Some(c) => format!("[{c}] {}", problem.message),
                None => problem.message.clone(),
            };
            s.set_message(message);
            s.set_type(problem.clause.as_deref().unwrap_or("harness"));
            s.set_description(render_problem(&r.file, problem, clauses));
            s
        }
    };
    let mut case = TestCase::new(r.name.as_str(), status);
    case.set_classname(r.file.as_str());
    case.set_time(r.duration);
    if !r.contract.is_empty() {
        case.add_property(Property::new("contract", r.contract.join(",")));
    }
    let exchange = match &r.verdict {
        Verdict::Failed { problem } | Verdict::Errored { problem } => problem.exchange.clone(),
        _ => None,
    };
    let mut out = r.warnings.join("\n");
    if let Some(exchange) = exchange {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&exchange);
    }
    if !out.is_empty() {
        case.set_system_out(out);
    }
    case
}

/// Merges JUnit reports (shards of one run): suites of the same name become one.
pub fn merge_reports(reports: Vec<Report>) -> Report {
    let mut merged: BTreeMap<String, TestSuite> = BTreeMap::new();
    for report in reports {
        for suite in report.test_suites {
            let name = suite.name.as_str().to_string();
            match merged.get_mut(&name) {
                Some(existing) => {
                    let time = existing.time.unwrap_or_default() + suite.time.unwrap_or_default();
                    existing.add_test_cases(suite.test_cases);
                    existing.set_time(time);
                }
                None => {
                    let mut fresh = TestSuite::new(name.as_str());
                    fresh.add_properties(suite.properties);
                    fresh.add_test_cases(suite.test_cases);
                    if let Some(t) = suite.time {
                        fresh.set_time(t);
                    }
                    merged.insert(name, fresh);
                }
            }
        }
    }
    let mut report = Report::new("proton-conform");
    report.add_test_suites(merged.into_values());
    report
}
