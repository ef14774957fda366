//! Every fault switch of the emulator is caught by the corpus, and the failure names the
//! violated clause; the lenient-reading switches fail the strict profile on the right clause
//! and pass the lenient one. A switch no scenario catches fails this test.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::endpoint::Embedded;
use proton_conform::endpoint::control::Switch;
use proton_conform::endpoint::proton::{self as emulator, Fault, FaultSet};
use proton_conform::event::{ScenarioResult, Verdict};
use proton_conform::runner::{RunConfig, Target, run_collect};
use proton_conform::scenario::files;
use proton_conform::service::Service;

/// (switch, clauses the strict corpus must report, whether the lenient profile accepts it)
const TABLE: &[(&str, &[&str], bool)] = &[
    ("ignore-client-tokens", &["CT2"], false),
    ("case-insensitive-tokens", &["CT1"], false),
    ("short-token-expiry", &["CT4"], false),
    ("mismatch-ignores-description", &["CT3", "IC3"], false),
    ("no-conflict-after-modification", &["IC2"], false),
    (
        "not-found-on-repeated-delete",
        &["ID1", "ID2", "AD2"],
        false,
    ),
    ("conflict-on-delete-in-progress", &["AD1"], false),
    ("fresh-resource-on-retry", &["CT2", "IC1"], false),
    ("duplicates-under-concurrency", &["CT2"], false),
    ("missing-required-member", &["G2"], false),
    ("untyped-errors", &["G3"], false),
    ("token-kept-after-delete", &["CT5"], false),
    ("empty-after-delete", &["ID1"], true),
    ("retries-extend-expiry", &["CT4"], true),
    ("bare-mismatch", &["CT3", "IC3"], true),
];

/// Valid variations of the protocol and the contract: a faithful endpoint may show any of them,
/// so nothing may fail under them (no false alarms).
const BENIGN: &[&str] = &[
    "namespaced-error-type",
    "capitalized-message",
    "extra-members",
    "reordered-members",
    "status-moves-on",
];

fn corpus() -> Vec<proton_conform::scenario::Scenario> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    files::discover(&[root])
        .unwrap()
        .iter()
        .map(|p| files::load(p, &Service::proton()).unwrap())
        .collect()
}

fn run(switch: &str, profile: Profile) -> Vec<ScenarioResult> {
    let fault = Fault::from_name(switch).unwrap_or_else(|| panic!("no switch {switch}"));
    let config = RunConfig {
        service: Arc::new(Service::proton()),
        interrupt: None,
        snapshots: None,
        target: Target::Embedded(Embedded::Proton(emulator::Config {
            faults: FaultSet::from_faults(&[fault]),
            ..emulator::Config::default()
        })),
        profile,
        client: ClientConfig::default(),
        jobs: 8,
        run_id: "faults".into(),
        driver: None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run_collect(corpus(), config)).unwrap()
}

fn failed_clauses(results: &[ScenarioResult]) -> BTreeSet<String> {
    results
        .iter()
        .filter_map(|r| match &r.verdict {
            Verdict::Failed { problem } => problem.clause.clone(),
            _ => None,
        })
        .collect()
}

#[test]
fn the_table_lists_every_switch() {
    let listed: BTreeSet<&str> = TABLE
        .iter()
        .map(|(s, _, _)| *s)
        .chain(BENIGN.iter().copied())
        .collect();
    let all: BTreeSet<&str> = emulator::FAULTS.iter().map(|(_, name, _)| *name).collect();
    assert_eq!(listed, all);
}

#[test]
fn every_switch_is_caught_and_named() {
    let mut report = Vec::new();
    for (switch, clauses, _) in TABLE {
        let results = run(switch, Profile::strict());
        let found = failed_clauses(&results);
        let missing: Vec<&&str> = clauses.iter().filter(|c| !found.contains(**c)).collect();
        let caught = results
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::Failed { .. }))
            .count();
        report.push(format!(
            "{switch}: {caught} scenario(s) fail, clauses {found:?}"
        ));
        assert!(
            missing.is_empty(),
            "{switch}: expected failures naming {clauses:?}, got {found:?}\n{}",
            report.join("\n")
        );
    }
    println!("{}", report.join("\n"));
}

#[test]
fn lenient_readings_pass_the_lenient_profile() {
    for (switch, _, lenient_ok) in TABLE.iter().filter(|(_, _, l)| *l) {
        assert!(lenient_ok);
        let results = run(switch, Profile::lenient());
        let bad: Vec<String> = results
            .iter()
            .filter(|r| !matches!(r.verdict, Verdict::Passed))
            .map(|r| format!("{}: {:?}", r.file, r.verdict))
            .collect();
        assert!(
            bad.is_empty(),
            "{switch} under lenient:\n{}",
            bad.join("\n")
        );
    }
}

#[test]
fn benign_switches_raise_no_false_alarm() {
    for switch in BENIGN {
        for profile in [Profile::strict(), Profile::lenient()] {
            let name = profile.name.clone();
            let bad: Vec<String> = run(switch, profile)
                .iter()
                .filter(|r| !matches!(r.verdict, Verdict::Passed) || !r.warnings.is_empty())
                .map(|r| format!("{}: {:?} {:?}", r.file, r.verdict, r.warnings))
                .collect();
            assert!(bad.is_empty(), "{switch} under {name}:\n{}", bad.join("\n"));
        }
    }
}
