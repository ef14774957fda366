//! Signed runs: requests are SigV4-signed with credentials from the chain (here the
//! environment), the emulator's verifier (proven with boto3) accepts them and refuses a wrong
//! secret; and no secret reaches any artifact of the run.

use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SESSION: &str = "FQoGZXIvYXdzEXAMPLESESSIONTOKENsecret";

fn serve() -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_proton-conform"))
        .args(["serve", "--port", "0", "--verify-sigv4"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut url = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    (child, url.trim().to_string())
}

fn signed_run(url: &str, secret: &str, dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_proton-conform"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "scenarios/environment-template",
            "scenarios/environment-template-version",
        ])
        .args([
            "--endpoint",
            url,
            "--sign",
            "--verbose",
            "--format",
            "json",
            "--update-snapshots",
        ])
        .args([
            "--snapshot-target",
            "signed",
            "--snapshot-dir",
            dir.join("snapshots").to_str().unwrap(),
        ])
        .args([
            "--junit",
            dir.join("junit.xml").to_str().unwrap(),
            "--html",
            dir.join("index.html").to_str().unwrap(),
        ])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_SESSION_TOKEN", SESSION)
        .env("AWS_REGION", "us-east-1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn every_file(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            every_file(&p, out);
        } else {
            out.push(std::fs::read_to_string(&p).unwrap_or_default());
        }
    }
}

#[test]
fn signed_runs_pass_the_verifier_and_leave_no_secret_anywhere() {
    let (mut server, url) = serve();
    let dir = std::env::temp_dir().join(format!("pc-signed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    let good = signed_run(&url, SECRET, &dir);
    let stderr = String::from_utf8_lossy(&good.stderr).to_string();
    assert_eq!(good.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("signed for region us-east-1"), "{stderr}");

    let bad = signed_run(&url, "not-the-secret", &dir.join("bad"));
    let bad_err = String::from_utf8_lossy(&bad.stderr).to_string();
    assert_eq!(bad.status.code(), Some(1), "{bad_err}");
    assert!(bad_err.contains("InvalidSignatureException"), "{bad_err}");

    let mut artifacts = vec![
        stderr,
        String::from_utf8_lossy(&good.stdout).to_string(),
        bad_err,
        String::from_utf8_lossy(&bad.stdout).to_string(),
    ];
    every_file(&dir, &mut artifacts);
    assert!(
        artifacts.len() > 10,
        "snapshots, JUnit, HTML and the streams were all written"
    );
    for (i, text) in artifacts.iter().enumerate() {
        for secret in [
            SECRET,
            SESSION,
            "AWS4-HMAC-SHA256",
            "Signature=",
            "Credential=",
            "not-the-secret",
        ] {
            assert!(!text.contains(secret), "artifact {i} holds {secret:?}");
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(dir);
}
