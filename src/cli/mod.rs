//! Command-line parsing and wiring: each subcommand in its own file, exit codes in one place.

mod args;
mod cleanup;
mod conformance;
mod coverage;
mod diff;
mod endpoint;
mod exit;
mod fuzz;
mod generate;
mod lint;
mod list;
mod report;
mod run;
mod sdk_check;
mod sdk_sweep;
mod select;
mod serve;
mod snapshots;

use std::sync::Arc;

use exit::Exit;
use proton_conform::error::Error;

pub fn main() -> std::process::ExitCode {
    let matches = <args::Cli as clap::CommandFactory>::command().get_matches();
    let mut cli = match <args::Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // `conformance` judges every service unless one is named with the global options.
    if let args::Command::Conformance(a) = &mut cli.command {
        let given =
            |id: &str| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine);
        a.one_service = given("service") || given("pack") || given("model");
    }
    // Every command ends here: an error becomes its exit code through the one mapping.
    let exit = command(cli).unwrap_or_else(|e| exit::report(&e));
    exit.into()
}

fn command(cli: args::Cli) -> Result<Exit, Error> {
    // The service is loaded once and passed to each command: nothing reaches it globally.
    let service = Arc::new(proton_conform::service::resolve(
        &cli.service,
        cli.model.as_deref(),
        cli.pack.as_deref(),
    )?);
    match cli.command {
        args::Command::Run(a) => run::run(a, &service),
        args::Command::List(a) => list::list(a, &service),
        args::Command::Lint(a) => lint::lint(a, &service),
        args::Command::Serve(a) => serve::serve(a, &service),
        args::Command::Coverage(a) => coverage::coverage(a, &service),
        args::Command::Generate(a) => generate::generate(a, &service),
        args::Command::Conformance(a) => {
            let one = a.one_service.then(|| service.clone());
            conformance::conformance(a, one)
        }
        args::Command::Snapshots(a) => snapshots::snapshots(a, &service),
        args::Command::Diff(a) => diff::diff(a, &service),
        args::Command::Cleanup(a) => cleanup::cleanup(a, &service),
        args::Command::Report(a) => report::report(a, &service),
        args::Command::Fuzz(a) => fuzz::fuzz(a, &service),
        args::Command::SdkCheck(a) => sdk_check::sdk_check(a, &service),
        args::Command::SdkSweep(a) => sdk_sweep::sdk_sweep(a),
        args::Command::Schema(a) => {
            let schema = match a.which {
                args::SchemaKind::Scenario => proton_conform::scenario::file_schema(),
                args::SchemaKind::Pack => proton_conform::service::pack_schema(),
            };
            println!("{schema:#}");
            Ok(Exit::Success)
        }
    }
}
