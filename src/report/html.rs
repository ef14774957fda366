//! `reports/index.html`: one self-contained page with the clause x operation matrix coloured by
//! result, and every failure with its location, differences and exchange.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::Reporter;
use super::render::render_problem;
use crate::contract::{CLAUSES, OPERATIONS, applies};
use crate::event::{Event, ScenarioResult, Summary, Verdict};

pub struct HtmlReporter {
    path: PathBuf,
    header: (String, String, String),
    results: Vec<ScenarioResult>,
    summary: Summary,
}

impl HtmlReporter {
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            header: Default::default(),
            results: Vec::new(),
            summary: Summary::default(),
        }
    }
}

impl Reporter for HtmlReporter {
    fn event(&mut self, event: &Event) {
        match event {
            Event::RunStarted {
                run_id,
                endpoint,
                profile,
                ..
            } => {
                self.header = (run_id.clone(), endpoint.clone(), profile.clone());
            }
            Event::ScenarioFinished { result } => self.results.push(result.clone()),
            Event::RunFinished { summary } => self.summary = summary.clone(),
            _ => {}
        }
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.results.sort_by_key(|r| r.index);
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&self.path, page(&self.header, &self.summary, &self.results))
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The verdicts of the scenarios that check `clause` on `operation`.
fn cell(results: &[ScenarioResult], clause: &str, operation: &str) -> (&'static str, String) {
    if !applies(clause, operation) {
        return ("na", "n/a".into());
    }
    let general = clause.starts_with('G');
    let relevant: Vec<&ScenarioResult> = results
        .iter()
        .filter(|r| r.operations.iter().any(|o| o == operation))
        .filter(|r| general || r.contract.iter().any(|c| c == clause))
        .collect();
    let count = |f: fn(&Verdict) -> bool| relevant.iter().filter(|r| f(&r.verdict)).count();
    let failed = count(|v| matches!(v, Verdict::Failed { .. } | Verdict::Errored { .. }));
    let passed = count(|v| matches!(v, Verdict::Passed));
    let skipped = count(|v| matches!(v, Verdict::Skipped { .. }));
    match (relevant.len(), failed, passed) {
        (0, _, _) => ("gap", "gap".into()),
        (_, f, _) if f > 0 => ("fail", format!("{f} failed / {}", relevant.len())),
        (_, _, p) if p > 0 => ("pass", format!("{p} passed")),
        _ => ("skip", format!("{skipped} skipped")),
    }
}

fn page(
    header: &(String, String, String),
    summary: &Summary,
    results: &[ScenarioResult],
) -> String {
    let (run_id, endpoint, profile) = header;
    let mut html = String::new();
    let _ = write!(
        html,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>proton-conform report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }}
table {{ border-collapse: collapse; font-size: 12px; }}
th, td {{ border: 1px solid #ccc; padding: 4px 6px; text-align: center; }}
th.op {{ writing-mode: vertical-rl; transform: rotate(180deg); }}
td.pass {{ background: #c8f0c8; }} td.fail {{ background: #f6b8b8; font-weight: bold; }}
td.skip {{ background: #f8eab0; }} td.na {{ background: #eee; color: #999; }} td.gap {{ background: #fff; color: #c00; }}
pre {{ background: #f6f6f6; padding: 1rem; overflow-x: auto; }}
.verdict-FAIL, .verdict-ERROR {{ color: #b00; }} .verdict-PASS {{ color: #070; }} .verdict-SKIP {{ color: #860; }}
</style></head><body>
<h1>proton-conform report</h1>
<p id="summary">{passed} passed, {failed} failed, {errored} errors, {skipped} skipped, against {endpoint} (profile {profile}, run {run_id})</p>
<h2>Clause x operation</h2>
<table id="matrix"><tr><th>clause</th>"#,
        passed = summary.passed,
        failed = summary.failed,
        errored = summary.errored,
        skipped = summary.skipped,
        endpoint = escape(endpoint),
        profile = escape(profile),
        run_id = escape(run_id),
    );
    for op in OPERATIONS {
        let _ = write!(html, r#"<th class="op">{op}</th>"#);
    }
    html.push_str("</tr>\n");
    for clause in CLAUSES {
        let _ = write!(
            html,
            r#"<tr><th title="{}">{}</th>"#,
            escape(clause.summary),
            clause.id
        );
        for op in OPERATIONS {
            let (class, text) = cell(results, clause.id, op);
            let _ = write!(
                html,
                r#"<td class="{class}" data-clause="{}" data-operation="{op}">{text}</td>"#,
                clause.id
            );
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n<h2>Scenarios</h2>\n<ul id=\"scenarios\">\n");
    for r in results {
        let label = r.verdict.label();
        let _ = writeln!(
            html,
            r#"<li><span class="verdict-{label}">{label}</span> {} <small>{}</small></li>"#,
            escape(&r.name),
            escape(&r.file)
        );
    }
    html.push_str("</ul>\n<h2>Failures</h2>\n<div id=\"failures\">\n");
    for r in results {
        if let Verdict::Failed { problem } | Verdict::Errored { problem } = &r.verdict {
            let _ = writeln!(
                html,
                r#"<section class="failure"><h3>{} — {}</h3><pre>{}</pre></section>"#,
                r.verdict.label(),
                escape(&r.name),
                escape(&render_problem(&r.file, problem))
            );
        }
    }
    html.push_str("</div>\n</body></html>\n");
    html
}
