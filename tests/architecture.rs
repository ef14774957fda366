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
