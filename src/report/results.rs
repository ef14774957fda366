//! `reports/results.json`: everything a run found, in one document, so that the shards of a
//! partitioned run can be merged into one JUnit report, one HTML page and one coverage matrix.

use std::path::{Path, PathBuf};

use super::Reporter;
use crate::error::Error;
use crate::event::{Event, Run, RunRecord, ScenarioResult, Shard, Summary};

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
                shard: None,
                summary: Summary::default(),
                results: Vec::new(),
            },
        }
    }

    /// The record of one shard of a partitioned run.
    pub fn of_shard(mut self, shard: Option<Shard>) -> Self {
        self.record.shard = shard;
        self
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
/// run ids and endpoints listed once each. Refused: a scenario file found in two shards (the
/// shards overlap, or one file was given twice), shards judged with different profiles or of
/// different services, and a partitioned run with a shard missing.
pub fn merge_records(records: Vec<RunRecord>) -> Result<RunRecord, Error> {
    same_everywhere(&records, "contract profiles", |r| r.run.profile.clone())?;
    same_everywhere(&records, "services", |r| r.run.service.clone())?;
    // Said after the overlap check: an overlap is the plainer explanation of both.
    let partition = every_shard(&records);
    let mut results: Vec<ScenarioResult> = Vec::new();
    let mut summary = Summary::default();
    let mut ids: Vec<String> = Vec::new();
    let mut endpoints: Vec<String> = Vec::new();
    let (profile, service) = records
        .first()
        .map(|r| (r.run.profile.clone(), r.run.service.clone()))
        .unwrap_or_default();
    for record in records {
        for (list, value) in [
            (&mut ids, record.run.run_id),
            (&mut endpoints, record.run.endpoint),
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
    partition?;
    results.sort_by(|a, b| a.file.cmp(&b.file));
    for (index, result) in results.iter_mut().enumerate() {
        result.index = index;
    }
    Ok(RunRecord {
        run: Run::new(&ids.join(","), &endpoints.join(","), &profile).of_service(&service),
        shard: None,
        summary,
        results,
    })
}

/// Refuses records that differ in `what` (records older than the field, which leave it empty,
/// agree with any).
fn same_everywhere(
    records: &[RunRecord],
    what: &str,
    of: impl Fn(&RunRecord) -> String,
) -> Result<(), Error> {
    let mut seen: Vec<String> = records.iter().map(of).filter(|v| !v.is_empty()).collect();
    seen.sort();
    seen.dedup();
    if seen.len() > 1 {
        return Err(Error::input(format!(
            "the files are of different {what} ({}): they are not shards of one run",
            seen.join(", ")
        )));
    }
    Ok(())
}

/// Every shard of a partitioned run is there, once: `1/N` .. `N/N`.
fn every_shard(records: &[RunRecord]) -> Result<(), Error> {
    let shards: Vec<Shard> = records.iter().filter_map(|r| r.shard).collect();
    let Some(first) = shards.first() else {
        return Ok(());
    };
    if shards.len() != records.len() || shards.iter().any(|s| s.of != first.of) {
        return Err(Error::input(
            "the files are not shards of one partition (`run --partition K/N` with one N for all)",
        ));
    }
    let missing: Vec<String> = (1..=first.of)
        .filter(|k| !shards.iter().any(|s| s.index == *k))
        .map(|k| format!("{k}/{}", first.of))
        .collect();
    if !missing.is_empty() {
        return Err(Error::input(format!(
            "shard(s) {} of the partition are missing: a merge of {} of {} shards would report part of the run as all of it",
            missing.join(", "),
            shards.len(),
            first.of
        )));
    }
    Ok(())
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
