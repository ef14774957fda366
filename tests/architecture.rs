//! The architecture's rules, checked on the source: the harness knows a service only through
//! its pack and model (nothing Proton-specific outside `src/packs/`, the bundled-data lists and
//! the emulator, which is Proton's reference implementation), and source files stay small.

use std::path::{Path, PathBuf};

/// Where Proton may be named: its pack, the lists of bundled files, and its emulator.
const PROTON_ALLOWED: &[&str] = &[
    "src/packs/",
    "src/endpoint/proton/",
    // The wing's root and the one place that picks the emulator for its pack.
    "src/endpoint/mod.rs",
    "src/endpoint/pick.rs",
    "src/model/data/",
    "src/model/bundled.rs",
    "src/service/bundled.rs",
];

/// Words that name Proton or its resources; the product's own name is not one of them.
const PROTON_WORDS: &[&str] = &[
    "proton",
    "EnvironmentTemplate",
    "ServiceTemplate",
    "ServiceInstance",
    "AccountConnection",
    "templateName",
    "environmentName",
    "DELETE_IN_PROGRESS",
    "DeleteEnvironment",
    "CreateEnvironment",
    "GetEnvironment",
];

const PRODUCT_NAMES: &[&str] = &["proton-conform", "proton_conform", "proton conform"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            (rel, text)
        })
        .collect()
}

#[test]
fn nothing_proton_specific_outside_the_pack_and_the_emulator() {
    let mut found = Vec::new();
    for (file, text) in sources() {
        if PROTON_ALLOWED.iter().any(|a| file.starts_with(a)) {
            continue;
        }
        // Unit tests may use the default pack as their example.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            let mut line = line.to_string();
            for name in PRODUCT_NAMES {
                line = line.replace(name, "").replace(&name.to_uppercase(), "");
            }
            let lower = line.to_lowercase();
            for word in PROTON_WORDS {
                if lower.contains(&word.to_lowercase()) {
                    found.push(format!("{file}:{}: {word}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "Proton named outside its pack:\n{}",
        found.join("\n")
    );
}

/// Files allowed past the size limit, each with the reason.
const LONG_FILES: &[(&str, &str)] = &[];

#[test]
fn source_files_stay_small() {
    let mut long = Vec::new();
    for (file, text) in sources() {
        // Tests live beside the code; the limit is on the code.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let lines = code.lines().count();
        if lines > 500 && !LONG_FILES.iter().any(|(f, _)| *f == file) {
            long.push(format!("{file}: {lines} lines before its tests"));
        }
    }
    assert!(long.is_empty(), "over 500 lines:\n{}", long.join("\n"));
}

/// Lines of code before a file's tests: neither blank nor a comment.
fn code_lines(text: &str) -> usize {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .count()
}

/// A module root hands names on (as Hurl's `runner/mod.rs` does): its logic lives in named
/// files beside it.
#[test]
fn module_roots_hand_names_on() {
    let heavy: Vec<String> = sources()
        .into_iter()
        .filter(|(file, _)| file.ends_with("/mod.rs"))
        .map(|(file, text)| (file, code_lines(&text)))
        .filter(|(_, lines)| *lines > 100)
        .map(|(file, lines)| format!("{file}: {lines} lines of code"))
        .collect();
    assert!(
        heavy.is_empty(),
        "module roots over 100 lines of code:\n{}",
        heavy.join("\n")
    );
}

/// The module map of ARCHITECTURE.md: each module and the modules it may use.
fn module_map() -> std::collections::BTreeMap<String, Vec<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let map = text.split("## Module map").nth(1).expect("a module map");
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect()
    };
    map.lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let module = ticked(cells.get(1)?).into_iter().next()?;
            Some((module, ticked(cells.get(3)?)))
        })
        .collect()
}

/// Each module of `src/` and the modules its code (tests aside) names by `crate::` paths.
fn module_uses() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut uses = std::collections::BTreeMap::new();
    for (file, text) in sources() {
        let rel = file.trim_start_matches("src/");
        let module = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if module == "main" || module == "lib" {
            continue;
        }
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let named: &mut std::collections::BTreeSet<String> =
            uses.entry(module.clone()).or_default();
        for part in code.split("crate::").skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                named.insert(name);
            }
        }
    }
    uses
}

/// ARCHITECTURE.md's module map is the code's: every module has a row, and no module names one
/// its row does not list.
#[test]
fn the_module_map_is_the_code() {
    let map = module_map();
    let mut wrong = Vec::new();
    for (module, named) in module_uses() {
        let Some(allowed) = map.get(&module) else {
            wrong.push(format!("{module}: no row in the module map"));
            continue;
        };
        for used in named.iter().filter(|u| !allowed.contains(u)) {
            wrong.push(format!("{module} uses {used}, which its row does not list"));
        }
    }
    assert!(
        wrong.is_empty(),
        "ARCHITECTURE.md's module map:\n{}",
        wrong.join("\n")
    );
}

/// Dependencies point one way: the module map has no circle.
#[test]
fn no_module_depends_on_itself_through_others() {
    let map = module_map();
    fn reaches(
        map: &std::collections::BTreeMap<String, Vec<String>>,
        from: &str,
        target: &str,
        seen: &mut Vec<String>,
    ) -> bool {
        for next in map.get(from).into_iter().flatten() {
            if next == target {
                return true;
            }
            if !seen.contains(next) {
                seen.push(next.clone());
                if reaches(map, next, target, seen) {
                    return true;
                }
            }
        }
        false
    }
    let circular: Vec<&String> = map
        .keys()
        .filter(|m| reaches(&map, m, m, &mut Vec::new()))
        .collect();
    assert!(circular.is_empty(), "modules in a circle: {circular:?}");
}
