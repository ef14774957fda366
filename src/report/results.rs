//! `reports/results.json`: everything a run found, in one document, so that the shards of a
//! partitioned run can be merged into one JUnit report, one HTML page and one coverage matrix.

use std::path::{Path, PathBuf};

use super::Reporter;
use crate::error::Error;
use crate::event::{Event, Run, RunRecord, ScenarioResult, Summary};

pub struct ResultsReporter {
    path: PathBuf,
    record: RunRecord,
}

impl ResultsReporter {
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            record: RunRecord {
                run: Run::default(),
                summary: Summary::default(),
                results: Vec::new(),
            },
        }
    }
}

impl Reporter for ResultsReporter {
    fn event(&mut self, event: &Event) {
        match event {
            Event::RunStarted { run, .. } => self.record.run = run.clone(),
            Event::ScenarioFinished { result } => self.record.results.push(result.clone()),
            Event::RunFinished { summary } => self.record.summary = summary.clone(),
            _ => {}
        }
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.record.results.sort_by_key(|r| r.index);
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let json = serde_json::to_string_pretty(&self.record).map_err(std::io::Error::other)?;
        std::fs::write(&self.path, json)
    }
}

/// The shards' records as one run: results in file order (re-indexed), summaries added up, the
/// run ids and endpoints listed once each. A scenario file found in two shards is an error:
/// the shards overlap, or one file was given twice.
pub fn merge_records(records: Vec<RunRecord>) -> Result<RunRecord, Error> {
    let mut results: Vec<ScenarioResult> = Vec::new();
    let mut summary = Summary::default();
    let mut ids: Vec<String> = Vec::new();
    let mut endpoints: Vec<String> = Vec::new();
    let mut profiles: Vec<String> = Vec::new();
    for record in records {
        for (list, value) in [
            (&mut ids, record.run.run_id),
            (&mut endpoints, record.run.endpoint),
            (&mut profiles, record.run.profile),
        ] {
            if !list.contains(&value) {
                list.push(value);
            }
        }
        summary.duration = summary.duration.max(record.summary.duration);
        for result in record.results {
            if results.iter().any(|r| r.file == result.file) {
                return Err(Error::input(format!(
                    "{} is in more than one of the files: the shards overlap",
                    result.file
                )));
            }
            summary.add(&result.verdict);
            results.push(result);
        }
    }
    results.sort_by(|a, b| a.file.cmp(&b.file));
    for (index, result) in results.iter_mut().enumerate() {
        result.index = index;
    }
    Ok(RunRecord {
        run: Run::new(&ids.join(","), &endpoints.join(","), &profiles.join(",")),
        summary,
        results,
    })
}

/// The events that replay a record through any reporter.
pub fn replay(record: &RunRecord) -> Vec<Event> {
    let mut events = vec![Event::RunStarted {
        run: record.run.clone(),
        scenarios: record.results.len(),
    }];
    events.extend(
        record
            .results
            .iter()
            .map(|r| Event::ScenarioFinished { result: r.clone() }),
    );
    events.push(Event::RunFinished {
        summary: record.summary.clone(),
    });
    events
}
