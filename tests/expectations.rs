//! Every expectation kind can fail: scenarios with wrong expectations, run against the correct
//! embedded emulator, must fail (or error) with the right clause and message.

use std::path::Path;
use std::sync::Arc;

use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::endpoint::Embedded;
use proton_conform::endpoint::proton as emulator;
use proton_conform::event::{ScenarioResult, Verdict};
use proton_conform::report::render_problem;
use proton_conform::runner::{RunConfig, Target, run_collect};
use proton_conform::scenario::files;
use proton_conform::service::Service;

fn run_fixture(name: &str) -> ScenarioResult {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/failing")
        .join(name);
    let scenario = files::load(&path, &Service::proton())
        .unwrap_or_else(|d| panic!("{name} does not parse: {d:?}"));
    let config = RunConfig {
        service: Arc::new(Service::proton()),
        interrupt: None,
        snapshots: None,
        target: Target::Embedded(Embedded::Proton(emulator::Config::default())),
        profile: Profile::strict(),
        client: ClientConfig::default(),
        jobs: 1,
        run_id: "fail".into(),
        driver: None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(run_collect(vec![scenario], config))
        .unwrap()
        .remove(0)
}

/// (fixture, failed (true) or errored (false), clause, text the message must contain)
const CASES: &[(&str, bool, Option<&str>, &str)] = &[
    (
        "status.yaml",
        true,
        Some("IC1"),
        "expected HTTP 201, got 200",
    ),
    (
        "success-by-default.yaml",
        true,
        Some("G1"),
        "expected success, got ResourceNotFoundException (HTTP 404)",
    ),
    (
        "error-type.yaml",
        true,
        Some("ID3"),
        "expected AccessDeniedException, got ResourceNotFoundException",
    ),
    (
        "error-message.yaml",
        true,
        Some("ID3"),
        "with a message matching /^nothing says this$/",
    ),
    (
        "mismatch.yaml",
        true,
        Some("IC3"),
        "expected an idempotent parameter mismatch (profile strict), got success",
    ),
    (
        "paths.yaml",
        true,
        Some("IC1"),
        "`environmentTemplate.name` is \"pcfail-",
    ),
    (
        "differs.yaml",
        true,
        Some("CT5"),
        "expected a different value",
    ),
    (
        "same-as.yaml",
        true,
        Some("CT2"),
        "is not the same resource detail as `first`'s",
    ),
    (
        "count.yaml",
        true,
        Some("CT2"),
        "`templateVersions` holds 1 item(s), expected 5",
    ),
    ("empty.yaml", true, Some("ID2"), "expected an empty answer"),
    (
        "deleted-metadata.yaml",
        true,
        Some("ID1"),
        "answered `{}`; profile strict requires the deleted resource's metadata",
    ),
    (
        "capture-finds-nothing.yaml",
        false,
        None,
        "capture `colour`: nothing at `environmentTemplate.description`",
    ),
    (
        "setup-precondition.yaml",
        false,
        None,
        "setup could not be done, so the scenario's steps did not run: expected success, got ResourceNotFoundException",
    ),
];

#[test]
fn every_expectation_kind_fails_when_it_is_wrong() {
    let fixtures =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/failing"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "yaml")
            })
            .count();
    assert_eq!(fixtures, CASES.len(), "every fixture has a row in CASES");
    for (fixture, failed, clause, text) in CASES {
        let result = run_fixture(fixture);
        let problem = match (&result.verdict, failed) {
            (Verdict::Failed { problem }, true) | (Verdict::Errored { problem }, false) => problem,
            (other, _) => panic!(
                "{fixture}: expected {}, got {other:?}",
                if *failed { "a failure" } else { "an error" }
            ),
        };
        assert_eq!(problem.clause.as_deref(), *clause, "{fixture}: {problem:?}");
        assert!(
            problem.message.contains(text),
            "{fixture}: {:?} lacks {text:?}",
            problem.message
        );
        assert!(
            result.warnings.is_empty(),
            "{fixture}: teardown warnings {:?}",
            result.warnings
        );
    }
}

#[test]
fn a_failure_report_names_file_line_step_clause_and_differences() {
    let result = run_fixture("same-as.yaml");
    let Verdict::Failed { problem } = &result.verdict else {
        panic!("{:?}", result.verdict)
    };
    let text = render_problem(&result.file, problem, Service::proton().clauses());
    assert!(
        text.contains("error: [CT2] the answer is not the same resource detail"),
        "{text}"
    );
    assert!(
        text.contains("tests/fixtures/failing/same-as.yaml:8:5"),
        "{text}"
    );
    assert!(
        text.contains("in steps › CreateEnvironmentTemplate"),
        "{text}"
    );
    assert!(
        text.contains("$.environmentTemplate.arn: expected \"arn:aws:proton:"),
        "{text}"
    );
    assert!(
        text.contains("$.environmentTemplate.name: expected"),
        "{text}"
    );
    assert!(
        text.contains("-> CreateEnvironmentTemplate {\"name\":"),
        "{text}"
    );
    assert!(text.contains("<- HTTP 200"), "{text}");
}
