//! What the main commands print, snapshotted with insta: a change of wording is a reviewed
//! diff (`INSTA_UPDATE=always cargo test --test cli_output`, then read the `.snap` changes).
//! What varies between runs is filtered: durations, temporary paths, the machine's paths.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_proton-conform"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_PROTON")
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pc-output-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The exit code and both streams of a command, as one text.
fn output(args: &[&str], reports: &Path) -> String {
    let mut command = bin();
    command.args(args);
    if args.first() == Some(&"run") {
        command
            .arg("--junit")
            .arg(reports.join("junit.xml"))
            .arg("--html")
            .arg(reports.join("index.html"))
            .arg("--results")
            .arg(reports.join("results.json"));
    }
    let out = command.output().expect("the binary runs");
    let text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.replace(&reports.display().to_string(), "[reports]")
}

/// Durations and the emulator's own identifiers and clock vary per run; nothing else does.
fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"\(\d+(\.\d+)? ?m?s\)", "([duration])"),
        (r"in \d+(\.\d+)?s", "in [duration]"),
        (r"\d+(\.\d+)? ?ms\b", "[duration]"),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[uuid]",
        ),
        (r"1[78]\d{8}(\.\d+)?", "[epoch]"),
    ]
}

macro_rules! snapshot {
    ($name:literal, $args:expr) => {{
        let reports = temp_dir($name);
        let text = output($args, &reports);
        insta::with_settings!({ filters => filters(), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($name, text);
        });
        let _ = std::fs::remove_dir_all(&reports);
    }};
}

#[test]
fn run_passing_scenarios() {
    snapshot!(
        "run-passing",
        &[
            "run",
            "scenarios/environment-template/ic2-retry-after-an-update-conflicts.yaml",
            "scenarios/environment-template-version/ct3-same-token-different-description.yaml",
            "--run-id",
            "snap",
            "--jobs",
            "1",
        ]
    );
}

#[test]
fn run_with_a_failure() {
    snapshot!(
        "run-failing",
        &[
            "run",
            "scenarios/environment-template-version/ct3-same-token-different-description.yaml",
            "--fault",
            "bare-mismatch",
            "--run-id",
            "snap",
        ]
    );
}

#[test]
fn run_dry() {
    snapshot!(
        "run-dry",
        &[
            "run",
            "scenarios/environment-template/ic2-retry-after-an-update-conflicts.yaml",
            "--dry-run",
            "--run-id",
            "snap",
        ]
    );
}

#[test]
fn lint_reports_every_problem() {
    snapshot!(
        "lint-constraints",
        &["lint", "tests/fixtures/lint/constraints.yaml"]
    );
}

#[test]
fn list_the_corpus_of_one_folder() {
    snapshot!("list", &["list", "scenarios/environment-template"]);
}

#[test]
fn coverage_of_one_folder() {
    snapshot!("coverage", &["coverage", "scenarios/service"]);
}

#[test]
fn fault_switches() {
    snapshot!("serve-fault-list", &["serve", "--fault", "list"]);
}

#[test]
fn an_unknown_service_pack() {
    snapshot!("unknown-service", &["--service", "nope", "list"]);
}
