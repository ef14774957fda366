//! `proton-conform fuzz`: generate call sequences, check them against the oracle,
//! save a shrunk counterexample. Exit 0 when none is found, 1 when one is, as `run`.

use std::sync::Arc;

use std::io::Write;
use std::time::Duration;

use proton_conform::client::{Client, ClientConfig};
use proton_conform::contract::Profile;
use proton_conform::fuzz::{self, Abilities, FuzzConfig};
use proton_conform::runner::{Capabilities, Target};
use proton_conform::scenario::Capability;

use super::args::FuzzArgs;
use super::endpoint::{replay_flags, resolve_target, signer_for};
use super::exit::Exit;
use super::run::new_run_id;
use proton_conform::error::Error;
use proton_conform::service::Service;

pub fn fuzz(args: FuzzArgs, service: &Arc<Service>) -> Result<Exit, Error> {
    let args = &args;
    let profile = Profile::load(&args.contract_profile).map_err(|e| Error::input(e.to_string()))?;
    let target = resolve_target(service, &args.endpoint)?;
    let replay_flags = replay_flags(&args.endpoint, &target);
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))?;
    let signer = signer_for(&args.endpoint.connect.signing, &target, &runtime)?;
    let client = ClientConfig {
        timeout: Duration::from_secs(args.request_timeout.max(1)),
        signer,
        ..ClientConfig::default()
    };
    // Clock moves only where the endpoint offers a clock.
    let clock = match &target {
        Target::Embedded(_) => true,
        Target::Endpoint(url) => {
            let probe = Client::new(url, service.model.clone(), client.clone())?;
            let capabilities = runtime.block_on(Capabilities::discover(&probe))?;
            capabilities.has(Capability::Clock)
        }
    };
    let seed = args.seed.unwrap_or_else(|| {
        let id = new_run_id();
        id.bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64))
    });
    eprintln!(
        "fuzzing {} with seed {seed}: up to {} cases of up to {} calls, {} profile{}",
        target.describe(),
        args.cases,
        args.max_calls,
        profile.name,
        if clock {
            ""
        } else {
            " (no clock: no clock moves)"
        },
    );
    let config = FuzzConfig {
        service: service.clone(),
        target,
        profile,
        client,
        cases: args.cases,
        seed,
        max_time: args.max_seconds.map(Duration::from_secs),
        max_calls: args.max_calls,
        abilities: Abilities {
            clock,
            environments: !args.no_environments,
        },
        run_id: new_run_id(),
        replay_flags,
        on_case: Some(Box::new(|case, passed| {
            if !passed {
                eprintln!("\ncase {case} failed; shrinking...");
            } else if case % 16 == 0 {
                eprint!(".");
                let _ = std::io::stderr().flush();
            }
        })),
    };
    let report = runtime.block_on(fuzz::fuzz(config))?;
    eprintln!();
    let Some(found) = report.counterexample else {
        eprintln!(
            "no counterexample in {} case(s) ({:.1} s){}",
            report.cases,
            report.elapsed.as_secs_f64(),
            if report.stopped_by_time {
                ", stopped by --max-seconds"
            } else {
                ""
            }
        );
        return Ok(Exit::Success);
    };
    let path = fuzz::counterexample_path(&args.counterexamples, seed);
    std::fs::create_dir_all(&args.counterexamples)
        .and_then(|()| std::fs::write(&path, &found.scenario))
        .map_err(|e| Error::io(format!("cannot write {}: {e}", path.display())))?;
    eprintln!(
        "counterexample at case {} of seed {seed}, shrunk to {} call(s){}:",
        found.found_at_case,
        found.calls.len(),
        if found.reproduced {
            ", failing again when rerun".to_string()
        } else {
            format!(
                "; rerun once it {}, so the failure is flaky",
                found.rerun_verdict
            )
        }
    );
    if let Some(clause) = &found.clause {
        eprintln!("  broke {clause}: {}", found.message);
    } else {
        eprintln!("  {}", found.message);
    }
    eprintln!(
        "  written to {}; replay it with `{}`",
        path.display(),
        found.replay_command(&path.display().to_string())
    );
    Ok(Exit::Failures)
}
