//! Helpers shared by the tests that drive outside tools.

use std::process::{Command, Stdio};

/// Whether tools must be present (`PROTON_CONFORM_REQUIRE_TOOLS=1`, as in CI).
pub fn tools_required() -> bool {
    std::env::var("PROTON_CONFORM_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// Whether a tool runs; a missing one skips the test (saying why), or fails it when tools are
/// required.
#[allow(dead_code)]
pub fn available(what: &str, program: &str, args: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            !tools_required(),
            "{what} is required (PROTON_CONFORM_REQUIRE_TOOLS=1) but missing"
        );
        eprintln!("skipped: {what} is not installed");
    }
    ok
}

/// The Rust SDK driver's binary (the release build's, else the debug one's, as sdk-check and
/// sdk-sweep take it), which the tests cannot build; `None` when it is not built.
#[allow(dead_code)]
pub fn rust_driver() -> Option<std::path::PathBuf> {
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let built = ["release", "debug"]
        .iter()
        .map(|p| target.join(p).join("rust-sdk-driver"))
        .find(|path| path.exists());
    if built.is_none() {
        assert!(
            !tools_required(),
            "the Rust SDK driver is required but not built: cargo build -p rust-sdk-driver"
        );
        eprintln!("skipped: the Rust SDK driver is not built");
    }
    built
}

/// A free port on the loopback (bound, then released for the server to take).
#[allow(dead_code)]
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// Runs `conformance --name NAME --sign --endpoint http://127.0.0.1:PORT` (with `extra`
/// arguments) with the emulator's dummy credentials and no user configuration, and returns
/// the report it wrote, after checking that it is the committed `conformance/NAME.md`.
#[allow(dead_code)]
pub fn conformance_report(name: &str, port: u16, extra: &[&str], secret: &str) -> String {
    let tmp = std::env::temp_dir();
    let id = std::process::id();
    let out = tmp.join(format!("pc-{name}-{id}.md"));
    let reports = tmp.join(format!("pc-{name}-reports-{id}"));
    let status = Command::new(env!("CARGO_BIN_EXE_proton-conform"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["conformance", "--name", name, "--sign"])
        .args(extra)
        .arg("--endpoint")
        .arg(format!("http://127.0.0.1:{port}"))
        .arg("--out")
        .arg(&out)
        .arg("--reports")
        .arg(&reports)
        .env("AWS_ACCESS_KEY_ID", secret)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .status()
        .unwrap();
    // Scenarios of services with none committed are written beside the reports: in the
    // committed report, beside the default ones.
    let fresh = std::fs::read_to_string(&out).unwrap().replace(
        &reports.display().to_string(),
        &format!("reports/conformance/{name}"),
    );
    let _ = std::fs::remove_dir_all(&reports);
    // Exit 1 says something was found broken, 0 that nothing was.
    let findings = fresh.contains("**broken**") || fresh.contains("**deviation**");
    assert_eq!(status.code(), Some(i32::from(findings)), "{fresh}");
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("conformance/{name}.md")),
    )
    .unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    // What varies between runs (address, date, run id) is the run block's alone.
    let stable = |report: &str| proton_conform::conformance::without_run_block(report);
    assert_eq!(
        stable(&committed),
        stable(&fresh),
        "conformance/{name}.md is stale: regenerate it (see the test's header)"
    );
    fresh
}

/// `scenarios` of `service` on the embedded generic reference with `faults` switched on,
/// four at once, under the strict profile.
#[allow(dead_code)]
pub fn on_generic_reference(
    service: &std::sync::Arc<proton_conform::service::Service>,
    scenarios: Vec<proton_conform::scenario::Scenario>,
    faults: Vec<proton_conform::endpoint::generic::Fault>,
    run_id: &str,
) -> Vec<proton_conform::event::ScenarioResult> {
    use proton_conform::runner::{RunConfig, Target, run_collect};
    let config = RunConfig {
        service: service.clone(),
        target: Target::Embedded(proton_conform::endpoint::Embedded::Generic(faults)),
        interrupt: None,
        snapshots: None,
        profile: proton_conform::contract::Profile::strict(),
        client: proton_conform::client::ClientConfig::default(),
        jobs: 4,
        run_id: run_id.into(),
        driver: None,
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(run_collect(scenarios, config)).unwrap()
}
