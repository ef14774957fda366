//! Command-line parsing and wiring: each subcommand in its own file, exit codes in one place.

mod args;
mod cleanup;
mod coverage;
mod diff;
mod exit;
mod fuzz;
mod lint;
mod list;
mod report;
mod run;
mod sdk_check;
mod select;
mod serve;
mod snapshots;

use clap::Parser;

use exit::Exit;

pub fn main() -> std::process::ExitCode {
    let cli = args::Cli::parse();
    let exit = match cli.command {
        args::Command::Run(a) => run::run(a),
        args::Command::List(a) => list::list(a),
        args::Command::Lint(a) => lint::lint(a),
        args::Command::Serve(a) => serve::serve(a),
        args::Command::Coverage(a) => coverage::coverage(a),
        args::Command::Snapshots(a) => snapshots::snapshots(a),
        args::Command::Diff(a) => diff::diff(a),
        args::Command::Cleanup(a) => cleanup::cleanup(a),
        args::Command::Report(a) => report::report(a),
        args::Command::Fuzz(a) => fuzz::fuzz(a),
        args::Command::SdkCheck(a) => sdk_check::sdk_check(a),
        args::Command::Schema(a) => {
            let args::SchemaKind::Scenario = a.which;
            println!("{:#}", proton_conform::scenario::file_schema());
            Exit::Success
        }
    };
    exit.into()
}
