//! moto's server judged on every service with a token operation: the committed
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
    let port = common::free_port();
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

/// Counts the EFS file systems on moto.
const LEFTOVERS: &str = "import sys, boto3
c = boto3.client('efs', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')
print(len(c.describe_file_systems()['FileSystems']))";

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
    let fresh = common::conformance_report("moto", port, &[], "testing");
    // The findings the report stands on: moto accepts a changed TransactWriteItems under the
    // same token, and makes a second ECS service for a retried CreateService; its text/html
    // answers are deviations of their own, the token judged all the same.
    assert!(fresh.contains("| TransactWriteItems | [CT3](../CONTRACT.md#any-ct3) | **broken**"));
    assert!(fresh.contains("| CreateService | [CT2](../CONTRACT.md#any-ct2) | **broken**"));
    assert!(fresh.contains("| CreateSecret | [G3](../CONTRACT.md#any-g3) | **deviation**"));
    // And one found from the model alone (no pack for Cloud Map): a retried CreateService
    // answers another service.
    assert!(fresh.contains(
        "| ServiceDiscovery | CreateService | [CT2](../CONTRACT.md#any-ct2) | **broken**"
    ));
    assert!(
        !fresh.contains("not reached (G3"),
        "a deviation stopped a scenario"
    );
    // The report names what it was run against and how to replay a row, signing included.
    assert!(fresh.contains(&format!("| endpoint | http://127.0.0.1:{port} |")));
    assert!(fresh.contains("| it says | Server: Werkzeug"));
    assert!(fresh.contains("--sign --contract-profile conformance FILE"));
    // Unsigned, moto answers with S3's XML: refused with the reason, never a report of rows
    // all "not reached".
    let unsigned = Command::new(env!("CARGO_BIN_EXE_proton-conform"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "conformance",
            "--name",
            "unsigned",
            "--packs",
            "acm",
            "--out",
        ])
        .arg(std::env::temp_dir().join(format!("pc-unsigned-{}.md", std::process::id())))
        .arg("--endpoint")
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&unsigned.stderr);
    assert_eq!(unsigned.status.code(), Some(2), "{err}");
    assert!(err.contains("add --sign"), "{err}");
    // Nothing is left behind, not even what moto made of a request it should have refused
    // (an EFS file system for a 65-character CreationToken: CT1).
    let left = Command::new("python3")
        .args(["-c", LEFTOVERS, &format!("http://127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&left.stdout).trim(),
        "0",
        "{}",
        String::from_utf8_lossy(&left.stderr)
    );
}
