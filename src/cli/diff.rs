//! `proton-conform diff`: the same scenarios against two endpoints (or two recorded snapshot
//! targets), and every difference between them: scenarios whose verdicts differ (with the
//! members their failure names), then their redacted answers, step by step.

use std::sync::Arc;

use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::event::{ScenarioResult, Verdict};
use proton_conform::redact::Rules;
use proton_conform::runner::{RunConfig, run_collect};
use proton_conform::scenario::Scenario;
use proton_conform::snapshot::{Mode, SnapshotStore, compare_recordings};

use super::args::DiffArgs;
use super::endpoint::target_for;
use super::exit::Exit;
use super::run::new_run_id;
use super::select;
use proton_conform::error::Error;
use proton_conform::service::Service;

pub fn diff(args: DiffArgs, service: &Arc<Service>) -> Result<Exit, Error> {
    let rules = Rules::load(&args.snapshot_dir.join("redactions.yaml"))?;
    let (dir, a, b, mut differences) = match (args.endpoints.as_slice(), args.targets.as_slice()) {
        ([a, b], []) => {
            let loaded = select::load(&args.selection, service)?;
            if !loaded.problems.is_empty() {
                select::print_problems(&loaded.problems);
                return Ok(Exit::BadInput);
            }
            let verdicts = record_both(&args, service, &loaded.scenarios, [a, b], rules)?;
            (args.out.clone(), "a".to_string(), "b".to_string(), verdicts)
        }
        ([], [a, b]) => (args.snapshot_dir.clone(), a.clone(), b.clone(), Vec::new()),
        _ => {
            return Err(Error::input(
                "give two --endpoint URLs, or two --target names",
            ));
        }
    };
    differences.extend(compare_recordings(&dir, &a, &b));
    for line in &differences {
        println!("{line}");
    }
    if differences.is_empty() {
        eprintln!("no differences between {a} and {b}");
        Ok(Exit::Success)
    } else {
        eprintln!("{} difference(s) between {a} and {b}", differences.len());
        Ok(Exit::Failures)
    }
}

/// Runs the selection against both endpoints, recording every step under `out` as targets
/// `a` and `b`. Both runs share one run id, so both sides send the same names and tokens.
/// Returns a line for each scenario whose verdict differs.
fn record_both(
    args: &DiffArgs,
    service: &Arc<Service>,
    scenarios: &[Scenario],
    [a, b]: [&str; 2],
    rules: Rules,
) -> Result<Vec<String>, Error> {
    let run_id = args.run_id.clone().unwrap_or_else(new_run_id);
    let _ = std::fs::remove_dir_all(&args.out);
    let mut sides = Vec::new();
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))?;
    for (endpoint, tag) in [(a, "a"), (b, "b")] {
        let target = target_for(service, Some(endpoint), &args.allow_endpoints)?;
        let config = RunConfig {
            service: service.clone(),
            interrupt: None,
            target,
            snapshots: Some(SnapshotStore {
                dir: args.out.clone(),
                target: tag.into(),
                mode: Mode::Update,
                ci: false,
                rules: rules.clone(),
                every_step: true,
            }),
            profile: Profile::strict(),
            client: ClientConfig::default(),
            jobs: 8,
            run_id: run_id.clone(),
            driver: None,
        };
        let results = runtime
            .block_on(run_collect(scenarios.to_vec(), config))
            .map_err(|e| {
                e.context(format_args!(
                    "the run against {endpoint} could not take place"
                ))
            })?;
        eprintln!(
            "recorded {} scenario(s) against {endpoint} as `{tag}` (run {run_id})",
            results.len()
        );
        sides.push(results);
    }
    let [on_a, on_b] = [&sides[0], &sides[1]].map(|results| {
        results
            .iter()
            .map(|r| (r.file.as_str(), verdict_line(r)))
            .collect::<std::collections::BTreeMap<_, _>>()
    });
    Ok(on_a
        .iter()
        .filter(|(file, verdict)| on_b.get(*file) != Some(verdict))
        .map(|(file, verdict)| {
            let other = on_b.get(file).map_or("not run", String::as_str);
            format!("{file}: on a {verdict}; on b {other}")
        })
        .collect())
}

/// A verdict as `diff` compares it: the failing step, its clause and the members it names.
/// The message is left out: it quotes values (times, addresses) that differ between runs.
fn verdict_line(result: &ScenarioResult) -> String {
    let problem = |kind: &str, p: &proton_conform::event::Problem| {
        let members: Vec<&str> = p.differences.iter().map(|d| d.path.as_str()).collect();
        let mut line = format!("{kind} at {} `{}`", p.phase, p.step);
        if let Some(clause) = &p.clause {
            line.push_str(&format!(" [{clause}]"));
        }
        if !members.is_empty() {
            line.push_str(&format!(", members {}", members.join(", ")));
        }
        line
    };
    match &result.verdict {
        Verdict::Passed => "passed".into(),
        Verdict::Failed { problem: p } => problem("failed", p),
        Verdict::Errored { problem: p } => problem("errored", p),
        Verdict::Skipped { reason } => format!("skipped ({reason})"),
    }
}
