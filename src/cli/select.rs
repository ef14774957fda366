//! Loading the selected scenarios: discovery, parsing, filters.

use std::path::PathBuf;

use proton_conform::diagnostic::Diagnostic;
use proton_conform::scenario::{Scenario, files};

use super::args::Selection;

/// The loaded scenarios, and the diagnostics of every file that did not load.
pub struct Loaded {
    pub scenarios: Vec<Scenario>,
    pub problems: Vec<(Diagnostic, Option<String>)>,
    pub files: usize,
}

/// The selected scenario files, checked but not kept: for runs of many scenarios, which parse
/// each file again when it starts so that memory does not grow with the number of files.
pub struct Checked {
    /// Path, and the scenario's file key (as `Scenario::file`).
    pub selected: Vec<(PathBuf, String)>,
    pub problems: Vec<(Diagnostic, Option<String>)>,
    pub files: usize,
}

pub fn check(selection: &Selection) -> Result<Checked, String> {
    let paths = if selection.paths.is_empty() {
        vec![PathBuf::from("scenarios")]
    } else {
        selection.paths.clone()
    };
    let found = files::discover(&paths)?;
    let mut checked = Checked {
        selected: Vec::new(),
        problems: Vec::new(),
        files: found.len(),
    };
    for path in found {
        match files::load(&path) {
            Ok(s) if selected(&s, selection) => checked.selected.push((path, s.file)),
            Ok(_) => {}
            Err(diagnostics) => {
                let source = std::fs::read_to_string(&path).ok();
                for d in diagnostics {
                    checked.problems.push((d, source.clone()));
                }
            }
        }
    }
    Ok(checked)
}

pub fn load(selection: &Selection) -> Result<Loaded, String> {
    let paths = if selection.paths.is_empty() {
        vec![PathBuf::from("scenarios")]
    } else {
        selection.paths.clone()
    };
    let found = files::discover(&paths)?;
    let mut loaded = Loaded {
        scenarios: Vec::new(),
        problems: Vec::new(),
        files: found.len(),
    };
    for path in found {
        match files::load(&path) {
            Ok(s) => loaded.scenarios.push(s),
            Err(diagnostics) => {
                let source = std::fs::read_to_string(&path).ok();
                for d in diagnostics {
                    loaded.problems.push((d, source.clone()));
                }
            }
        }
    }
    loaded.scenarios.retain(|s| selected(s, selection));
    Ok(loaded)
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
