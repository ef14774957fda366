//! Real clients against the emulator: boto3 drives every implemented operation and the
//! idempotency clauses (botocore parses each answer into its modelled types and raises the
//! modelled exception classes), each parsed answer is checked against our schemas, and the
//! AWS CLI's waiters finish against it.
//!
//! Skips, saying why, when python3/boto3 or the AWS CLI is missing, unless
//! `PROTON_CONFORM_REQUIRE_TOOLS=1` (as in CI), where a missing tool fails.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

mod common;
use common::available;

use proton_conform::endpoint::proton::implemented;
use proton_conform::model::Model;

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_proton-conform"))
        .args([
            "serve",
            "--port",
            "0",
            "--register-seconds",
            "0",
            "--deploy-seconds",
            "1",
            "--delete-seconds",
            "1",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    Server {
        child,
        url: line.trim().to_string(),
    }
}

#[test]
fn boto3_and_the_aws_cli_work_against_the_emulator() {
    if !available("python3 with boto3", "python3", &["-c", "import boto3"])
        || !available("the AWS CLI", "aws", &["--version"])
    {
        return;
    }
    let server = serve(&[]);
    let out =
        std::env::temp_dir().join(format!("proton-conform-boto3-{}.jsonl", std::process::id()));
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/boto3_check.py");
    let run = Command::new("python3")
        .args([script, &server.url, out.to_str().unwrap()])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "boto3 driver failed:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );

    // Every parsed answer conforms to our output schemas.
    let mut seen = BTreeSet::new();
    let mut violations = Vec::new();
    for line in std::fs::read_to_string(&out).unwrap().lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let operation = record["operation"].as_str().unwrap().to_string();
        let found = Model::bundled("proton-2020-07-20")
            .unwrap()
            .check_output(&operation, &record["response"])
            .unwrap();
        if !found.is_empty() {
            violations.push(format!("{operation}: {found:?}"));
        }
        seen.insert(operation);
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
    let missing: Vec<&str> = implemented().filter(|op| !seen.contains(*op)).collect();
    assert!(
        missing.is_empty(),
        "operations boto3 did not exercise: {missing:?}"
    );

    // The AWS CLI's waiters reach success.
    for (waiter, name) in [
        ("environment-deployed", "cli-env"),
        ("service-deleted", "svc"),
    ] {
        let status = Command::new("aws")
            .args([
                "proton",
                "wait",
                waiter,
                "--name",
                name,
                "--endpoint-url",
                &server.url,
                "--region",
                "us-east-1",
            ])
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "not-a-secret")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .status()
            .unwrap();
        assert!(status.success(), "aws proton wait {waiter} failed");
    }
    let _ = std::fs::remove_file(out);
}

#[test]
fn the_sigv4_verifier_accepts_boto3_signatures_and_refuses_wrong_ones() {
    if !available("python3 with boto3", "python3", &["-c", "import boto3"]) {
        return;
    }
    let server = serve(&["--verify-sigv4"]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/boto3_sigv4.py");
    let run = Command::new("python3")
        .args([script, &server.url])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    // An unsigned request is refused as AWS does.
    let unsigned = Command::new("python3")
        .args([
            "-c",
            "import sys,urllib.request as u\nr=u.Request(sys.argv[1]+'/',data=b'{}',headers={'content-type':'application/x-amz-json-1.0','x-amz-target':'AwsProton20200720.ListEnvironmentTemplates'})\ntry:\n u.urlopen(r)\nexcept Exception as e:\n print(e.read().decode())",
            &server.url,
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&unsigned.stdout).contains("MissingAuthenticationToken"));
}
