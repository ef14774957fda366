//! The search: cases generated and run through the runner, a failure shrunk, rerun once and
//! rendered as a scenario.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use super::config::{Counterexample, FuzzConfig, FuzzReport};
use super::{machine, render};
use crate::contract::oracle::{Call, Oracle};
use crate::error::Error;
use crate::event::Verdict;
use crate::runner::{self, RunConfig};
use crate::scenario;

/// One case's failure, as the runner saw it.
#[derive(Debug, Clone)]
struct Failure {
    clause: Option<String>,
    message: String,
}

impl Failure {
    fn describe(&self) -> String {
        match &self.clause {
            Some(c) => format!("[{c}] {}", one_line(&self.message)),
            None => one_line(&self.message),
        }
    }
}

struct Shared {
    config: FuzzConfig,
    handle: tokio::runtime::Handle,
    executions: AtomicU32,
    generated: AtomicU32,
    first_failure: Mutex<Option<u32>>,
    started: Instant,
    out_of_time: std::sync::atomic::AtomicBool,
    /// The harness could not run a case at all: the search stops with this error.
    internal: Mutex<Option<Error>>,
}

/// Runs the fuzzer. Must be called from within a multi-threaded tokio runtime.
pub async fn fuzz(config: FuzzConfig) -> Result<FuzzReport, Error> {
    if config.service.pack.fuzz.is_none() {
        return Err(Error::internal(format!(
            "the {} pack does not say how to write fuzz cases (no `fuzz:` section)",
            config.service.name()
        )));
    }
    let shared = Arc::new(Shared {
        config,
        handle: tokio::runtime::Handle::current(),
        executions: AtomicU32::new(0),
        generated: AtomicU32::new(0),
        first_failure: Mutex::new(None),
        started: Instant::now(),
        out_of_time: Default::default(),
        internal: Mutex::new(None),
    });
    let worker = shared.clone();
    tokio::task::spawn_blocking(move || search(&worker))
        .await
        .map_err(|e| Error::internal(format!("internal error: the fuzzer stopped: {e}")))?
}

fn search(shared: &Shared) -> Result<FuzzReport, Error> {
    let config = &shared.config;
    let strategy = machine::sequences(
        config.profile.clone(),
        config.abilities.clone(),
        config.max_calls,
    );
    let mut seed = [0u8; 32];
    for chunk in seed.chunks_mut(8) {
        chunk.copy_from_slice(&config.seed.to_le_bytes());
    }
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let runner_config = Config {
        cases: config.cases,
        failure_persistence: None,
        max_shrink_iters: 512,
        // The only rejection is the time budget running out: the first one ends the search.
        max_global_rejects: 1,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(runner_config, rng);
    let outcome = runner.run(&strategy, |(initial, calls, seen)| {
        if shared.internal.lock().map(|i| i.is_some()).unwrap_or(true) {
            return Ok(());
        }
        let shrinking = shared
            .first_failure
            .lock()
            .map(|f| f.is_some())
            .unwrap_or(true);
        if !shrinking {
            if config
                .max_time
                .is_some_and(|t| shared.started.elapsed() > t)
            {
                shared.out_of_time.store(true, Ordering::SeqCst);
                return Err(TestCaseError::reject("out of time"));
            }
            shared.generated.fetch_add(1, Ordering::SeqCst);
        }
        if let Some(seen) = seen {
            seen.store(calls.len(), Ordering::SeqCst);
        }
        let result = execute(shared, &initial.model, &calls);
        if let Some(on_case) = &config.on_case
            && !shrinking
        {
            on_case(shared.generated.load(Ordering::SeqCst), result.is_ok());
        }
        match result {
            Ok(()) => Ok(()),
            Err(Ok(failure)) => {
                let mut first = shared
                    .first_failure
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                first.get_or_insert(shared.generated.load(Ordering::SeqCst));
                Err(TestCaseError::fail(format!(
                    "{}{}",
                    failure
                        .clause
                        .map(|c| format!("[{c}] "))
                        .unwrap_or_default(),
                    failure.message
                )))
            }
            // The harness itself failed: stop rather than shrink.
            Err(Err(internal)) => {
                let message = internal.message.clone();
                if let Ok(mut slot) = shared.internal.lock() {
                    slot.get_or_insert(internal);
                }
                Err(TestCaseError::fail(message))
            }
        }
    });
    if let Some(internal) = shared.internal.lock().ok().and_then(|mut i| i.take()) {
        return Err(internal);
    }
    let cases = shared.generated.load(Ordering::SeqCst);
    let elapsed = shared.started.elapsed();
    let stopped_by_time = shared.out_of_time.load(Ordering::SeqCst);
    match outcome {
        Ok(()) => Ok(FuzzReport {
            cases,
            elapsed,
            stopped_by_time,
            counterexample: None,
        }),
        Err(TestError::Abort(reason)) if stopped_by_time || reason.message().contains("reject") => {
            Ok(FuzzReport {
                cases,
                elapsed,
                stopped_by_time: true,
                counterexample: None,
            })
        }
        Err(TestError::Abort(reason)) => {
            Err(Error::internal(format!("the fuzzer stopped: {reason}")))
        }
        Err(TestError::Fail(_, (initial, calls, _))) => {
            // Rerun the shrunk case once: a failure that does not come back is flaky.
            let rerun = execute(shared, &initial.model, &calls);
            let (reproduced, rerun_verdict, failure) = match rerun {
                Err(Ok(f)) => (true, format!("failed: {}", f.describe()), f),
                Ok(()) => (
                    false,
                    "passed".to_string(),
                    Failure {
                        clause: None,
                        message: "the shrunk case passed when rerun: the failure is flaky".into(),
                    },
                ),
                Err(Err(e)) => return Err(e),
            };
            let found_at_case = shared
                .first_failure
                .lock()
                .ok()
                .and_then(|f| *f)
                .unwrap_or(cases);
            let replay_args =
                std::iter::once(format!("--contract-profile {}", config.profile.name))
                    .chain(config.replay_flags.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(" ");
            let header = format!(
                "A counterexample found by `proton-conform fuzz --seed {} {replay_args}`\n(case {found_at_case}, shrunk to {} calls): {}\nReplay: proton-conform run <this file> {replay_args}",
                config.seed,
                calls.len(),
                one_line(&failure.message),
            );
            let scenario = render_case(
                config,
                &initial.model,
                &calls,
                &format!(
                    "fuzz counterexample (seed {}, case {found_at_case})",
                    config.seed
                ),
                &header,
            );
            Ok(FuzzReport {
                cases,
                elapsed,
                stopped_by_time,
                counterexample: Some(Counterexample {
                    found_at_case,
                    calls,
                    scenario,
                    clause: failure.clause,
                    message: failure.message,
                    reproduced,
                    rerun_verdict,
                    replay_args,
                }),
            })
        }
    }
}

fn one_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(160)
        .collect()
}

/// Runs one sequence as a scenario. `Err(Ok)`: the endpoint failed it; `Err(Err)`: the harness
/// could not run it at all.
fn execute(
    shared: &Shared,
    initial: &Oracle,
    calls: &[Call],
) -> Result<(), Result<Failure, Error>> {
    let config = &shared.config;
    // A fresh file name per execution gives fresh names and tokens, so reruns during shrinking
    // never meet an earlier run's resources on a shared endpoint.
    let n = shared.executions.fetch_add(1, Ordering::SeqCst);
    let file = format!("fuzz/seed-{}/execution-{n}.yaml", config.seed);
    let text = render_case(config, initial, calls, &format!("fuzz execution {n}"), "");
    let scenario = scenario::parse(&text, &file, &config.service).map_err(|diagnostics| {
        let first = diagnostics
            .first()
            .map(|d| d.message.clone())
            .unwrap_or_default();
        Err(Error::internal(format!(
            "internal error: a generated scenario does not parse ({first}):\n{text}"
        )))
    })?;
    let run = RunConfig {
        service: config.service.clone(),
        target: config.target.clone(),
        interrupt: None,
        snapshots: None,
        profile: config.profile.clone(),
        client: config.client.clone(),
        jobs: 1,
        run_id: config.run_id.clone(),
        driver: None,
    };
    let results = shared
        .handle
        .block_on(runner::run_collect(vec![scenario], run))
        .map_err(Err)?;
    let Some(result) = results.into_iter().next() else {
        return Err(Err(Error::internal(
            "internal error: the case produced no result",
        )));
    };
    match result.verdict {
        Verdict::Passed => Ok(()),
        Verdict::Failed { problem } | Verdict::Errored { problem } => Err(Ok(Failure {
            clause: problem.clause.clone(),
            message: format!("step `{}`: {}", problem.step, problem.message),
        })),
        Verdict::Skipped { reason } => Err(Ok(Failure {
            clause: None,
            message: format!("skipped: {reason}"),
        })),
    }
}

/// Where a counterexample is saved: `dir/seed-S.yaml`.
/// A case as scenario text, in the words of the service's pack (checked present up front).
fn render_case(
    config: &FuzzConfig,
    initial: &Oracle,
    calls: &[Call],
    name: &str,
    header: &str,
) -> String {
    let Some(pack) = config.service.pack.fuzz.as_ref() else {
        return String::new();
    };
    let model = &config.service.model;
    let token_member = model
        .idempotency_token_member(&pack.token_create.operation)
        .unwrap_or_default();
    render::render(pack, token_member, initial, calls, name, header)
}

pub fn counterexample_path(dir: &std::path::Path, seed: u64) -> PathBuf {
    dir.join(format!("seed-{seed}.yaml"))
}
