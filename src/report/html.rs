//! `reports/index.html`: one self-contained page with the clause x operation matrix coloured by
//! result, and every failure with its location, differences and exchange.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::Reporter;
use super::render::render_problem;
use std::sync::Arc;

use crate::event::{Event, Problem, Run, ScenarioResult, Summary, Verdict};
use crate::service::Service;

pub struct HtmlReporter {
    path: PathBuf,
    service: Arc<Service>,
    run: Run,
    results: Vec<ScenarioResult>,
    summary: Summary,
}

impl HtmlReporter {
    pub fn new(path: &Path, service: Arc<Service>) -> Self {
        Self {
            path: path.to_path_buf(),
            service,
            run: Run::default(),
            results: Vec::new(),
            summary: Summary::default(),
        }
    }
}

impl Reporter for HtmlReporter {
    fn event(&mut self, event: &Event) {
        match event {
            Event::RunStarted { run, .. } => self.run = run.clone(),
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
        let contract = contract_href(&self.path);
        std::fs::write(
            &self.path,
            page(
                &self.service,
                &self.run,
                &self.summary,
                &self.results,
                &contract,
            ),
        )
    }
}

/// Where the page finds CONTRACT.md: relative to the page when both are in the working
/// directory's tree (a checkout, an uploaded `reports/` folder beside it), else its absolute path.
fn contract_href(page: &Path) -> String {
    let (Ok(cwd), Some(dir)) = (std::env::current_dir(), page.parent()) else {
        return "CONTRACT.md".into();
    };
    let dir = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        cwd.join(dir)
    };
    match dir.strip_prefix(&cwd) {
        Ok(inside) => {
            let up = "../".repeat(inside.components().count());
            format!("{up}CONTRACT.md")
        }
        Err(_) => cwd.join("CONTRACT.md").display().to_string(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What the scenarios that check `clause` on `operation` found. A cell fails only where a
/// failure names that clause on that operation; a scenario that failed elsewhere did not reach
/// its other cells, so they show it as "not reached", neither passed nor failed.
fn cell(
    service: &Service,
    results: &[ScenarioResult],
    clause: &str,
    operation: &str,
) -> (&'static str, String) {
    if !service.applies(clause, operation) {
        return ("na", "n/a".into());
    }
    let general = service.clause(clause).is_some_and(|c| c.is_general());
    let relevant: Vec<&ScenarioResult> = results
        .iter()
        .filter(|r| r.operations.iter().any(|o| o == operation))
        .filter(|r| general || r.contract.iter().any(|c| c == clause))
        .collect();
    let (mut failed, mut passed, mut unreached, mut skipped) = (0, 0, 0, 0);
    for r in &relevant {
        match &r.verdict {
            Verdict::Passed => passed += 1,
            Verdict::Skipped { .. } => skipped += 1,
            Verdict::Failed { problem } | Verdict::Errored { problem } => {
                if names(problem, clause, operation) {
                    failed += 1;
                } else {
                    unreached += 1;
                }
            }
        }
    }
    let unreached_note = if unreached > 0 {
        format!(", {unreached} not reached")
    } else {
        String::new()
    };
    match (relevant.len(), failed, passed) {
        (0, _, _) => ("gap", "gap".into()),
        (_, f, _) if f > 0 => ("fail", format!("{f} failed / {}", relevant.len())),
        (_, _, p) if p > 0 => ("pass", format!("{p} passed{unreached_note}")),
        _ if unreached > 0 => ("unreached", format!("{unreached} not reached")),
        _ => ("skip", format!("{skipped} skipped")),
    }
}

/// Whether a failure names `clause` on `operation`. A step checking two clauses at once names
/// both (`ID1/ID3`); a failure that names no operation is on the scenario's own ones.
fn names(problem: &Problem, clause: &str, operation: &str) -> bool {
    let on_clause = problem
        .clause
        .as_deref()
        .is_some_and(|c| c.split('/').any(|c| c == clause));
    let on_operation = problem.operation.as_deref().is_none_or(|o| o == operation);
    on_clause && on_operation
}

/// Today's date (UTC), `YYYY-MM-DD`.
pub fn today() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    crate::protocol::time::iso8601(now)
        .chars()
        .take(10)
        .collect()
}

fn page(
    service: &Service,
    run: &Run,
    summary: &Summary,
    results: &[ScenarioResult],
    contract_href: &str,
) -> String {
    let Run {
        run_id,
        endpoint,
        profile,
        ..
    } = run;
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
td.skip {{ background: #f8eab0; }} td.unreached {{ background: #f3f3f3; color: #666; }} td.na {{ background: #eee; color: #999; }} td.gap {{ background: #fff; color: #c00; }}
pre {{ background: #f6f6f6; padding: 1rem; overflow-x: auto; }}
.verdict-FAIL, .verdict-ERROR {{ color: #b00; }} .verdict-PASS {{ color: #070; }} .verdict-SKIP {{ color: #860; }}
</style></head><body>
<h1>{title}: proton-conform report</h1>
<p id="summary">{passed} passed, {failed} failed, {errored} errors, {skipped} skipped, against {endpoint} (profile {profile}, run {run_id})</p>
<p id="made">proton-conform {version}, {date}</p>
<h2>Clause x operation</h2>
<table id="matrix"><tr><th>clause</th>"#,
        passed = summary.passed,
        failed = summary.failed,
        errored = summary.errored,
        skipped = summary.skipped,
        endpoint = escape(endpoint),
        profile = escape(profile),
        run_id = escape(run_id),
        title = escape(&service.pack.title),
        version = env!("CARGO_PKG_VERSION"),
        date = today(),
    );
    let operations = service.contract_operations();
    for op in &operations {
        let _ = write!(html, r#"<th class="op">{op}</th>"#);
    }
    html.push_str("</tr>\n");
    for clause in service.clauses() {
        let _ = write!(
            html,
            r#"<tr><th title="{}"><a href="{}">{}</a></th>"#,
            escape(&clause.summary),
            escape(&format!("{contract_href}#{}", clause.anchor)),
            clause.id
        );
        for op in &operations {
            let (class, text) = cell(service, results, &clause.id, op);
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
                escape(&render_problem(&r.file, problem, service.clauses()))
            );
        }
    }
    html.push_str("</div>\n</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(contract: &[&str], operations: &[&str], verdict: Verdict) -> ScenarioResult {
        ScenarioResult {
            index: 0,
            file: "s.yaml".into(),
            name: "s".into(),
            contract: contract.iter().map(|c| c.to_string()).collect(),
            operations: operations.iter().map(|o| o.to_string()).collect(),
            verdict,
            duration: Default::default(),
            warnings: Vec::new(),
            deviations: Vec::new(),
        }
    }

    fn failed(clause: &str, operation: &str) -> Verdict {
        let mut problem = Problem::scenario_level("broken".into());
        problem.clause = Some(clause.into());
        problem.operation = Some(operation.into());
        Verdict::Failed { problem }
    }

    #[test]
    fn only_the_clause_a_failure_names_on_its_operation_is_failed() {
        let (create, list) = (
            "CreateEnvironmentTemplateVersion",
            "ListEnvironmentTemplateVersions",
        );
        let proton = Service::proton();
        let results = vec![
            result(&["CT2", "CT3"], &[create, list], failed("CT3", create)),
            result(&["CT2"], &[create], Verdict::Passed),
        ];
        assert_eq!(cell(&proton, &results, "CT3", create).0, "fail");
        let (class, text) = cell(&proton, &results, "CT2", create);
        assert_eq!((class, text.as_str()), ("pass", "1 passed, 1 not reached"));
        assert_eq!(cell(&proton, &results, "G2", create).0, "pass");
        assert_eq!(cell(&proton, &results, "G2", list).0, "unreached");
        // A failure that names two clauses at once (a step checking both) fails both.
        let both = vec![result(
            &["CT2", "CT3"],
            &[create],
            failed("CT2/CT3", create),
        )];
        assert_eq!(cell(&proton, &both, "CT2", create).0, "fail");
        assert_eq!(cell(&proton, &both, "CT3", create).0, "fail");
        // An error of the run (no clause) fails no clause.
        let errored = vec![result(
            &["CT2"],
            &[create],
            Verdict::Errored {
                problem: Problem::scenario_level("could not connect".into()),
            },
        )];
        assert_eq!(cell(&proton, &errored, "CT2", create).0, "unreached");
    }

    #[test]
    fn clause_names_link_to_the_contract() {
        let page = page(
            &Service::proton(),
            &Default::default(),
            &Summary::default(),
            &[],
            "../CONTRACT.md",
        );
        assert!(page.contains(r#"<a href="../CONTRACT.md#ct2">CT2</a>"#));
        let here = std::env::current_dir().unwrap();
        assert_eq!(
            contract_href(&here.join("reports/index.html")),
            "../CONTRACT.md"
        );
        assert_eq!(contract_href(Path::new("index.html")), "CONTRACT.md");
    }
}
