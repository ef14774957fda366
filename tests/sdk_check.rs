//! `sdk-check` with real clients: a deliberately broken client (a new token on every attempt)
//! is caught on CT2, and the shipped drivers (boto3, the AWS CLI, the Rust SDK) keep every
//! client-side clause, with the README's table exactly what the tool writes.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

fn sdk_check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proton-conform"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("sdk-check")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn temp(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("proton-conform-sdk-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn boto3() -> bool {
    common::available("python3 with boto3", "python3", &["-c", "import boto3"])
}

#[test]
fn a_client_with_a_new_token_per_attempt_is_caught() {
    if !boto3() {
        return;
    }
    let dir = temp("broken");
    let o = sdk_check(&[
        "scenarios/sdk/retry-after-a-500.yaml",
        "--client",
        "python3 tests/clients/broken_token_driver.py",
        "--junit",
        dir.join("j.xml").to_str().unwrap(),
        "--html",
        dir.join("i.html").to_str().unwrap(),
        "--table",
        dir.join("t.md").to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("[CT2] call 1 of 1: the retries carry other tokens"),
        "{err}"
    );
    let table = std::fs::read_to_string(dir.join("t.md")).unwrap();
    assert!(
        table.contains("| client | CT1 | CT2 |") && table.contains("**broken**"),
        "{table}"
    );
}

#[test]
fn the_shipped_drivers_keep_the_client_clauses_and_the_readme_table_is_the_tools() {
    if common::rust_driver().is_none()
        || !boto3()
        || !common::available("the AWS CLI", "aws", &["--version"])
    {
        return;
    }
    let js = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("drivers/js/node_modules/@aws-sdk/client-proton");
    if !js.is_dir() {
        assert!(
            !common::tools_required(),
            "the JavaScript SDK driver is required but not installed: cd drivers/js && npm ci"
        );
        eprintln!("skipped: the JavaScript SDK driver is not installed (cd drivers/js && npm ci)");
        return;
    }
    let dir = temp("shipped");
    let table_path = dir.join("t.md");
    let o = sdk_check(&[
        "--driver",
        "boto3",
        "--driver",
        "awscli",
        "--driver",
        "rust",
        "--driver",
        "js",
        "--junit",
        dir.join("j.xml").to_str().unwrap(),
        "--html",
        dir.join("i.html").to_str().unwrap(),
        "--table",
        table_path.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let junit = std::fs::read_to_string(dir.join("j.xml")).unwrap();
    assert_eq!(
        junit.matches("<testcase ").count(),
        20,
        "one testcase per driver x scenario"
    );
    let table = std::fs::read_to_string(&table_path).unwrap();
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    assert!(
        readme.contains(&table),
        "README.md's SDK table is not what the tool writes; update it with\n  proton-conform sdk-check --driver boto3 --driver awscli --driver rust --driver js --update-readme README.md\n{table}"
    );
}

#[test]
fn a_missing_sdk_is_a_setup_error_and_no_table_is_written() {
    let dir = temp("missing");
    let readme = dir.join("README.md");
    std::fs::write(
        &readme,
        "<!-- sdk-table:start -->\n<!-- sdk-table:end -->\n",
    )
    .unwrap();
    let before = std::fs::read_to_string(&readme).unwrap();
    // A PATH that holds a shell and nothing else: no `aws`, no `python3`.
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let _ = std::os::unix::fs::symlink("/bin/sh", bin.join("sh"));
    for driver in ["awscli", "boto3"] {
        let o = Command::new(env!("CARGO_BIN_EXE_proton-conform"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["sdk-check", "--driver", driver])
            .args(["--table", dir.join("t.md").to_str().unwrap()])
            .args(["--update-readme", readme.to_str().unwrap()])
            .env("PATH", &bin)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{driver}: {err}");
        assert!(
            err.contains(&format!("the {driver} driver cannot run here")),
            "{err}"
        );
        assert!(err.contains("install it with `pip install"), "{err}");
        assert!(!err.contains("broken"), "{err}");
        assert!(!dir.join("t.md").exists(), "{driver}: a table was written");
        assert_eq!(std::fs::read_to_string(&readme).unwrap(), before);
    }
}
