//! The scenarios generated from each pack are committed under `generated/<service>/`, fresh;
//! every one passes on the generic reference, and every one fails, naming its clause, on the
//! reference switch that breaks that clause (and only those fail). A verdict on a foreign
//! endpoint is only as good as this proof.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use proton_conform::endpoint::generic::{FAULTS, Fault};
use proton_conform::event::Verdict;
use proton_conform::generate::generate;
use proton_conform::scenario::{Scenario, parse};
use proton_conform::service::{BUNDLED, Service};

/// The packs other than Proton's (whose corpus and emulator have their own tests).
fn packs() -> Vec<Arc<Service>> {
    BUNDLED
        .iter()
        .filter(|b| b.name != "proton")
        .map(|b| Arc::new(Service::bundled(b.name).unwrap()))
        .collect()
}

#[test]
fn the_committed_generated_scenarios_are_fresh() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("generated");
    for service in packs() {
        let dir = root.join(service.name());
        let (files, _) = generate(&service);
        let mut expected: Vec<String> = files.iter().map(|f| f.file.clone()).collect();
        for file in &files {
            let committed = std::fs::read_to_string(dir.join(&file.file)).unwrap_or_default();
            assert_eq!(
                committed,
                file.text,
                "generated/{}/{} is stale: run `cargo run -- --service {} generate`",
                service.name(),
                file.file,
                service.name()
            );
        }
        let mut present: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        present.sort();
        expected.sort();
        assert_eq!(
            present,
            expected,
            "generated/{} holds other files",
            service.name()
        );
    }
}

fn run(
    service: &Arc<Service>,
    scenarios: Vec<Scenario>,
    faults: Vec<Fault>,
) -> Vec<(String, Vec<String>, Verdict)> {
    common::on_generic_reference(service, scenarios, faults, "generated")
        .into_iter()
        .map(|r| (r.file, r.contract, r.verdict))
        .collect()
}

#[test]
fn every_generated_scenario_passes_on_the_reference_and_fails_on_its_switch() {
    // G2 and G3 switches are caught where some answer can show them (an answer with a required
    // member, an error): in some pack, not necessarily in each.
    let mut general_caught: std::collections::BTreeMap<&str, usize> = Default::default();
    for service in packs() {
        let (files, _) = generate(&service);
        let scenarios: Vec<Scenario> = files
            .iter()
            .map(|f| parse(&f.text, &f.file, &service).unwrap())
            .collect();
        // A pack whose documentation decides nothing (EKS) generates nothing to prove.
        if scenarios.is_empty() {
            continue;
        }
        for (file, _, verdict) in run(&service, scenarios.clone(), Vec::new()) {
            assert!(
                matches!(verdict, Verdict::Passed),
                "{}: {file} on the reference: {verdict:?}",
                service.name()
            );
        }
        for (fault, name, _) in FAULTS {
            let clause = &fault.clause();
            let results = run(&service, scenarios.clone(), vec![*fault]);
            // G2 and G3 are checked on every answer: some scenario must fail on the switch,
            // naming the clause, and none on anything else.
            if clause.starts_with('G') {
                let mut caught = 0;
                for (file, _, verdict) in &results {
                    match verdict {
                        Verdict::Passed => {}
                        Verdict::Failed { problem }
                            if problem.clause.as_deref() == Some(*clause) =>
                        {
                            caught += 1
                        }
                        other => panic!("{}: {file} under {name}: {other:?}", service.name()),
                    }
                }
                *general_caught.entry(*name).or_insert(0) += caught;
                continue;
            }
            // A retry performed again while answered as the first shows only through the
            // service's reads: the CT2 scenarios that read its effects catch it, on every pack
            // that has one; those that cannot read them pass, their blind spot named here.
            let reads_effects = |file: &str| {
                files
                    .iter()
                    .any(|f| file.ends_with(&f.file) && f.text.contains("seen_after_first"))
            };
            if *fault == Fault::RetryAppliedTwice {
                assert!(
                    files.iter().any(|f| f.text.contains("seen_after_first")),
                    "{}: no CT2 scenario reads the effects of a retry",
                    service.name()
                );
            }
            for (file, contract, verdict) in results {
                // Just inside the window a changed request must still be refused: an endpoint
                // that accepts a mismatch breaks that (CT4) too.
                let inside = file.ends_with("-ct4-inside.yaml");
                let (clause, checks_clause) = if inside && *fault == Fault::MismatchAccepted {
                    (&"CT4", true)
                } else {
                    let reads = *fault != Fault::RetryAppliedTwice || reads_effects(&file);
                    // Each side of the window has its own switch: one too short, one never
                    // ending.
                    let case = file.ends_with("-ct1-case.yaml");
                    let side = match fault {
                        Fault::ShortWindow => inside,
                        Fault::TokensNeverExpire => !inside,
                        Fault::CaseInsensitiveTokens => case,
                        Fault::TokensUnchecked => !case,
                        _ => true,
                    };
                    (
                        clause,
                        contract.iter().any(|c| c == clause) && reads && side,
                    )
                };
                match (&verdict, checks_clause) {
                    (Verdict::Failed { problem }, true) => assert_eq!(
                        problem.clause.as_deref(),
                        Some(*clause),
                        "{}: {file} under {name}",
                        service.name()
                    ),
                    (Verdict::Passed, false) => {}
                    (other, _) => panic!("{}: {file} under {name}: {other:?}", service.name()),
                }
            }
        }
    }
    for (fault, name, _) in FAULTS
        .iter()
        .filter(|(f, _, _)| f.clause().starts_with('G'))
    {
        let clause = fault.clause();
        assert!(
            general_caught.get(name).is_some_and(|n| *n > 0),
            "no generated scenario caught {name} ({clause})"
        );
    }
}
