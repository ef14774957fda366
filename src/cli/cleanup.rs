//! `proton-conform cleanup`: the command line of `proton_conform::cleanup`.

use std::sync::Arc;

use proton_conform::cleanup::{self, Matcher};
use proton_conform::client::{Client, ClientConfig};
use proton_conform::runner::Target;
use proton_conform::scenario::parse_duration;
use proton_conform::service::Service;

use super::args::CleanupArgs;
use super::endpoint::{resolve_endpoint, signer_for};
use super::exit::{self, Exit};
use proton_conform::error::Error;

pub fn cleanup(args: CleanupArgs, service: &Arc<Service>) -> Exit {
    let target = match resolve_endpoint(service, &args.connect) {
        Ok(target) => target,
        Err(e) => return exit::report(&e),
    };
    let Target::Endpoint(url) = &target else {
        eprintln!(
            "error: cleanup needs an endpoint (--endpoint or {}): the embedded emulator keeps nothing",
            service.model.metadata.endpoint_variable()
        );
        return Exit::BadInput;
    };
    let matcher = match (&args.run_id, &args.older_than) {
        (Some(id), None) => Matcher::run(id),
        (None, Some(age)) => match parse_duration(age) {
            Ok(seconds) => Matcher::Older(seconds as f64),
            Err(e) => {
                eprintln!("error: --older-than {age:?}: {e}");
                return Exit::BadInput;
            }
        },
        _ => {
            eprintln!("error: give --run-id ID or --older-than DURATION");
            return Exit::BadInput;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::CouldNotRun;
        }
    };
    let signer = match signer_for(&args.connect.signing, &target, &runtime) {
        Ok(s) => s,
        Err(e) => {
            return exit::report(&Error::new(
                e.kind,
                format!("cleanup cannot take place: {e}"),
            ));
        }
    };
    let config = ClientConfig {
        signer,
        ..ClientConfig::default()
    };
    let client = match Client::new(url, service.model.clone(), config) {
        Ok(c) => c,
        Err(e) => return exit::report(&e),
    };
    let mut log = |line: String| eprintln!("{line}");
    let swept = cleanup::sweep(&client, service, &matcher, args.dry_run, &mut log);
    match runtime.block_on(swept) {
        Ok(sweep) => {
            let verb = if args.dry_run {
                "would delete"
            } else {
                "deleted"
            };
            eprintln!(
                "{verb} {} resource(s); {} without a matching run prefix left untouched",
                sweep.deleted, sweep.kept
            );
            Exit::Success
        }
        Err(e) => exit::report(&e),
    }
}
