//! moto's server judged on every pack's generated scenarios: the committed
//! `conformance/moto.md` must be what a run gives today. Regenerate it with
//! `moto_server -p 5123 & proton-conform conformance --name moto --endpoint http://127.0.0.1:5123 --sign`
//! (dummy credentials: AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1).
//! Skips (saying why) without moto, unless PROTON_CONFORM_REQUIRE_TOOLS=1.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// moto's server on a free loopback port, once it answers.
fn start_moto() -> (Moto, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    let moto = Moto(child);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "moto did not start"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    (moto, port)
}

#[test]
fn the_committed_moto_report_is_what_moto_does_today() {
    if !common::available(
        "moto's server (pip install 'moto[server]')",
        "moto_server",
        &["--help"],
    ) {
        return;
    }
    let (_moto, port) = start_moto();
    let out = std::env::temp_dir().join(format!("pc-moto-{}.md", std::process::id()));
    let status = Command::new(env!("CARGO_BIN_EXE_proton-conform"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["conformance", "--name", "moto", "--sign", "--endpoint"])
        .arg(format!("http://127.0.0.1:{port}"))
        .arg("--out")
        .arg(&out)
        .arg("--reports")
        .arg(std::env::temp_dir().join(format!("pc-moto-reports-{}", std::process::id())))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .status()
        .unwrap();
    assert!(status.success());
    let fresh = std::fs::read_to_string(&out).unwrap();
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/conformance/moto.md"))
            .unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    assert_eq!(
        committed, fresh,
        "conformance/moto.md is stale: regenerate it (see this test's header)"
    );
    // The findings the report stands on: moto accepts a changed TransactWriteItems under the
    // same token, and makes a second ECS service for a retried CreateService.
    assert!(fresh.contains("| TransactWriteItems | CT3 | **broken**"));
    assert!(fresh.contains("| CreateService | CT2 | **broken**"));
}
