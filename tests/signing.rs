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
    run_with(url, Some(secret), "--sign", dir)
}

/// A run of two folders; `secret` None leaves every credential out of the environment.
fn run_with(url: &str, secret: Option<&str>, sign: &str, dir: &Path) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_proton-conform"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "scenarios/environment-template",
            "scenarios/environment-template-version",
        ])
        .args([
            "--endpoint",
            url,
            sign,
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
        .env("AWS_REGION", "us-east-1")
        .env("NO_COLOR", "1");
    if let Some(secret) = secret {
        command
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_SESSION_TOKEN", SESSION);
    }
    command.output().unwrap()
}

/// Failure lines (`FAIL`, `error: [..]`) that blame a contract clause.
fn clause_failures(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("FAIL") || l.contains("error: ["))
        .collect()
}

#[test]
fn refused_or_missing_credentials_are_errors_of_the_run_never_a_clause() {
    let (mut server, url) = serve();
    let dir = std::env::temp_dir().join(format!("pc-unsigned-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // Unsigned requests to a verifying endpoint: every scenario errors, naming the refusal.
    let unsigned = run_with(&url, None, "--no-sign", &dir);
    let err = String::from_utf8_lossy(&unsigned.stderr).to_string();
    assert_eq!(unsigned.status.code(), Some(1), "{err}");
    assert!(
        err.contains("refused the request's credentials (MissingAuthenticationToken)"),
        "{err}"
    );
    assert!(
        clause_failures(&err).is_empty(),
        "{:?}",
        clause_failures(&err)
    );
    assert!(err.contains(" 0 failed,"), "{err}");
    // No credentials at all: the run stops before it starts.
    let missing = run_with(&url, None, "--sign", &dir);
    let err = String::from_utf8_lossy(&missing.stderr).to_string();
    assert_eq!(missing.status.code(), Some(3), "{err}");
    assert!(err.contains("no credentials could be loaded"), "{err}");
    assert!(!err.contains("PASS") && !err.contains("ERROR"), "{err}");
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(dir);
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
    assert!(clause_failures(&bad_err).is_empty(), "{bad_err}");

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
