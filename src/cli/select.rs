//! Loading the selected scenarios: discovery, parsing, filters.

use std::path::PathBuf;

use proton_conform::diagnostic::Diagnostic;
use proton_conform::error::Error;
use proton_conform::scenario::{Scenario, files};
use proton_conform::service::{self, Service};

use super::args::Selection;

/// The loaded scenarios, and the diagnostics of every file that did not load.
pub struct Loaded {
    pub scenarios: Vec<Scenario>,
    pub problems: Vec<(Diagnostic, Option<String>)>,
    pub files: usize,
}

/// How much scenario source a check keeps parsed. Beyond it, files are parsed again when their
/// scenario starts, so that memory does not grow with the number of files; below it, parsing
/// once saves a quarter of the harness's time on step-heavy suites (BENCHMARKS.md). A parsed
/// scenario holds about 8 times its source (valgrind --tool=dhat).
const KEEP_PARSED_BYTES: usize = 2 << 20;

/// The selected scenario files, checked; parsed scenarios kept within a budget.
pub struct Checked {
    /// Path, the scenario's file key (as `Scenario::file`), and the parsed scenario if kept.
    pub selected: Vec<(PathBuf, String, Option<Scenario>)>,
    pub problems: Vec<(Diagnostic, Option<String>)>,
    pub files: usize,
}

/// Checks every file; keeps the selected ones parsed within [`KEEP_PARSED_BYTES`] of source.
pub fn check(selection: &Selection, service: &Service) -> Result<Checked, Error> {
    read(selection, service, KEEP_PARSED_BYTES)
}

/// Checks every file and keeps every selected scenario parsed.
pub fn load(selection: &Selection, service: &Service) -> Result<Loaded, Error> {
    let checked = read(selection, service, usize::MAX)?;
    Ok(Loaded {
        scenarios: checked
            .selected
            .into_iter()
            .filter_map(|(_, _, s)| s)
            .collect(),
        problems: checked.problems,
        files: checked.files,
    })
}

fn read(selection: &Selection, service: &Service, keep_bytes: usize) -> Result<Checked, Error> {
    let paths = if selection.paths.is_empty() && service.name() != service::DEFAULT {
        // Another service's scenarios are the ones `generate` writes.
        let generated = PathBuf::from("generated").join(service.name());
        if !generated.is_dir() {
            return Err(Error::input(format!(
                "no `{}` folder: write it with `proton-conform --service {} generate`, or name scenario files or folders",
                generated.display(),
                service.name()
            )));
        }
        vec![generated]
    } else if selection.paths.is_empty() {
        let corpus = PathBuf::from("scenarios");
        if !corpus.is_dir() {
            return Err(Error::input(format!(
                "no `scenarios/` folder in {}: the corpus is the `scenarios/` folder of a proton-conform checkout, so run from its root, or name scenario files or folders",
                std::env::current_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_else(|_| "this directory".into())
            )));
        }
        vec![corpus]
    } else {
        selection.paths.clone()
    };
    let found = files::discover(&paths)?;
    let mut checked = Checked {
        selected: Vec::new(),
        problems: Vec::new(),
        files: found.len(),
    };
    let mut kept_bytes = 0usize;
    files::load_batches(found, service, |path, loaded| match loaded {
        Ok(s) if selected(&s, selection) => {
            kept_bytes = kept_bytes.saturating_add(s.source.len());
            let file = s.file.clone();
            let keep = (kept_bytes <= keep_bytes).then_some(s);
            checked.selected.push((path, file, keep));
        }
        Ok(_) => {}
        Err(diagnostics) => {
            let source = std::fs::read_to_string(&path).ok();
            for d in diagnostics {
                checked.problems.push((d, source.clone()));
            }
        }
    });
    Ok(checked)
}

fn selected(s: &Scenario, selection: &Selection) -> bool {
    let filter_ok = selection
        .filter
        .as_ref()
        .is_none_or(|f| s.file.contains(f.as_str()) || s.name.contains(f.as_str()));
    let tags_ok = selection.tags.is_empty() || selection.tags.iter().any(|t| s.tags.contains(t));
    let excluded = selection.exclude_tags.iter().any(|t| s.tags.contains(t));
    filter_ok && tags_ok && !excluded
}

/// Prints every diagnostic, rustc style, on stderr.
pub fn print_problems(problems: &[(Diagnostic, Option<String>)]) {
    use std::io::Write;
    let mut err = anstream::stderr().lock();
    for (d, source) in problems {
        let _ = writeln!(err, "{}", d.render(source.as_deref()));
    }
}
