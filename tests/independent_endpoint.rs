//! The generated scenarios judged away from home: on an endpoint written from the AWS API
//! references, independently of the harness's own (`tests/endpoints/faithful.py`: DynamoDB,
//! Secrets Manager, ECS and ACM, slow as AWS is: tables CREATING, tasks PROVISIONING and
//! STOPPING, services DRAINING, for seconds each). Faithful, it draws no finding at all; with a
//! retry performed again while answered as the first, the effect reads catch it as CT2.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Endpoint(Child);

impl Drop for Endpoint {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(fault: Option<&str>) -> (Endpoint, u16) {
    let port = common::free_port();
    let mut command = Command::new("python3");
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tests/endpoints/faithful.py", &port.to_string()]);
    if let Some(fault) = fault {
        command.args(["--fault", fault]);
    }
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs the endpoint");
    let endpoint = Endpoint(child);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the endpoint did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (endpoint, port)
}

/// `conformance` of `packs` against the endpoint: its exit code and its report.
fn judge(port: u16, packs: &str, name: &str) -> (Option<i32>, String) {
    let dir = std::env::temp_dir().join(format!("pc-independent-{name}-{}", std::process::id()));
    let out = dir.join("report.md");
    let status = Command::new(env!("CARGO_BIN_EXE_proton-conform"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "conformance",
            "--name",
            name,
            "--packs",
            packs,
            "--jobs",
            "8",
        ])
        .arg("--endpoint")
        .arg(format!("http://127.0.0.1:{port}"))
        .arg("--out")
        .arg(&out)
        .arg("--reports")
        .arg(dir.join("reports"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .status()
        .unwrap();
    let report = std::fs::read_to_string(&out).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    (status.code(), report)
}

/// The rows of a report whose verdict starts with `word`.
fn rows<'a>(report: &'a str, word: &str) -> Vec<&'a str> {
    report
        .lines()
        .filter(|l| l.split(" | ").nth(3).is_some_and(|v| v.starts_with(word)))
        .collect()
}

#[test]
fn a_faithful_slow_endpoint_draws_no_finding() {
    let (_endpoint, port) = start(None);
    let (code, report) = judge(port, "dynamodb,secretsmanager,ecs,acm", "faithful");
    let findings: Vec<&str> = [rows(&report, "**broken"), rows(&report, "**deviation")].concat();
    assert!(
        findings.is_empty(),
        "false alarms:\n{}",
        findings.join("\n")
    );
    assert_eq!(code, Some(0), "{report}");
    // Judged, not stopped: every scenario that does not need a clock was reached.
    let kept = rows(&report, "kept");
    assert!(kept.len() >= 20, "only {} kept:\n{report}", kept.len());
    for row in rows(&report, "not reached") {
        assert!(row.contains("does not offer clock"), "{row}");
    }
    // Nothing is left behind: each teardown waited for what it stopped before deleting what
    // held it (tasks before their cluster, a draining service before its cluster).
    let left = leftovers(port);
    assert_eq!(left, "{}", "left behind on the endpoint: {left}");
}

/// What the endpoint still holds, as it says at `/leftovers`.
fn leftovers(port: u16) -> String {
    let output = Command::new("curl")
        .args(["-s", &format!("http://127.0.0.1:{port}/leftovers")])
        .output()
        .expect("curl runs");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn a_retry_performed_again_is_caught_by_what_the_service_reads_show() {
    let (_endpoint, port) = start(Some("retry-applied-twice"));
    let (code, report) = judge(port, "ecs,acm", "twice");
    assert_eq!(code, Some(1), "{report}");
    let broken = rows(&report, "**broken");
    for operation in ["| RunTask |", "| RequestCertificate |"] {
        assert!(
            broken
                .iter()
                .any(|r| r.contains(operation) && r.contains("[CT2]")),
            "{operation} CT2 not caught:\n{report}"
        );
    }
    // Nothing but CT2 is found broken: the rest of the contract is kept.
    for row in &broken {
        assert!(row.contains("[CT2]"), "{row}");
    }
}
