//! `proton-conform sdk-check`: the SDK scenarios once per driver, each against its own embedded
//! emulator with the scenario's scripted faults; one report testcase per driver x scenario, and
//! a driver x clause table written by the tool.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::endpoint::Embedded;
use proton_conform::error::Error;
use proton_conform::event::{Run, ScenarioResult, Summary};
use proton_conform::report::{self, ConsoleReporter, HtmlReporter, JunitReporter, Reporter};
use proton_conform::runner::{self, RunConfig, Target};
use proton_conform::scenario::Scenario;
use proton_conform::sdk::{self, Driver};
use proton_conform::service::Service;

use super::args::{SdkCheckArgs, Selection};
use super::exit::Exit;
use super::run::new_run_id;
use super::select;

pub fn sdk_check(args: SdkCheckArgs, service: &Arc<Service>) -> Result<Exit, Error> {
    let args = &args;
    let root = std::env::current_dir().map_err(|e| Error::io(e.to_string()))?;
    let mut drivers = args
        .drivers
        .iter()
        .map(|name| Driver::shipped(name, &root))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(command) = &args.client {
        drivers.push(Driver::custom(command, args.client_max_attempts));
    }
    if drivers.is_empty() {
        return Err(Error::input(
            "name a client: --driver boto3|awscli|rust|js (repeatable) or --client CMD",
        ));
    }
    let selection = Selection {
        paths: if args.paths.is_empty() {
            vec![PathBuf::from("scenarios/sdk")]
        } else {
            args.paths.clone()
        },
        filter: None,
        tags: Vec::new(),
        exclude_tags: Vec::new(),
    };
    let loaded = select::load(&selection, service)?;
    if !loaded.problems.is_empty() {
        select::print_problems(&loaded.problems);
        return Err(Error::input(format!(
            "{} problem(s) in the scenarios",
            loaded.problems.len()
        )));
    }
    if loaded.scenarios.is_empty() {
        return Err(Error::input("no SDK scenario found"));
    }
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))?;
    let started = std::time::Instant::now();
    // The drivers run side by side: their calls mostly sleep in the SDKs' retry backoff.
    let embedded = Embedded::for_service(service, &[])?;
    let runs = drivers.iter().map(|driver| {
        eprintln!(
            "checking {} with {} scenario(s)",
            driver.name,
            loaded.scenarios.len()
        );
        let scenarios: Vec<Scenario> = loaded
            .scenarios
            .iter()
            .map(|s| for_driver(s, &driver.name))
            .collect();
        let config = RunConfig {
            service: service.clone(),
            target: Target::Embedded(embedded.clone()),
            interrupt: None,
            snapshots: None,
            profile: Profile::strict(),
            client: ClientConfig::default(),
            // Drivers start interpreters: a few at a time keep a 2-core machine responsive.
            jobs: 2,
            run_id: new_run_id(),
            driver: Some(driver.clone()),
        };
        runner::run_collect(scenarios, config)
    });
    let mut results = Vec::new();
    for run in runtime.block_on(futures_util::future::join_all(runs)) {
        results.extend(run?);
    }
    let summary = report(args, service, &results, started.elapsed())?;
    let table = sdk::table(&drivers, &results);
    eprintln!("{table}");
    // A scenario that errored says nothing about the client (a driver that could not run, an
    // emulator that could not start): such a table is shown, never written into a file.
    if summary.errored > 0 {
        return Err(Error::endpoint(format!(
            "{} scenario(s) could not be run, so the table above is not written to {}{}",
            summary.errored,
            args.table.display(),
            args.update_readme
                .as_ref()
                .map(|r| format!(" nor to {}", r.display()))
                .unwrap_or_default()
        )));
    }
    write(&args.table, &table)?;
    if let Some(readme) = &args.update_readme {
        update_readme(readme, &table)?;
    }
    Ok(if summary.all_good() {
        Exit::Success
    } else {
        Exit::Failures
    })
}

/// The scenario as one testcase of this driver: its own folder in the reports.
fn for_driver(scenario: &Scenario, driver: &str) -> Scenario {
    let mut s = scenario.clone();
    let file_name = Path::new(&scenario.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    s.file = format!("sdk/{driver}/{file_name}");
    s.name = format!("[{driver}] {}", scenario.name);
    s
}

/// `elapsed`: the wall time of the whole check (scenarios ran two at a time, so their own
/// durations add up to more).
fn report(
    args: &SdkCheckArgs,
    service: &Arc<Service>,
    results: &[ScenarioResult],
    elapsed: std::time::Duration,
) -> Result<Summary, Error> {
    let mut reporters: Vec<Box<dyn Reporter>> = vec![
        Box::new(ConsoleReporter::new(args.verbose, service.clauses())),
        Box::new(JunitReporter::new(&args.junit, service.clauses())),
        Box::new(HtmlReporter::new(&args.html, service.clone())),
    ];
    report::write_results(
        &mut reporters,
        Run::new("sdk-check", "embedded emulator", "strict"),
        results,
        elapsed,
    )
    .map_err(|e| Error::io(format!("cannot write the reports: {e}")))
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| Error::io(format!("cannot write {}: {e}", path.display())))
}

/// Replaces the table between the markers of a README.
fn update_readme(path: &Path, table: &str) -> Result<(), Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("cannot read {}: {e}", path.display())))?;
    let updated = sdk::replace_table(&text, table)
        .map_err(|e| Error::io(format!("{}: {e}", path.display())))?;
    write(path, &updated)
}
