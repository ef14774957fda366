//! Finding scenario files and reading them: the I/O that [`super::parse`] leaves out.

use std::path::{Path, PathBuf};

use super::ast::Scenario;
use super::parse::{MAX_FILE_BYTES, parse};
use crate::diagnostic::Diagnostic;

/// Folders under a scenario tree that hold something other than scenarios.
const NOT_SCENARIOS: &[&str] = &["profiles", "sdk"];

/// Scenario files under `paths` (files as given, folders walked), sorted, without duplicates.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.is_dir() {
            walk(path, &mut found).map_err(|e| format!("{}: {e}", path.display()))?;
        } else {
            found.push(path.clone());
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            let name = entry.file_name();
            if !NOT_SCENARIOS.iter().any(|n| name == *n) {
                walk(&path, found)?;
            }
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            found.push(path);
        }
    }
    Ok(())
}

/// Reads and parses one file; every problem comes back as a diagnostic naming the file.
pub fn load(path: &Path) -> Result<Scenario, Vec<Diagnostic>> {
    let name = path.display().to_string();
    let fail = |message: String| vec![Diagnostic::new(&name, None, message)];
    let size = std::fs::metadata(path)
        .map_err(|e| fail(format!("cannot read: {e}")))?
        .len();
    if size > MAX_FILE_BYTES as u64 {
        return Err(fail(format!(
            "file is {size} bytes; scenario files are limited to {MAX_FILE_BYTES} bytes"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "file is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    parse(&text, &name)
}
