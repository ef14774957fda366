//! Services with no pack, judged from the model alone: what each token operation needs is
//! inferred (the maker of what it acts on, the producer of an identifier it names, the undoer
//! of what it makes), and an immediate retry must have no second effect. On the generic
//! reference every scenario so generated passes, and every CT2 scenario fails, naming CT2,
//! under a switch that makes a retry's second effect (performed again and answered as the
//! first, or answered anew). The services are botocore's, so botocore must be installed.

mod common;

use std::sync::Arc;

use proton_conform::endpoint::generic::Fault;
use proton_conform::event::Verdict;
use proton_conform::generate::generate;
use proton_conform::scenario::{Scenario, parse};
use proton_conform::service::{Service, resolve};

/// Services whose setup takes inference of each kind: a namespace for a service and an
/// instance (Cloud Map), a query and a workgroup's (Athena), an analyzer and its rules (IAM
/// Access Analyzer), a mesh and what lives in it (App Mesh), plans and selections (Backup), an
/// index made with a role no operation of the service makes (Kendra).
const SERVICES: &[&str] = &[
    "servicediscovery",
    "athena",
    "accessanalyzer",
    "appmesh",
    "backup",
    "kendra",
];

fn run(
    service: &Arc<Service>,
    scenarios: Vec<Scenario>,
    faults: Vec<Fault>,
) -> Vec<(String, Verdict)> {
    common::on_generic_reference(service, scenarios, faults, "inferred")
        .into_iter()
        .map(|r| (r.file, r.verdict))
        .collect()
}

#[test]
fn a_service_with_no_pack_is_judged_from_its_model_and_each_retry_check_can_fail() {
    if !common::available(
        "botocore (pip install boto3)",
        "python3",
        &["-c", "import botocore"],
    ) {
        return;
    }
    let mut ct2 = 0;
    for name in SERVICES {
        let service = Arc::new(resolve(name, None, None).unwrap());
        assert!(!service.pack.documented, "{name} has a pack: pick another");
        let (files, _) = generate(&service);
        let scenarios: Vec<Scenario> = files
            .iter()
            .map(|f| parse(&f.text, &f.file, &service).unwrap())
            .collect();
        assert!(!scenarios.is_empty(), "{name}: nothing generated");
        for (file, verdict) in run(&service, scenarios.clone(), Vec::new()) {
            assert!(
                matches!(verdict, Verdict::Passed),
                "{name}: {file}: {verdict:?}"
            );
        }
        let retries: Vec<Scenario> = scenarios
            .into_iter()
            .filter(|s| s.contract.iter().any(|c| c == "CT2"))
            .collect();
        ct2 += retries.len();
        let mut caught = std::collections::BTreeSet::new();
        for fault in [Fault::RetryAppliedTwice, Fault::FreshAnswerOnRetry] {
            for (file, verdict) in run(&service, retries.clone(), vec![fault]) {
                match verdict {
                    Verdict::Passed => {}
                    Verdict::Failed { problem } => {
                        assert_eq!(problem.clause.as_deref(), Some("CT2"), "{name}: {file}");
                        caught.insert(file);
                    }
                    other => panic!("{name}: {file} under {fault:?}: {other:?}"),
                }
            }
        }
        let blind: Vec<&String> = retries
            .iter()
            .map(|s| &s.file)
            .filter(|f| !caught.contains(*f))
            .collect();
        assert!(blind.is_empty(), "{name}: no retry switch fails {blind:?}");
    }
    assert!(ct2 >= 20, "only {ct2} CT2 scenarios: inference regressed");
}
