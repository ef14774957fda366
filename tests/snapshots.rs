//! Snapshots find regressions: record, match, then a changed answer field is a snapshot failure
//! naming the path, left pending for review; `snapshots accept` makes it the stored one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::endpoint::Embedded;
use proton_conform::endpoint::proton as emulator;
use proton_conform::event::{ScenarioResult, Verdict};
use proton_conform::runner::{RunConfig, Target, run_collect};
use proton_conform::scenario::files;
use proton_conform::service::Service;
use proton_conform::snapshot::{Mode, SnapshotStore, pending_files};

const SCENARIO: &str =
    "scenarios/environment-template-version/ct2-same-token-returns-original.yaml";

fn run(dir: &Path, mode: Mode, config: emulator::Config, run_id: &str) -> ScenarioResult {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut scenario = files::load(&root.join(SCENARIO), &Service::proton()).unwrap();
    scenario.file = SCENARIO.into();
    let config = RunConfig {
        service: Arc::new(Service::proton()),
        interrupt: None,
        target: Target::Embedded(Embedded::Proton(config)),
        snapshots: Some(SnapshotStore {
            dir: dir.to_path_buf(),
            target: "emulator".into(),
            mode,
            ci: false,
            rules: proton_conform::redact::Rules::load(
                &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots/redactions.yaml"),
            )
            .unwrap(),
            every_step: false,
        }),
        profile: Profile::strict(),
        client: ClientConfig::default(),
        jobs: 1,
        run_id: run_id.into(),
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

#[test]
fn a_changed_answer_is_a_snapshot_diff_naming_the_path() {
    let dir = std::env::temp_dir().join(format!("pc-snapshots-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let normal = emulator::Config::default();
    assert!(matches!(
        run(&dir, Mode::Update, normal.clone(), "one").verdict,
        Verdict::Passed
    ));
    // Another run: other prefix, tokens, timestamps; the redacted snapshot still matches.
    assert!(matches!(
        run(&dir, Mode::Check, normal, "two").verdict,
        Verdict::Passed
    ));
    // The emulator changes one answer field (versions register at once): the contract checks
    // allow a status to move on, the snapshot does not.
    let changed = emulator::Config {
        register_seconds: 0,
        ..emulator::Config::default()
    };
    let result = run(&dir, Mode::Check, changed, "three");
    let Verdict::Failed { problem } = &result.verdict else {
        panic!("{:?}", result.verdict)
    };
    assert_eq!(problem.clause.as_deref(), Some("snapshot"));
    assert!(
        problem
            .message
            .contains("$.response.body.environmentTemplateVersion.status"),
        "{}",
        problem.message
    );
    assert!(
        problem.message.contains("pending in"),
        "{}",
        problem.message
    );
    assert_eq!(pending_files(&dir).len(), 1);

    // Review shows the difference; accept makes it the stored snapshot.
    let cli = |action: &str| {
        Command::new(env!("CARGO_BIN_EXE_proton-conform"))
            .args(["snapshots", action, "--dir", dir.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let review = cli("review");
    let text = String::from_utf8_lossy(&review.stdout);
    assert!(text.contains("$.response.body.environmentTemplateVersion.status: expected \"REGISTRATION_IN_PROGRESS\", got \"DRAFT\""), "{text}");
    assert!(cli("accept").status.success());
    assert!(pending_files(&dir).is_empty());
    // The first failure ends a scenario: the next run meets the second snapshot's change.
    let changed = || emulator::Config {
        register_seconds: 0,
        ..emulator::Config::default()
    };
    let next = run(&dir, Mode::Check, changed(), "four");
    let Verdict::Failed { problem } = &next.verdict else {
        panic!("{:?}", next.verdict)
    };
    assert!(
        problem.message.contains("`retry` differs"),
        "{}",
        problem.message
    );
    assert!(cli("accept").status.success());
    assert!(matches!(
        run(&dir, Mode::Check, changed(), "five").verdict,
        Verdict::Passed
    ));
    // Reject drops what is pending.
    run(&dir, Mode::Check, emulator::Config::default(), "six");
    assert_eq!(pending_files(&dir).len(), 1);
    assert!(cli("reject").status.success());
    assert!(pending_files(&dir).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn housekeeping_takes_filters_and_paths_and_dry_runs_change_nothing() {
    use proton_conform::snapshot::{SnapFile, render_snap};
    let dir = std::env::temp_dir().join(format!("pc-housekeeping-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, source: &str, step: &str| {
        let snap = SnapFile {
            source: source.into(),
            expression: step.into(),
            body: serde_json::json!({}),
        };
        std::fs::write(dir.join(name), render_snap(&snap)).unwrap();
    };
    // A step the corpus no longer has; a scenario outside `scenarios/`; a real one.
    write(
        "gone.snap",
        "scenarios/environment-template/id1-repeated-delete-returns-metadata.yaml",
        "no-such-step",
    );
    write("outside.snap", "tests/fixtures/elsewhere.yaml", "first");
    write(
        "kept.snap",
        "scenarios/environment-template/id1-repeated-delete-returns-metadata.yaml",
        "delete",
    );
    write("a.snap.new", "scenarios/environment/a.yaml", "x");
    write("b.snap.new", "scenarios/service/b.yaml", "x");
    let cli = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_proton-conform"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("snapshots")
            .args(args)
            .args(["--dir", dir.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let exists = |name: &str| dir.join(name).exists();
    let said = cli(&["prune", "--dry-run"]);
    assert!(
        said.contains("would remove") && said.contains("gone.snap"),
        "{said}"
    );
    assert!(exists("gone.snap"), "a dry run deleted");
    cli(&["prune"]);
    assert!(!exists("gone.snap"));
    assert!(
        exists("outside.snap"),
        "a scenario outside the pruned paths lost its snapshot"
    );
    assert!(exists("kept.snap"));
    // Accept and reject act on the pending snapshots their filters select.
    cli(&["accept", "environment/", "--dry-run"]);
    assert!(exists("a.snap.new"));
    cli(&["accept", "environment/"]);
    assert!(exists("a.snap") && !exists("a.snap.new"));
    assert!(
        exists("b.snap.new"),
        "accept took a snapshot its filter leaves out"
    );
    cli(&["reject", "no-match"]);
    assert!(exists("b.snap.new"));
    cli(&["reject", "service/b"]);
    assert!(!exists("b.snap.new"));
    let _ = std::fs::remove_dir_all(&dir);
}
