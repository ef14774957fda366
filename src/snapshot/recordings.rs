//! Two recordings of the same scenarios (snapshot targets side by side in one directory),
//! compared file by file: what `diff` prints, and what the determinism test holds at zero.

use std::path::{Path, PathBuf};

use super::compare::matches_up_to_renaming;
use super::file::parse_snap;

/// Every difference between the `@a` and `@b` recordings under `dir`, one line each, in file
/// order: members that differ, and steps recorded on one side only.
pub fn compare_recordings(dir: &Path, a: &str, b: &str) -> Vec<String> {
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort();
    let stems = |target: &str| -> Vec<String> {
        let suffix = format!("@{target}.snap");
        files
            .iter()
            .filter_map(|f| f.to_str()?.strip_suffix(&suffix).map(str::to_string))
            .collect()
    };
    let (in_a, in_b) = (stems(a), stems(b));
    let shown = |stem: &str| {
        stem.strip_prefix(&format!("{}/", dir.display()))
            .unwrap_or(stem)
            .to_string()
    };
    let read = |stem: &str, target: &str| {
        std::fs::read_to_string(format!("{stem}@{target}.snap"))
            .ok()
            .and_then(|t| parse_snap(&t).ok())
    };
    let mut lines = Vec::new();
    for stem in &in_a {
        match (read(stem, a), in_b.contains(stem).then(|| read(stem, b))) {
            (Some(x), Some(Some(y))) => lines.extend(
                matches_up_to_renaming(&x.body, &y.body)
                    .into_iter()
                    .map(|d| format!("{}: {d}", shown(stem))),
            ),
            (_, None) => lines.push(format!("{}: only in {a}", shown(stem))),
            _ => lines.push(format!("{}: unreadable", shown(stem))),
        }
    }
    for stem in in_b.iter().filter(|s| !in_a.contains(s)) {
        lines.push(format!("{}: only in {b}", shown(stem)));
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{SnapFile, render_snap};
    use serde_json::json;

    #[test]
    fn names_changed_members_and_one_sided_steps() {
        let dir = std::env::temp_dir().join(format!("pc-recordings-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("env")).unwrap();
        let write = |name: &str, body: serde_json::Value| {
            let snap = SnapFile {
                source: "s.yaml".into(),
                expression: "x".into(),
                body,
            };
            std::fs::write(dir.join(name), render_snap(&snap)).unwrap();
        };
        write(
            "env/s__steps-first@a.snap",
            json!({"status": 200, "x": "<arn:t:1>"}),
        );
        write(
            "env/s__steps-first@b.snap",
            json!({"status": 400, "x": "<arn:t:2>"}),
        );
        write("env/s__steps-same@a.snap", json!({"k": 1}));
        write("env/s__steps-same@b.snap", json!({"k": 1}));
        write("env/s__steps-later@a.snap", json!({}));
        write("env/s__teardown-gone@b.snap", json!({}));
        let lines = compare_recordings(&dir, "a", "b");
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(
            lines[0].starts_with("env/s__steps-first: $.status"),
            "{lines:#?}"
        );
        assert_eq!(lines[1], "env/s__steps-later: only in a");
        assert_eq!(lines[2], "env/s__teardown-gone: only in b");
        assert!(compare_recordings(&dir, "a", "a").is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
