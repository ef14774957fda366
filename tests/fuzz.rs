//! The stateful fuzzer against the embedded emulator: it passes the clean emulator and every
//! benign switch, catches every contract switch within a bounded number of cases, and its
//! shrunk counterexample is a scenario that `run` replays: failing with the fault, passing
//! without. `cargo test --test fuzz -- --nocapture` prints cases-to-failure per switch.

use std::sync::Arc;
use std::time::Duration;

use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::endpoint::Embedded;
use proton_conform::endpoint::control::Switch;
use proton_conform::endpoint::proton::{self as emulator, Fault, FaultSet};
use proton_conform::event::Verdict;
use proton_conform::fuzz::{Abilities, FuzzConfig, FuzzReport, fuzz};
use proton_conform::runner::{RunConfig, Target, run_collect};
use proton_conform::scenario;
use proton_conform::service::Service;

/// Contract violations, and the lenient readings the strict profile rejects.
const CAUGHT: &[&str] = &[
    "ignore-client-tokens",
    "case-insensitive-tokens",
    "short-token-expiry",
    "mismatch-ignores-description",
    "no-conflict-after-modification",
    "not-found-on-repeated-delete",
    "conflict-on-delete-in-progress",
    "fresh-resource-on-retry",
    "duplicates-under-concurrency",
    "missing-required-member",
    "untyped-errors",
    "token-kept-after-delete",
    "empty-after-delete",
    "retries-extend-expiry",
    "bare-mismatch",
];
const LENIENT_READINGS: &[&str] = &[
    "empty-after-delete",
    "retries-extend-expiry",
    "bare-mismatch",
];
const BENIGN: &[&str] = &[
    "namespaced-error-type",
    "capitalized-message",
    "extra-members",
    "reordered-members",
    "status-moves-on",
];
/// The bound: every switch must be caught within this many cases of the fixed seed.
const CASES_BOUND: u32 = 512;
const SEED: u64 = 20261130;

fn emulator_with(faults: &[&str]) -> emulator::Config {
    let faults: Vec<Fault> = faults
        .iter()
        .map(|n| Fault::from_name(n).unwrap_or_else(|| panic!("no switch {n}")))
        .collect();
    emulator::Config {
        faults: FaultSet::from_faults(&faults),
        ..emulator::Config::default()
    }
}

fn fuzz_with(faults: &[&str], profile: Profile, cases: u32) -> FuzzReport {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime
        .block_on(fuzz(FuzzConfig {
            service: Arc::new(Service::proton()),
            target: Target::Embedded(Embedded::Proton(emulator_with(faults))),
            profile,
            client: ClientConfig {
                timeout: Duration::from_secs(10),
                ..ClientConfig::default()
            },
            cases,
            seed: SEED,
            max_time: None,
            max_calls: 16,
            abilities: Abilities {
                clock: true,
                environments: true,
            },
            run_id: "fuzztest".into(),
            replay_flags: faults.iter().map(|f| format!("--fault {f}")).collect(),
            on_case: None,
        }))
        .expect("the fuzzer runs")
}

fn replay(text: &str, faults: &[&str], profile: Profile) -> Verdict {
    let scenario = scenario::parse(text, "counterexample.yaml", &Service::proton())
        .unwrap_or_else(|d| panic!("the counterexample does not parse: {d:?}\n{text}"));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let results = runtime
        .block_on(run_collect(
            vec![scenario],
            RunConfig {
                service: Arc::new(Service::proton()),
                target: Target::Embedded(Embedded::Proton(emulator_with(faults))),
                interrupt: None,
                snapshots: None,
                profile,
                client: ClientConfig::default(),
                jobs: 1,
                run_id: "replay".into(),
                driver: None,
            },
        ))
        .unwrap();
    results.into_iter().next().unwrap().verdict
}

#[test]
fn the_clean_emulator_passes_256_cases_under_both_profiles() {
    for profile in [Profile::strict(), Profile::lenient()] {
        let name = profile.name.clone();
        let report = fuzz_with(&[], profile, 256);
        assert!(
            report.counterexample.is_none(),
            "{name}: a false alarm on the clean emulator: {:#?}",
            report.counterexample
        );
        assert_eq!(report.cases, 256, "{name}");
    }
}

#[test]
fn every_contract_switch_is_caught_within_the_bound_and_replays() {
    let mut table = Vec::new();
    for switch in CAUGHT {
        let report = fuzz_with(&[switch], Profile::strict(), CASES_BOUND);
        let found = report.counterexample.unwrap_or_else(|| {
            panic!("{switch}: no counterexample in {CASES_BOUND} cases of seed {SEED}")
        });
        assert!(
            found.reproduced,
            "{switch}: the shrunk case did not fail again; the rerun {} (first failure: {})\n{}",
            found.rerun_verdict, found.message, found.scenario
        );
        assert!(
            found.clause.is_some(),
            "{switch}: the failure names no clause: {}",
            found.message
        );
        // The counterexample is a scenario: it fails with the switch and passes without it.
        assert!(
            matches!(
                replay(&found.scenario, &[switch], Profile::strict()),
                Verdict::Failed { .. }
            ),
            "{switch}: the counterexample did not fail when replayed:\n{}",
            found.scenario
        );
        assert!(
            matches!(
                replay(&found.scenario, &[], Profile::strict()),
                Verdict::Passed
            ),
            "{switch}: the counterexample fails the clean emulator:\n{}",
            found.scenario
        );
        table.push((
            *switch,
            found.found_at_case,
            found.calls.len(),
            found.clause.unwrap_or_default(),
        ));
    }
    println!("| switch | cases to failure (seed {SEED}) | shrunk calls | clause |");
    println!("|---|---|---|---|");
    for (switch, cases, calls, clause) in table {
        println!("| {switch} | {cases} | {calls} | {clause} |");
    }
}

#[test]
fn lenient_readings_pass_the_lenient_profile() {
    for switch in LENIENT_READINGS {
        let report = fuzz_with(&[switch], Profile::lenient(), 128);
        assert!(
            report.counterexample.is_none(),
            "{switch}: the lenient profile rejected a reading it accepts: {:#?}",
            report.counterexample
        );
    }
}

#[test]
fn benign_switches_raise_no_false_alarm() {
    for switch in BENIGN {
        let report = fuzz_with(&[switch], Profile::strict(), 128);
        assert!(
            report.counterexample.is_none(),
            "{switch}: a false alarm: {:#?}",
            report.counterexample
        );
    }
}
