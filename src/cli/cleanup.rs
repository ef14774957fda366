//! `proton-conform cleanup`: the command line of `proton_conform::cleanup`.

use std::sync::Arc;

use proton_conform::cleanup::{self, Matcher};
use proton_conform::client::{Client, ClientConfig};
use proton_conform::error::Error;
use proton_conform::runner::Target;
use proton_conform::scenario::parse_duration;
use proton_conform::service::Service;

use super::args::CleanupArgs;
use super::endpoint::{resolve_endpoint, signer_for};
use super::exit::Exit;

pub fn cleanup(args: CleanupArgs, service: &Arc<Service>) -> Result<Exit, Error> {
    let target = resolve_endpoint(service, &args.connect)?;
    let Target::Endpoint(url) = &target else {
        return Err(Error::input(format!(
            "cleanup needs an endpoint (--endpoint or {}): the embedded emulator keeps nothing",
            service.model.metadata.endpoint_variable()
        )));
    };
    let matcher = match (&args.run_id, &args.older_than) {
        (Some(id), None) => Matcher::run(id),
        (None, Some(age)) => {
            let seconds =
                parse_duration(age).map_err(|e| e.context(format_args!("--older-than {age:?}")))?;
            Matcher::Older(seconds as f64)
        }
        _ => return Err(Error::input("give --run-id ID or --older-than DURATION")),
    };
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))?;
    let signer = signer_for(&args.connect.signing, &target, &runtime)
        .map_err(|e| e.context("cleanup cannot take place"))?;
    let config = ClientConfig {
        signer,
        ..ClientConfig::default()
    };
    let client = Client::new(url, service.model.clone(), config)?;
    let mut log = |line: String| eprintln!("{line}");
    let sweep = runtime.block_on(cleanup::sweep(
        &client,
        service,
        &matcher,
        args.dry_run,
        &mut log,
    ))?;
    let verb = if args.dry_run {
        "would delete"
    } else {
        "deleted"
    };
    eprintln!(
        "{verb} {} resource(s); {} without a matching run prefix left untouched",
        sweep.deleted, sweep.kept
    );
    Ok(Exit::Success)
}
