//! The corpus against one shared endpoint, twice: within a run scenarios go eight at a time and
//! clock-moving ones run alone; across runs, run prefixes keep every name and token apart.
//! (Two runs at the same moment cannot coordinate their clock moves: see the README.)

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::endpoint;
use proton_conform::endpoint::proton::{self as emulator, Emulator};
use proton_conform::event::Verdict;
use proton_conform::report::render_problem;
use proton_conform::runner::{RunConfig, Target, run_collect};
use proton_conform::scenario::files;
use proton_conform::service::Service;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runs_share_one_endpoint_without_interfering() {
    let server = endpoint::start(
        Arc::new(Emulator::new(emulator::Config::default())),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let paths = files::discover(&[root]).unwrap();
    let load = || {
        paths
            .iter()
            .map(|p| files::load(p, &Service::proton()).unwrap())
            .collect::<Vec<_>>()
    };
    let config = |run_id: &str| RunConfig {
        service: Arc::new(Service::proton()),
        interrupt: None,
        snapshots: None,
        target: Target::Endpoint(server.url()),
        profile: Profile::strict(),
        client: ClientConfig::default(),
        jobs: 8,
        run_id: run_id.into(),
        driver: None,
    };
    let a = run_collect(load(), config("runa")).await;
    let b = run_collect(load(), config("runb")).await;
    for results in [a.unwrap(), b.unwrap()] {
        assert_eq!(results.len(), paths.len());
        for r in results {
            match &r.verdict {
                Verdict::Passed => assert!(r.warnings.is_empty(), "{}: {:?}", r.file, r.warnings),
                Verdict::Failed { problem } | Verdict::Errored { problem } => {
                    panic!(
                        "{}",
                        render_problem(&r.file, problem, Service::proton().clauses())
                    )
                }
                Verdict::Skipped { reason } => panic!("{} skipped: {reason}", r.file),
            }
        }
    }
}
