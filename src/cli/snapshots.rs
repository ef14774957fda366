//! `proton-conform snapshots review|accept|reject|prune`, for people without cargo-insta.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proton_conform::scenario::{Action, files};
use proton_conform::snapshot::{matches_up_to_renaming, parse_snap, pending_files};

use super::args::{SnapshotsAction, SnapshotsArgs};
use super::exit::Exit;

pub fn snapshots(args: SnapshotsArgs) -> Exit {
    let pending = pending_files(&args.dir);
    match args.action {
        SnapshotsAction::Review => review(&pending),
        SnapshotsAction::Accept => {
            each(&pending, "accepted", |p| std::fs::rename(p, stored_path(p)))
        }
        SnapshotsAction::Reject => each(&pending, "rejected", |p| std::fs::remove_file(p)),
        SnapshotsAction::Prune => prune(&args.dir),
    }
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

fn each(paths: &[PathBuf], verb: &str, act: impl Fn(&Path) -> std::io::Result<()>) -> Exit {
    for path in paths {
        if let Err(e) = act(path) {
            eprintln!("error: {}: {e}", path.display());
            return Exit::CouldNotRun;
        }
    }
    eprintln!("{} snapshot(s) {verb}", paths.len());
    Exit::Success
}

/// Stored snapshots whose scenario and step no longer exist.
fn prune(dir: &Path) -> Exit {
    let scenarios = match files::discover(&[PathBuf::from("scenarios")]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::CouldNotRun;
        }
    };
    let mut wanted = BTreeSet::new();
    for path in scenarios {
        let Ok(s) = files::load(&path) else { continue };
        for step in s.setup.iter().chain(&s.steps).chain(&s.teardown) {
            if let Action::Snapshot { step } = &step.action {
                wanted.insert((s.file.clone(), step.clone()));
            }
        }
    }
    let mut removed = 0;
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
            let keep = std::fs::read_to_string(&p)
                .ok()
                .and_then(|t| parse_snap(&t).ok())
                .is_some_and(|s| wanted.contains(&(s.source, s.expression)));
            if !keep && std::fs::remove_file(&p).is_ok() {
                eprintln!("removed {}", p.display());
                removed += 1;
            }
        }
    }
    eprintln!("{removed} snapshot(s) pruned");
    Exit::Success
}
