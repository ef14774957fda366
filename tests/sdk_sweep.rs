//! `sdk-sweep` on the fixed sample (`conformance/sdk-sample.txt`): the shipped SDKs repeat
//! what the committed sweep (`conformance/sdks.json`) found for those operations, and two
//! deliberately broken SDKs are caught on exactly their duty, on exactly the operations it
//! concerns.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

const SAMPLE: &str = "conformance/sdk-sample.txt";

fn sweep(args: &[&str], name: &str) -> (Output, Value, String) {
    let dir = std::env::temp_dir().join(format!("pc-sweep-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let summary = dir.join("summary.json");
    let output = Command::new(env!("CARGO_BIN_EXE_proton-conform"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("sdk-sweep")
        .args(args)
        .args(["--sample", SAMPLE, "--jobs", "4"])
        .args(["--out", dir.join("sweep.md").to_str().unwrap()])
        .args(["--summary", summary.to_str().unwrap()])
        .args(["--junit", dir.join("junit.xml").to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    let text = std::fs::read_to_string(&summary).unwrap_or_else(|_| {
        panic!(
            "no summary written: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    (output, serde_json::from_str(&text).unwrap(), junit)
}

/// The sample's operations, as the summaries name them (`service Operation`).
fn sample() -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SAMPLE);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// One SDK's broken duties by operation, restricted to `ops`.
fn broken(sdk: &Value, ops: &[String]) -> BTreeMap<String, Value> {
    sdk["broken"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(op, _)| ops.contains(op))
        .map(|(op, duties)| (op.clone(), duties.clone()))
        .collect()
}

fn by_driver<'a>(summary: &'a Value, driver: &str) -> &'a Value {
    summary["sdks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["driver"] == driver)
        .unwrap_or_else(|| panic!("no {driver} in {summary}"))
}

/// The sample swept with boto3 broken by `flag` (tests/clients/broken_sweep_driver.py): its
/// summary and JUnit report; a broken duty must make the sweep exit 1.
fn sweep_broken(flag: &str) -> (Value, String) {
    let client = format!("broken=python3 tests/clients/broken_sweep_driver.py {flag}");
    let (output, summary, junit) = sweep(&["--client", &client], flag.trim_start_matches('-'));
    assert_eq!(output.status.code(), Some(1), "broken duties exit 1");
    (by_driver(&summary, "broken").clone(), junit)
}

fn tools() -> bool {
    common::available("python3 with boto3", "python3", &["-c", "import boto3"])
        && common::available("the AWS CLI", "python3", &["-c", "import awscli"])
        && common::available(
            "the JavaScript SDK (cd drivers/js && npm ci)",
            "test",
            &["-d", "drivers/js/node_modules/@aws-sdk/core"],
        )
}

#[test]
fn the_shipped_sdks_repeat_the_committed_sweep_on_the_sample() {
    if !tools() || common::rust_driver().is_none() {
        return;
    }
    let (output, summary, _) = sweep(
        &[
            "--driver", "boto3", "--driver", "awscli", "--driver", "js", "--driver", "rust",
        ],
        "shipped",
    );
    let err = String::from_utf8_lossy(&output.stderr);
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("conformance/sdks.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let ops = sample();
    for driver in ["boto3", "awscli", "js", "rust"] {
        let now = by_driver(&summary, driver);
        let then = by_driver(&committed, driver);
        assert_eq!(now["sdk"], then["sdk"], "the SDK's version changed: {err}");
        assert!(now["checked"].as_u64().unwrap() > 0, "{driver}: {err}");
        assert_eq!(
            broken(now, &ops),
            broken(then, &ops),
            "{driver}'s broken duties on the sample differ from conformance/sdks.json"
        );
        let unchecked: Vec<&String> = now["unchecked"].as_object().unwrap().keys().collect();
        let then_unchecked: Vec<&String> = then["unchecked"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| ops.contains(k))
            .collect();
        assert_eq!(unchecked, then_unchecked, "{driver}: {err}");
    }
}

#[test]
fn an_sdk_that_makes_a_new_token_per_retry_breaks_keep_on_retry_and_nothing_else() {
    if !tools() {
        return;
    }
    let (sdk, junit) = sweep_broken("--new-token-per-retry");
    let ops = sample();
    assert_eq!(sdk["checked"].as_u64(), Some(ops.len() as u64), "{sdk}");
    let expected: BTreeMap<String, Value> = ops
        .iter()
        .map(|op| (op.clone(), serde_json::json!(["keep on retry"])))
        .collect();
    assert_eq!(broken(&sdk, &ops), expected);
    // CI sees the same: a failed testcase per operation, its request log beside it.
    assert_eq!(
        junit.matches(r#"type="keep on retry""#).count(),
        ops.len(),
        "{junit}"
    );
    assert!(
        junit.contains("# call 1, the caller gives no token"),
        "{junit}"
    );
}

#[test]
fn an_sdk_that_ignores_query_bound_tokens_breaks_fill_on_exactly_those() {
    if !tools() {
        return;
    }
    let (sdk, _) = sweep_broken("--ignore-query-tokens");
    // The sample's operations whose model binds the token to the query string.
    let expected: BTreeMap<String, Value> = [
        "accessanalyzer DeleteAnalyzer",
        "amp DeleteAlertManagerDefinition",
    ]
    .iter()
    .map(|op| (op.to_string(), serde_json::json!(["fill"])))
    .collect();
    assert_eq!(broken(&sdk, &sample()), expected);
}

#[test]
fn a_sample_with_a_typo_is_refused_at_its_line_with_the_name_meant() {
    let dir = std::env::temp_dir().join(format!("pc-sweep-typo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sample = dir.join("sample.txt");
    std::fs::write(
        &sample,
        "# two lines\nsecretsmanager CreateSecret\neks CreateClustr\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_proton-conform"))
        .args([
            "sdk-sweep",
            "--client",
            "none=true",
            "--client-models",
            "packs",
        ])
        .arg("--sample")
        .arg(&sample)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("sample.txt:3: `CreateClustr` is not an operation of `eks` with an idempotency token (did you mean `CreateCluster`?)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_rust_drivers_calls_are_what_the_generator_writes_from_the_bundled_models() {
    if !common::available("rustfmt", "rustfmt", &["--version"]) {
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("pc-rust-calls-{}", std::process::id()));
    let status = Command::new("python3")
        .arg(root.join("tools/rust_driver_calls.py"))
        .arg("--out")
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let committed = root.join("drivers/rust-sdk/src/calls");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() > 1, "{names:?}");
    for name in names {
        let fresh = std::fs::read_to_string(dir.join(&name)).unwrap();
        let kept = std::fs::read_to_string(committed.join(&name)).unwrap_or_default();
        assert!(
            fresh == kept,
            "drivers/rust-sdk/src/calls/{} is stale: run python3 tools/rust_driver_calls.py",
            name.to_string_lossy()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The Rust SDK driver reads each member through the setter the model names; a member it has
/// no setter for, at the top or inside a structure, is refused by name before any request.
#[test]
fn the_rust_driver_refuses_a_member_it_cannot_set_never_dropping_it() {
    let Some(driver) = common::rust_driver() else {
        return;
    };
    let call = |params: &str| {
        let output = Command::new(&driver)
            .env("PC_SERVICE", "eks")
            .env("PC_OPERATION", "CreateCluster")
            .env("PC_PARAMS", params)
            // Never reached: the input is refused first.
            .env("AWS_ENDPOINT_URL_EKS", "http://127.0.0.1:9")
            .env("AWS_REGION", "us-east-1")
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    };
    let (ok, err) = call(r#"{"name": "c", "roleArn": "r", "resourcesVpcConfig": {}, "bogus": 1}"#);
    assert!(
        !ok && err.contains("no setter for member(s) bogus"),
        "{err}"
    );
    let (ok, err) =
        call(r#"{"name": "c", "roleArn": "r", "resourcesVpcConfig": {"subnetIdz": []}}"#);
    assert!(
        !ok && err.contains("member resourcesVpcConfig: no setter for member(s) subnetIdz"),
        "{err}"
    );
    let (ok, err) = call(r#"{"name": 7}"#);
    assert!(
        !ok && err.contains("member name: expected a string, got 7"),
        "{err}"
    );
}

/// The shipped sample names services beyond the packs (for boto3 and the CLI): an SDK swept
/// over the packs alone takes the sample's pack operations and says which lines it left out.
#[test]
fn a_pack_sdk_takes_the_samples_pack_operations_and_names_the_rest_left_out() {
    if !common::available("python3 with boto3", "python3", &["-c", "import boto3"]) {
        return;
    }
    let Some(_) = common::rust_driver() else {
        return;
    };
    let (output, summary, _) = sweep(&["--driver", "rust"], "rust-alone");
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert_eq!(by_driver(&summary, "rust")["checked"], 6, "{err}");
    assert!(
        err.contains("athena StartQueryExecution: no SDK swept here covers athena; left out"),
        "{err}"
    );
}

/// A driver that crashes on every call leaves every operation unjudged: that is an error of
/// the sweep (exit 1, an error per operation in JUnit, the driver's stderr in the report),
/// never a green sweep with "0 broken".
#[test]
fn a_driver_that_crashes_on_every_call_is_an_error_of_the_sweep() {
    let client = "crash=echo the SDK under test is not installed >&2; exit 3";
    let (output, summary, junit) =
        sweep(&["--client", client, "--client-models", "packs"], "crash");
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("the driver failed on"), "{err}");
    let sdk = by_driver(&summary, "crash");
    assert_eq!(sdk["checked"], 0, "{sdk}");
    let failed = sdk["driver_failed"].as_object().expect("driver_failed");
    assert!(!failed.is_empty());
    for (op, why) in failed {
        let why = why.as_str().unwrap();
        assert!(why.contains("not installed"), "{op}: {why}");
    }
    assert!(junit.contains("<error"), "{junit}");
}
