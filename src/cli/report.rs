//! `proton-conform report merge`: the shards of a partitioned run as one run. From the shards'
//! `results.json`: one JUnit report, one HTML page, one coverage matrix and one results file;
//! from JUnit files (older shards): one JUnit report.

use std::sync::Arc;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use quick_junit::Report;

use proton_conform::event::RunRecord;
use proton_conform::report::{
    HtmlReporter, JunitReporter, Reporter, ResultsReporter, merge_records, merge_reports, replay,
};

use super::args::{ReportAction, ReportArgs};
use super::coverage::{matrix_of, write_files};
use super::exit::Exit;
use proton_conform::error::Error;
use proton_conform::service::Service;

pub fn report(args: ReportArgs, service: &Arc<Service>) -> Result<Exit, Error> {
    let ReportAction::Merge { files, out_dir } = args.action;
    // The same file named twice (say by two overlapping globs) counts once.
    let mut seen = BTreeSet::new();
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())))
        .collect();
    let message = if files
        .iter()
        .all(|f| f.extension().is_some_and(|e| e == "xml"))
    {
        merge_junit(&files, &out_dir)?
    } else {
        merge_results(&files, &out_dir, service)?
    };
    eprintln!("{message}");
    Ok(Exit::Success)
}

fn read(file: &Path) -> Result<String, Error> {
    std::fs::read_to_string(file)
        .map_err(|e| Error::input(format!("cannot read {}: {e}", file.display())))
}

fn merge_results(
    files: &[PathBuf],
    out_dir: &Path,
    service: &Arc<Service>,
) -> Result<String, Error> {
    let mut records = Vec::new();
    for file in files {
        let record: RunRecord = serde_json::from_str(&read(file)?).map_err(|e| {
            Error::input(format!(
                "{}: not a results file of `run --results` ({e})",
                file.display()
            ))
        })?;
        records.push(record);
    }
    let merged = merge_records(records)?;
    let mut reporters: Vec<Box<dyn Reporter>> = vec![
        Box::new(JunitReporter::new(
            &out_dir.join("junit.xml"),
            service.clauses(),
        )),
        Box::new(HtmlReporter::new(
            &out_dir.join("index.html"),
            service.clone(),
        )),
        Box::new(ResultsReporter::new(&out_dir.join("results.json"))),
    ];
    for event in replay(&merged) {
        reporters.iter_mut().for_each(|r| r.event(&event));
    }
    let could_not =
        |e: std::io::Error| Error::io(format!("cannot write under {}: {e}", out_dir.display()));
    for reporter in &mut reporters {
        reporter.finish().map_err(could_not)?;
    }
    let matrix = matrix_of(
        service,
        merged
            .results
            .iter()
            .map(|r| (r.contract.as_slice(), r.operations.as_slice())),
    );
    write_files(&matrix, out_dir).map_err(could_not)?;
    let s = &merged.summary;
    Ok(format!(
        "merged {} file(s): {} passed, {} failed, {} errors, {} skipped; wrote junit.xml, index.html, results.json, coverage.md and coverage.json under {}",
        files.len(),
        s.passed,
        s.failed,
        s.errored,
        s.skipped,
        out_dir.display()
    ))
}

fn merge_junit(files: &[PathBuf], out_dir: &Path) -> Result<String, Error> {
    let mut reports = Vec::new();
    for file in files {
        let report = Report::deserialize_from_str(&read(file)?)
            .map_err(|e| Error::input(format!("{}: not a JUnit report: {e}", file.display())))?;
        reports.push(report);
    }
    let merged = merge_reports(reports);
    let out = out_dir.join("junit.xml");
    let xml = merged
        .to_string()
        .map_err(|e| Error::internal(e.to_string()))?;
    std::fs::create_dir_all(out_dir)
        .and_then(|()| std::fs::write(&out, xml))
        .map_err(|e| Error::io(format!("cannot write {}: {e}", out.display())))?;
    let cases: usize = merged.test_suites.iter().map(|s| s.test_cases.len()).sum();
    Ok(format!(
        "merged {} JUnit file(s), {cases} test case(s), into {} (results.json files give the HTML page and coverage too)",
        files.len(),
        out.display()
    ))
}
