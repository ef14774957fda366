//! Where snapshots live and what a check does: compare with the stored `.snap`, or write it;
//! a mismatch outside CI leaves a pending `.snap.new` for review, on CI nothing is written.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::compare::matches_up_to_renaming;
use super::file::{SnapFile, parse_snap, render_snap};
use crate::check::Difference;
use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Compare with the stored snapshot (the default).
    Check,
    /// Write the snapshot as it is now (`--update-snapshots`).
    Update,
}

/// Snapshot settings of a run.
#[derive(Debug, Clone)]
pub struct SnapshotStore {
    pub dir: PathBuf,
    /// Recordings of different endpoints live side by side: `<name>@<target>.snap`.
    pub target: String,
    pub mode: Mode,
    /// On CI a mismatch fails and nothing is written.
    pub ci: bool,
    /// Redaction rules beside the built-in ones (`<dir>/redactions.yaml`).
    pub rules: crate::redact::Rules,
    /// Record every request step's exchange, not only `snapshot` steps (for `diff`).
    pub every_step: bool,
}

/// What a snapshot check found.
#[derive(Debug, Clone, PartialEq)]
pub enum Compared {
    Matched,
    Written(PathBuf),
    /// No stored snapshot; the pending one, if written.
    Missing {
        path: PathBuf,
        pending: Option<PathBuf>,
    },
    Mismatch {
        path: PathBuf,
        differences: Vec<Difference>,
        pending: Option<PathBuf>,
    },
}

impl SnapshotStore {
    /// `snapshots/<folder>/<file>__<step>@<target>.snap` for `scenarios/<folder>/<file>.yaml`.
    pub fn path(&self, scenario_file: &str, step: &str) -> PathBuf {
        let relative = scenario_file
            .trim_start_matches("./")
            .split_once("scenarios/")
            .map_or(scenario_file, |(_, rest)| rest);
        let stem = relative.trim_end_matches(".yaml").trim_end_matches(".yml");
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "-_/".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        self.dir.join(format!(
            "{}__{}@{}.snap",
            clean(stem),
            clean(step),
            clean(&self.target)
        ))
    }

    pub fn check(&self, scenario_file: &str, step: &str, body: Value) -> Result<Compared, Error> {
        let path = self.path(scenario_file, step);
        let pending = pending_path(&path);
        let snap = SnapFile {
            source: scenario_file.to_string(),
            expression: step.to_string(),
            body,
        };
        if self.mode == Mode::Update {
            write(&path, &snap)?;
            let _ = std::fs::remove_file(&pending);
            return Ok(Compared::Written(path));
        }
        let stored = match std::fs::read_to_string(&path) {
            Ok(text) => parse_snap(&text).map_err(|e| e.context(path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let pending = self.leave_pending(&pending, &snap)?;
                return Ok(Compared::Missing { path, pending });
            }
            Err(e) => return Err(Error::io(format!("cannot read {}: {e}", path.display()))),
        };
        let differences = matches_up_to_renaming(&stored.body, &snap.body);
        if differences.is_empty() {
            let _ = std::fs::remove_file(&pending);
            return Ok(Compared::Matched);
        }
        let pending = self.leave_pending(&pending, &snap)?;
        Ok(Compared::Mismatch {
            path,
            differences,
            pending,
        })
    }

    fn leave_pending(&self, pending: &Path, snap: &SnapFile) -> Result<Option<PathBuf>, Error> {
        if self.ci {
            return Ok(None);
        }
        write(pending, snap)?;
        Ok(Some(pending.to_path_buf()))
    }
}

fn pending_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".new");
    PathBuf::from(p)
}

fn write(path: &Path, snap: &SnapFile) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::io(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, render_snap(snap))
        .map_err(|e| Error::io(format!("cannot write {}: {e}", path.display())))
}

/// Every pending `.snap.new` under `dir`.
pub fn pending_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(".snap.new") {
                found.push(p);
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store(mode: Mode, ci: bool, dir: &Path) -> SnapshotStore {
        SnapshotStore {
            dir: dir.to_path_buf(),
            target: "emulator".into(),
            mode,
            ci,
            rules: crate::redact::Rules::default(),
            every_step: false,
        }
    }

    #[test]
    fn missing_then_update_then_match_then_mismatch() {
        let dir = std::env::temp_dir().join(format!("pc-snap-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let file = "scenarios/env/ct2.yaml";
        let check = store(Mode::Check, false, &dir);
        assert_eq!(
            check.path(file, "retry"),
            dir.join("env/ct2__retry@emulator.snap")
        );
        let missing = check.check(file, "retry", json!({"a": 1})).unwrap();
        assert!(matches!(
            missing,
            Compared::Missing {
                pending: Some(_),
                ..
            }
        ));
        assert_eq!(pending_files(&dir).len(), 1);
        // On CI nothing is written.
        let ci = store(Mode::Check, true, &dir);
        assert!(matches!(
            ci.check(file, "other", json!(1)).unwrap(),
            Compared::Missing { pending: None, .. }
        ));
        store(Mode::Update, false, &dir)
            .check(file, "retry", json!({"a": 1}))
            .unwrap();
        assert!(
            pending_files(&dir).is_empty(),
            "update clears the pending file"
        );
        assert_eq!(
            check.check(file, "retry", json!({"a": 1})).unwrap(),
            Compared::Matched
        );
        let Compared::Mismatch { differences, .. } =
            check.check(file, "retry", json!({"a": 2})).unwrap()
        else {
            panic!()
        };
        assert_eq!(differences[0].path, "$.a");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_snapshot_that_cannot_be_read_is_an_error_not_a_missing_one() {
        let dir = std::env::temp_dir().join(format!("pc-snap-unreadable-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let check = store(Mode::Check, true, &dir);
        // A directory where the file should be.
        std::fs::create_dir_all(check.path("scenarios/env/x.yaml", "s")).unwrap();
        let err = check
            .check("scenarios/env/x.yaml", "s", json!(1))
            .unwrap_err();
        assert!(err.message.starts_with("cannot read"), "{err}");
        assert_eq!(err.kind, crate::error::ErrorKind::Io);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
