//! Verdicts and snapshots do not depend on chance. The whole corpus runs several times on the
//! embedded emulator at `--jobs 1` and `--jobs 8`, and against `serve` (a separate process,
//! shared by every scenario): every run passes, every stored snapshot matches, and every
//! step's redacted exchange is the same in every run. `diff` of two emulators prints nothing.
//! Run it under load (another `cargo build` beside it) to see that it holds there too.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::endpoint::Embedded;
use proton_conform::endpoint::proton as emulator;
use proton_conform::event::Verdict;
use proton_conform::redact::Rules;
use proton_conform::report::render_problem;
use proton_conform::runner::{RunConfig, Target, run_collect};
use proton_conform::scenario::files;
use proton_conform::service::Service;
use proton_conform::snapshot::{
    Mode, SnapshotStore, compare_recordings, matches_up_to_renaming, parse_snap,
};

const BIN: &str = env!("CARGO_BIN_EXE_proton-conform");
const RUN_ID: &str = "determinism";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `serve` on a free loopback port, stopped when dropped.
struct Served(Child, String);

impl Served {
    fn start(extra: &[&str]) -> Served {
        let mut child = Command::new(BIN)
            // The embedded emulator's clock moves only when told; so does this one's, so that
            // a loaded machine's pauses between two steps show in neither.
            .args(["serve", "--port", "0", "--manual-clock"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("serve prints its URL");
        Served(child, line.trim().to_string())
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the corpus, recording every step's redacted exchange as `target` under `dir`; returns
/// each scenario's verdict in a form that can be compared across runs.
fn record(target: Target, jobs: usize, dir: &Path, tag: &str) -> BTreeMap<String, String> {
    let paths = files::discover(&[root().join("scenarios")]).unwrap();
    let scenarios = paths
        .iter()
        .map(|p| files::load(p, &Service::proton()).unwrap())
        .collect();
    let config = RunConfig {
        service: Arc::new(Service::proton()),
        interrupt: None,
        snapshots: Some(SnapshotStore {
            dir: dir.to_path_buf(),
            target: tag.into(),
            mode: Mode::Update,
            ci: false,
            rules: Rules::load(&root().join("snapshots/redactions.yaml")).unwrap(),
            every_step: true,
        }),
        target,
        profile: Profile::strict(),
        client: ClientConfig::default(),
        jobs,
        run_id: RUN_ID.into(),
        driver: None,
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let results = runtime.block_on(run_collect(scenarios, config)).unwrap();
    assert_eq!(results.len(), paths.len());
    results
        .into_iter()
        .map(|r| {
            let verdict = match &r.verdict {
                Verdict::Passed => "passed".to_string(),
                Verdict::Failed { problem } | Verdict::Errored { problem } => {
                    panic!(
                        "{tag}: {}",
                        render_problem(&r.file, problem, Service::proton().clauses())
                    )
                }
                Verdict::Skipped { reason } => format!("skipped: {reason}"),
            };
            assert!(r.warnings.is_empty(), "{tag}: {}: {:?}", r.file, r.warnings);
            (r.file, verdict)
        })
        .collect()
}

/// Every stored snapshot matches the same step recorded as `tag`.
fn stored_snapshots_match(dir: &Path, tag: &str) {
    let stored_dir = root().join("snapshots");
    let mut stack = vec![stored_dir.clone()];
    let mut checked = 0;
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Some(name) = path.to_str().and_then(|p| p.strip_suffix("@emulator.snap")) else {
                continue;
            };
            let relative = name.strip_prefix(stored_dir.to_str().unwrap()).unwrap();
            let recorded = dir.join(format!("{}@{tag}.snap", relative.trim_start_matches('/')));
            let read = |p: &Path| parse_snap(&std::fs::read_to_string(p).unwrap()).unwrap();
            let differences = matches_up_to_renaming(&read(&path).body, &read(&recorded).body);
            assert!(
                differences.is_empty(),
                "{tag}: {} differs from the stored snapshot: {differences:?}",
                recorded.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 7, "only {checked} stored snapshots found");
}

#[test]
fn the_corpus_gives_the_same_verdicts_and_recordings_every_time() {
    let dir = std::env::temp_dir().join(format!("pc-determinism-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let embedded = || Target::Embedded(Embedded::Proton(emulator::Config::default()));
    let mut runs = Vec::new();
    for round in 1..=3 {
        for jobs in [1, 8] {
            let tag = format!("jobs{jobs}-round{round}");
            runs.push((tag.clone(), record(embedded(), jobs, &dir, &tag)));
        }
    }
    let served = Served::start(&[]);
    runs.push((
        "serve".into(),
        record(Target::Endpoint(served.1.clone()), 8, &dir, "serve"),
    ));
    drop(served);
    let (first_tag, first_verdicts) = &runs[0];
    for (tag, verdicts) in &runs {
        assert_eq!(
            verdicts, first_verdicts,
            "{tag} and {first_tag} differ in verdicts"
        );
        stored_snapshots_match(&dir, tag);
        let differences = compare_recordings(&dir, first_tag, tag);
        assert!(
            differences.is_empty(),
            "{tag} and {first_tag} recorded different exchanges:\n{}",
            differences.join("\n")
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn diff(endpoint_b: &str, out: &Path) -> std::process::Output {
    Command::new(BIN)
        .current_dir(root())
        .args([
            "diff",
            "--endpoint",
            "embedded",
            "--endpoint",
            endpoint_b,
            "--out",
        ])
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn diff_of_two_emulators_prints_no_difference_and_a_fault_shows_only_its_members() {
    let out = std::env::temp_dir().join(format!("pc-diff-{}", std::process::id()));
    let clean = Served::start(&[]);
    let same = diff(&clean.1, &out);
    let stdout = String::from_utf8_lossy(&same.stdout);
    assert!(
        same.status.success() && stdout.trim().is_empty(),
        "{}\n{stdout}\n{}",
        same.status,
        String::from_utf8_lossy(&same.stderr)
    );
    drop(clean);
    // An endpoint that adds a member to every answer: each difference names that member.
    let extra = Served::start(&["--fault", "extra-members"]);
    let changed = diff(&extra.1, &out);
    let stdout = String::from_utf8_lossy(&changed.stdout);
    assert_eq!(changed.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.len() > 50, "{stdout}");
    for line in &lines {
        assert!(
            line.contains(".conformExtra: expected (absent), got"),
            "a difference that is not the added member: {line}"
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}
