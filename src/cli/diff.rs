//! `proton-conform diff`: the same scenarios against two endpoints (or two recorded snapshot
//! targets), and every difference between their redacted answers, step by step.

use std::path::{Path, PathBuf};

use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::redact::Rules;
use proton_conform::runner::{RunConfig, run_collect};
use proton_conform::snapshot::{Mode, SnapshotStore, matches_up_to_renaming, parse_snap};

use super::args::DiffArgs;
use super::exit::Exit;
use super::run::{new_run_id, target_for};
use super::select;

pub fn diff(args: DiffArgs) -> Exit {
    let rules = match Rules::load(&args.snapshot_dir.join("redactions.yaml")) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    let (dir, a, b) = match (args.endpoints.as_slice(), args.targets.as_slice()) {
        ([a, b], []) => match record_both(&args, a, b, rules) {
            Ok(()) => (args.out.clone(), "a".to_string(), "b".to_string()),
            Err(exit) => return exit,
        },
        ([], [a, b]) => (args.snapshot_dir.clone(), a.clone(), b.clone()),
        _ => {
            eprintln!("error: give two --endpoint URLs, or two --target names");
            return Exit::BadInput;
        }
    };
    let differences = compare(&dir, &a, &b);
    for line in &differences {
        println!("{line}");
    }
    if differences.is_empty() {
        eprintln!("no differences between {a} and {b}");
        Exit::Success
    } else {
        eprintln!("{} difference(s) between {a} and {b}", differences.len());
        Exit::Failures
    }
}

/// Runs the selection against both endpoints, recording every step under `out` as targets
/// `a` and `b`.
fn record_both(args: &DiffArgs, a: &str, b: &str, rules: Rules) -> Result<(), Exit> {
    let loaded = select::load(&args.selection).map_err(|e| {
        eprintln!("error: {e}");
        Exit::BadInput
    })?;
    if !loaded.problems.is_empty() {
        select::print_problems(&loaded.problems);
        return Err(Exit::BadInput);
    }
    let _ = std::fs::remove_dir_all(&args.out);
    let runtime = tokio::runtime::Runtime::new().map_err(|_| Exit::CouldNotRun)?;
    for (endpoint, tag) in [(a, "a"), (b, "b")] {
        let target = target_for(Some(endpoint), &args.allow_endpoints).map_err(|e| {
            eprintln!("error: {e}");
            Exit::BadInput
        })?;
        let config = RunConfig {
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
            run_id: new_run_id(),
            driver: None,
        };
        let results = runtime
            .block_on(run_collect(loaded.scenarios.clone(), config))
            .map_err(|e| {
                eprintln!("error: the run against {endpoint} could not take place: {e}");
                Exit::CouldNotRun
            })?;
        eprintln!(
            "recorded {} scenario(s) against {endpoint} as `{tag}`",
            results.len()
        );
    }
    Ok(())
}

/// Every difference between the `@a` and `@b` recordings under `dir`.
fn compare(dir: &Path, a: &str, b: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let suffix = |t: &str| format!("@{t}.snap");
    let mut files = Vec::new();
    collect(dir, &mut files);
    for file in files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with(&suffix(a)))
    {
        let name = file
            .to_string_lossy()
            .trim_end_matches(&suffix(a))
            .to_string();
        let other = PathBuf::from(format!("{name}{}", suffix(b)));
        let read = |p: &Path| {
            std::fs::read_to_string(p)
                .ok()
                .and_then(|t| parse_snap(&t).ok())
        };
        let shown = name
            .strip_prefix(&format!("{}/", dir.display()))
            .unwrap_or(&name)
            .to_string();
        match (read(file), read(&other)) {
            (Some(x), Some(y)) => {
                for d in matches_up_to_renaming(&x.body, &y.body) {
                    lines.push(format!("{shown}: {d}"));
                }
            }
            (Some(_), None) => lines.push(format!("{shown}: only in {a}")),
            _ => lines.push(format!("{shown}: unreadable")),
        }
    }
    for file in files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with(&suffix(b)))
    {
        let name = file
            .to_string_lossy()
            .trim_end_matches(&suffix(b))
            .to_string();
        if !Path::new(&format!("{name}{}", suffix(a))).exists() {
            let shown = name
                .strip_prefix(&format!("{}/", dir.display()))
                .unwrap_or(&name)
                .to_string();
            lines.push(format!("{shown}: only in {b}"));
        }
    }
    lines
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
    out.sort();
}
