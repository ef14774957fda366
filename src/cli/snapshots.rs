//! `proton-conform snapshots review|accept|reject|prune`, for people without cargo-insta. Each
//! takes filters or paths, and the changing ones a `--dry-run`.

use std::sync::Arc;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proton_conform::scenario::{Action, files};
use proton_conform::snapshot::{matches_up_to_renaming, parse_snap, pending_files};

use super::args::{SnapshotsAction, SnapshotsArgs};
use super::exit::Exit;
use proton_conform::error::Error;
use proton_conform::service::Service;

pub fn snapshots(args: SnapshotsArgs, service: &Arc<Service>) -> Result<Exit, Error> {
    let selected = |filters: &[String]| -> Vec<PathBuf> {
        pending_files(&args.dir)
            .into_iter()
            .filter(|p| matches_filters(p, filters))
            .collect()
    };
    match args.action {
        SnapshotsAction::Review { filters } => Ok(review(&selected(&filters))),
        SnapshotsAction::Accept { filters, dry_run } => {
            each(&selected(&filters), "accept", dry_run, |p| {
                std::fs::rename(p, stored_path(p))
            })
        }
        SnapshotsAction::Reject { filters, dry_run } => {
            each(&selected(&filters), "reject", dry_run, |p| {
                std::fs::remove_file(p)
            })
        }
        SnapshotsAction::Prune { paths, dry_run } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from("scenarios")]
            } else {
                paths
            };
            prune(&args.dir, &paths, dry_run, service)
        }
    }
}

/// Whether a snapshot file is selected: no filters, or one is part of its path or of the
/// scenario file it records.
fn matches_filters(path: &Path, filters: &[String]) -> bool {
    if filters.is_empty() {
        return true;
    }
    let source = std::fs::read_to_string(path)
        .ok()
        .and_then(|t| parse_snap(&t).ok())
        .map(|s| s.source)
        .unwrap_or_default();
    let shown = path.to_string_lossy();
    filters
        .iter()
        .any(|f| shown.contains(f.as_str()) || source.contains(f.as_str()))
}

fn stored_path(pending: &Path) -> PathBuf {
    PathBuf::from(pending.to_string_lossy().trim_end_matches(".new"))
}

fn review(pending: &[PathBuf]) -> Exit {
    if pending.is_empty() {
        eprintln!("no pending snapshots");
        return Exit::Success;
    }
    for path in pending {
        let new = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| parse_snap(&t).ok());
        let old = std::fs::read_to_string(stored_path(path))
            .ok()
            .and_then(|t| parse_snap(&t).ok());
        println!("{}", stored_path(path).display());
        match (old, new) {
            (Some(old), Some(new)) => {
                for d in matches_up_to_renaming(&old.body, &new.body) {
                    println!("  {d}");
                }
            }
            (None, Some(_)) => println!("  new snapshot (nothing stored yet)"),
            _ => println!("  unreadable"),
        }
    }
    eprintln!(
        "{} pending snapshot(s): `snapshots accept` or `snapshots reject`",
        pending.len()
    );
    Exit::Success
}

fn each(
    paths: &[PathBuf],
    verb: &str,
    dry_run: bool,
    act: impl Fn(&Path) -> std::io::Result<()>,
) -> Result<Exit, Error> {
    for path in paths {
        if dry_run {
            eprintln!("would {verb} {}", path.display());
        } else {
            act(path).map_err(|e| Error::io(format!("{}: {e}", path.display())))?;
        }
    }
    let done = if dry_run { "would be" } else { "were" };
    eprintln!("{} pending snapshot(s) {done} {verb}ed", paths.len());
    Ok(Exit::Success)
}

/// `a/./b/` and `a/b` alike, for comparing where files are.
fn normal(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// Stored snapshots of scenarios under `paths` that no `snapshot` step there produces any more
/// (the step or the whole scenario is gone). Snapshots of scenarios elsewhere stay.
fn prune(dir: &Path, paths: &[PathBuf], dry_run: bool, service: &Service) -> Result<Exit, Error> {
    let scenarios = files::discover(paths)?;
    let mut wanted = BTreeSet::new();
    for path in scenarios {
        let Ok(s) = files::load(&path, service) else {
            continue;
        };
        for step in s.setup.iter().chain(&s.steps).chain(&s.teardown) {
            if let Action::Snapshot { step } = &step.action {
                wanted.insert((normal(Path::new(&s.file)), step.clone()));
            }
        }
    }
    let roots: Vec<PathBuf> = paths.iter().map(|p| normal(p)).collect();
    let (mut removed, mut kept_elsewhere) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if !p.to_string_lossy().ends_with(".snap") {
                continue;
            }
            let Some(snap) = std::fs::read_to_string(&p)
                .ok()
                .and_then(|t| parse_snap(&t).ok())
            else {
                continue;
            };
            let source = normal(Path::new(&snap.source));
            if !roots.iter().any(|r| source.starts_with(r)) {
                kept_elsewhere += 1;
                continue;
            }
            if wanted.contains(&(source, snap.expression)) {
                continue;
            }
            if dry_run {
                eprintln!("would remove {}", p.display());
                removed += 1;
            } else if std::fs::remove_file(&p).is_ok() {
                eprintln!("removed {}", p.display());
                removed += 1;
            }
        }
    }
    let done = if dry_run { "would be" } else { "were" };
    eprintln!(
        "{removed} snapshot(s) {done} pruned; {kept_elsewhere} of scenarios outside {} left alone",
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(Exit::Success)
}
