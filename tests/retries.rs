//! Harness-internal calls (setup, teardown, waits) ride out throttling and 5xx answers; a
//! scenario's own steps never retry behind its back; `max_rps` bounds the load.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::endpoint::Embedded;
use proton_conform::endpoint::proton as emulator;
use proton_conform::event::{ScenarioResult, Verdict};
use proton_conform::runner::{RunConfig, Target, run_collect};
use proton_conform::scenario::files;
use proton_conform::service::Service;

fn run(fixture: &str, client: ClientConfig) -> ScenarioResult {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/retries")
        .join(fixture);
    let config = RunConfig {
        service: Arc::new(Service::proton()),
        interrupt: None,
        target: Target::Embedded(Embedded::Proton(emulator::Config::default())),
        snapshots: None,
        profile: Profile::strict(),
        client,
        jobs: 1,
        run_id: "retry".into(),
        driver: None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(run_collect(
            vec![files::load(&path, &Service::proton()).unwrap()],
            config,
        ))
        .unwrap()
        .remove(0)
}

#[test]
fn setup_rides_out_faults_and_steps_do_not() {
    let setup = run("setup-rides-out-500s.yaml", ClientConfig::default());
    assert!(
        matches!(setup.verdict, Verdict::Passed),
        "{:?}",
        setup.verdict
    );
    let step = run("steps-are-never-retried.yaml", ClientConfig::default());
    let Verdict::Failed { problem } = &step.verdict else {
        panic!("{:?}", step.verdict)
    };
    assert!(
        problem
            .message
            .contains("expected success, got InternalServerException"),
        "{}",
        problem.message
    );
    assert!(
        step.warnings.is_empty(),
        "the teardown cleaned up: {:?}",
        step.warnings
    );
}

#[test]
fn max_rps_bounds_the_request_rate() {
    let started = Instant::now();
    // Four creates, a get and a delete (injections go to the control API): six paced requests,
    // five intervals of 50 ms at 20 per second.
    let result = run(
        "setup-rides-out-500s.yaml",
        ClientConfig {
            max_rps: 20,
            ..ClientConfig::default()
        },
    );
    assert!(
        matches!(result.verdict, Verdict::Passed),
        "{:?}",
        result.verdict
    );
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
}
