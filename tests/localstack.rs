//! LocalStack (community edition) judged on every service with a token operation but DynamoDB:
//! the committed `conformance/localstack.md` must be what a run gives today. DynamoDB is left
//! out: LocalStack's DynamoDB needs a Java download that cannot happen here (each call waits
//! for it and times out). Needs LocalStack 2026.3.0 in a Python 3.13 venv (`.ci/run` makes
//! `.ci-venv/localstack`; or point PROTON_CONFORM_LOCALSTACK_PYTHON at its python); skips
//! (saying why) without it, unless PROTON_CONFORM_REQUIRE_TOOLS=1.
//!
//! Regenerate the report: start LocalStack (`GATEWAY_LISTEN=127.0.0.1:4599 python -m
//! localstack.runtime.main`), then `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
//! AWS_REGION=us-east-1 proton-conform conformance --name localstack --endpoint
//! http://127.0.0.1:4599 --sign --except dynamodb`.

mod common;

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct LocalStack(Child);

impl Drop for LocalStack {
    fn drop(&mut self) {
        // It starts helpers of its own: stop its whole process group.
        let _ = Command::new("kill")
            .arg("--")
            .arg(format!("-{}", self.0.id()))
            .status();
        let _ = self.0.wait();
    }
}

fn python() -> Option<PathBuf> {
    let path = std::env::var_os("PROTON_CONFORM_LOCALSTACK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci-venv/localstack/bin/python")
        });
    let ok = Command::new(&path)
        .args(["-c", "import localstack.runtime.main"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(path)
}

#[test]
fn the_committed_localstack_report_is_what_localstack_does_today() {
    if !common::available("curl (LocalStack's health check)", "curl", &["--version"]) {
        return;
    }
    let Some(python) = python() else {
        assert!(
            !common::tools_required(),
            "LocalStack is required (PROTON_CONFORM_REQUIRE_TOOLS=1) but its venv is missing"
        );
        eprintln!("skipped: LocalStack is not installed (.ci/run makes .ci-venv/localstack)");
        return;
    };
    let port = common::free_port();
    let data = std::env::temp_dir().join(format!("pc-localstack-{}", std::process::id()));
    let child = Command::new(python)
        .args(["-m", "localstack.runtime.main"])
        .env("GATEWAY_LISTEN", format!("127.0.0.1:{port}"))
        .env("LOCALSTACK_VOLUME_DIR", &data)
        .env("SKIP_SSL_CERT_DOWNLOAD", "1")
        .env("DISABLE_EVENTS", "1")
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("LocalStack starts");
    let _localstack = LocalStack(child);
    let health = format!("http://127.0.0.1:{port}/_localstack/health");
    let started = Instant::now();
    while !Command::new("curl")
        .args(["-sf", &health])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "LocalStack did not start"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let fresh = common::conformance_report("localstack", port, &["--except", "dynamodb"], "test");
    let _ = std::fs::remove_dir_all(&data);
    // What the report stands on: a retried CreateSecret with the same token is refused (the
    // documentation read), and a retried CreateMaintenanceWindow makes a second window (the
    // model alone: no pack was written for SSM).
    assert!(fresh.contains("| CreateSecret | [CT2](../CONTRACT.md#any-ct2) | **broken**"));
    assert!(
        fresh.contains(
            "| SSM | CreateMaintenanceWindow | [CT2](../CONTRACT.md#any-ct2) | **broken**"
        )
    );
}
