//! Finding scenario files and reading them: the I/O that [`super::parse`] leaves out.

use std::path::{Path, PathBuf};

use super::ast::Scenario;
use super::parse::{MAX_FILE_BYTES, parse};
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::service::Service;

/// Folders under a scenario tree that hold something other than scenarios.
const NOT_SCENARIOS: &[&str] = &["profiles", "sdk"];

/// Scenario files under `paths` (files as given, folders walked), sorted, without duplicates.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    for path in paths {
        let unreadable = |e: std::io::Error| Error::input(e.to_string()).at_file(path, None);
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        if meta.is_dir() {
            walk(path, &mut found).map_err(unreadable)?;
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
pub fn load(path: &Path, service: &Service) -> Result<Scenario, Vec<Diagnostic>> {
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
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            // Where the bad byte is, as line and column of the valid text before it.
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let before = std::str::from_utf8(valid).unwrap_or_default();
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let byte = e.as_bytes()[valid.len()];
            let mut d = Diagnostic::new(
                &name,
                Some(crate::diagnostic::Pos::new(line as u64, column as u64)),
                format!("the file is not UTF-8: byte 0x{byte:02x} here"),
            );
            d.help = Some("save the file as UTF-8 (YAML scenario files are UTF-8 text)".into());
            return Err(vec![d]);
        }
    };
    parse(&text, &name, service)
}

/// Source bytes parsed per batch by [`load_batches`]: enough to keep every core busy, small
/// enough that a batch of parsed scenarios (about 8 times its source) stays a few MiB.
const BATCH_BYTES: u64 = 256 << 10;

/// Loads `paths` on every core, in batches handed to `each` in file order, so that a caller
/// that drops what it does not keep holds at most one batch at a time.
pub fn load_batches(
    paths: Vec<PathBuf>,
    service: &Service,
    mut each: impl FnMut(PathBuf, Result<Scenario, Vec<Diagnostic>>),
) {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut paths = paths.into_iter().peekable();
    while paths.peek().is_some() {
        let mut batch = Vec::new();
        let mut bytes = 0u64;
        while let Some(path) = paths.next_if(|_| bytes < BATCH_BYTES) {
            bytes += std::fs::metadata(&path).map_or(0, |m| m.len());
            batch.push(path);
        }
        let loaded = load_parallel(&batch, service, workers);
        for (path, loaded) in batch.into_iter().zip(loaded) {
            each(path, loaded);
        }
    }
}

/// Loads `paths` split into contiguous parts, one thread per part; results in input order.
fn load_parallel(
    paths: &[PathBuf],
    service: &Service,
    workers: usize,
) -> Vec<Result<Scenario, Vec<Diagnostic>>> {
    if workers <= 1 || paths.len() <= 1 {
        return paths.iter().map(|p| load(p, service)).collect();
    }
    let part = paths.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(part)
            .map(|chunk| {
                scope.spawn(move || chunk.iter().map(|p| load(p, service)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_keep_file_order_and_report_each_file() {
        // 40 files of 10 KB: two batches, each split between the cores.
        let padding = "x".repeat(10_000);
        let dir = std::env::temp_dir().join(format!("pc-batches-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut paths = Vec::new();
        for i in 0..40 {
            let path = dir.join(format!("s{i:02}.yaml"));
            let text = if i == 17 {
                "name: broken\nsteps:\n  - cal: ListEnvironmentTemplates\n".to_string()
            } else {
                format!(
                    "name: s{i}\ndescription: {padding}\nsteps:\n  - call: ListEnvironmentTemplates\n"
                )
            };
            std::fs::write(&path, text).unwrap();
            paths.push(path);
        }
        let mut seen = Vec::new();
        load_batches(paths.clone(), &Service::proton(), |path, loaded| {
            seen.push((path, loaded.map(|s| s.name).map_err(|d| d.len())))
        });
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            seen.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            paths.iter().collect::<Vec<_>>()
        );
        for (i, (_, loaded)) in seen.into_iter().enumerate() {
            let expected = if i == 17 { Err(1) } else { Ok(format!("s{i}")) };
            assert_eq!(loaded, expected);
        }
    }
}
