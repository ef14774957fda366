//! Every scenario under `scenarios/` (but `profiles/` and `sdk/`) as one trial against the
//! embedded emulator, under the strict and the lenient profile: `cargo test -- ct2` filters.

use std::path::PathBuf;
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};
use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::endpoint::Embedded;
use proton_conform::endpoint::proton as emulator;
use proton_conform::event::Verdict;
use proton_conform::report::render_problem;
use proton_conform::runner::{RunConfig, Target, run_collect};
use proton_conform::scenario::files;
use proton_conform::service::Service;
use proton_conform::snapshot::{Mode, SnapshotStore};

fn main() {
    let args = Arguments::from_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let paths = files::discover(&[root]).expect("the scenarios folder is readable");
    assert!(!paths.is_empty(), "no scenario found under scenarios/");
    let mut trials = Vec::new();
    for profile in ["strict", "lenient"] {
        for path in &paths {
            let path = path.clone();
            let name = format!(
                "{profile}::{}",
                path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap_or(&path)
                    .display()
            );
            trials.push(Trial::test(name, move || run_one(&path, profile)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

fn run_one(path: &std::path::Path, profile: &str) -> Result<(), Failed> {
    let scenario = files::load(path, &Service::proton()).map_err(|diagnostics| {
        let text: Vec<String> = diagnostics.iter().map(|d| d.render(None)).collect();
        Failed::from(text.join("\n"))
    })?;
    let config = RunConfig {
        service: Arc::new(Service::proton()),
        interrupt: None,
        // Both profiles see the same answers, so both check the same snapshots.
        snapshots: Some(SnapshotStore {
            dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots"),
            target: "emulator".into(),
            mode: Mode::Check,
            ci: std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false"),
            rules: proton_conform::redact::Rules::load(
                &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots/redactions.yaml"),
            )
            .unwrap(),
            every_step: false,
        }),
        target: Target::Embedded(Embedded::Proton(emulator::Config::default())),
        profile: Profile::load(profile).map_err(|e| e.to_string())?,
        client: ClientConfig::default(),
        jobs: 1,
        run_id: "test".into(),
        driver: None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let results = runtime
        .block_on(run_collect(vec![scenario], config))
        .map_err(|e| e.to_string())?;
    let result = &results[0];
    let mut warnings = result.warnings.join("\n");
    match &result.verdict {
        Verdict::Passed if warnings.is_empty() => Ok(()),
        Verdict::Passed => Err(format!("passed, but teardown left warnings:\n{warnings}").into()),
        Verdict::Failed { problem } | Verdict::Errored { problem } => {
            warnings.insert_str(
                0,
                &render_problem(&result.file, problem, Service::proton().clauses()),
            );
            Err(warnings.into())
        }
        // The embedded emulator offers every capability: nothing may be skipped here.
        Verdict::Skipped { reason } => {
            Err(format!("skipped on the embedded emulator: {reason}").into())
        }
    }
}
