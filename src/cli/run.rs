//! `proton-conform run`: load, run against the target, report, exit with the verdict.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::event::{Event, Shard};
use proton_conform::redact::Rules;
use proton_conform::report::{
    ConsoleReporter, HtmlReporter, JsonReporter, JunitReporter, Reporter, ResultsReporter,
    progress_wanted,
};
use proton_conform::runner::{self, RunConfig, Target};
use proton_conform::snapshot::{Mode, SnapshotStore};

use super::args::{Format, RunArgs};
use super::endpoint::{resolve_target, signer_for};
use super::exit::Exit;
use super::select;
use proton_conform::error::Error;
use proton_conform::scenario::files;
use proton_conform::service::Service;

pub fn run(args: RunArgs, service: &Arc<Service>) -> Result<Exit, Error> {
    let loaded = select::check(&args.selection, service)?;
    if !loaded.problems.is_empty() {
        select::print_problems(&loaded.problems);
        return Err(Error::input(format!(
            "{} problem(s) in the scenarios; nothing was run",
            loaded.problems.len()
        )));
    }
    if loaded.selected.is_empty() {
        return Err(Error::input(format!(
            "no scenario matches the selection ({} file(s) found)",
            loaded.files
        )));
    }
    let mut selected = loaded.selected;
    let mut shard = None;
    if let Some(partition) = &args.partition {
        // A shard may be empty: it then reports zero scenarios, which merges cleanly.
        let (k, n) = parse_partition(partition)?;
        selected.retain(|(_, file, _)| shard_of(file, n) == k);
        shard = Some(Shard { index: k, of: n });
    }
    // A file not kept parsed is parsed again as its scenario starts (it parsed cleanly a
    // moment ago): beyond the budget, only the scenarios in flight are held.
    let scenarios = selected.into_iter().filter_map(|(path, _, kept)| {
        match kept.map(Ok).unwrap_or_else(|| files::load(&path, service)) {
            Ok(s) => Some(s),
            Err(d) => {
                let what = d.first().map(|d| d.message.as_str()).unwrap_or_default();
                eprintln!("error: {} changed during the run: {what}", path.display());
                None
            }
        }
    });
    if args.dry_run {
        let scenarios: Vec<_> = scenarios.collect();
        let run_id = args.run_id.clone().unwrap_or_else(new_run_id);
        for s in &scenarios {
            println!("{} ({})", s.file, s.name);
            for line in proton_conform::runner::dry_run::plan(&service.model, s, &run_id) {
                println!("  {line}");
            }
        }
        eprintln!("dry run: {} scenario(s), nothing was sent", scenarios.len());
        return Ok(Exit::Success);
    }
    let profile = Profile::load(&args.contract_profile).map_err(|e| Error::input(e.to_string()))?;
    let target = resolve_target(service, &args.endpoint)?;
    let snapshot_target = match (&args.snapshot_target, &target) {
        (Some(name), _) => Some(name.clone()),
        (None, Target::Embedded(embedded)) => Some(embedded.snapshot_target().to_string()),
        (None, Target::Endpoint(_)) => None,
    };
    let rules = Rules::load(&args.snapshot_dir.join("redactions.yaml"))?;
    let snapshots = snapshot_target.map(|target| SnapshotStore {
        dir: args.snapshot_dir.clone(),
        target,
        mode: if args.update_snapshots {
            Mode::Update
        } else {
            Mode::Check
        },
        ci: std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false"),
        rules,
        every_step: false,
    });
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))?;
    let signer = signer_for(&args.endpoint.connect.signing, &target, &runtime)
        .map_err(|e| Error::new(e.kind, format!("the run cannot take place: {e}")))?;
    if let (Target::Endpoint(url), Some(s)) = (&target, &signer) {
        eprintln!("target: {url}, signed for region {}", s.region());
    }
    let (interrupt_tx, interrupt_rx) = tokio::sync::watch::channel(false);
    let config = RunConfig {
        service: service.clone(),
        interrupt: Some(interrupt_rx),
        target,
        snapshots,
        profile,
        client: ClientConfig {
            timeout: Duration::from_secs(args.request_timeout.max(1)),
            signer,
            max_rps: args.max_rps,
            ..ClientConfig::default()
        },
        jobs: args.jobs,
        run_id: args.run_id.clone().unwrap_or_else(new_run_id),
        driver: None,
    };
    let mut reporters: Vec<Box<dyn Reporter>> = vec![
        Box::new(
            ConsoleReporter::new(args.verbose, service.clauses()).with_progress({
                use std::io::IsTerminal;
                progress_wanted(
                    std::io::stderr().is_terminal(),
                    std::env::var_os("CI").is_some(),
                    args.format == Format::Json && std::io::stdout().is_terminal(),
                )
            }),
        ),
        Box::new(JunitReporter::new(&args.junit, service.clauses())),
        Box::new(HtmlReporter::new(&args.html, service.clone())),
        Box::new(ResultsReporter::new(&args.results).of_shard(shard)),
    ];
    if args.format == Format::Json {
        reporters.push(Box::new(JsonReporter::new(std::io::stdout())));
    }
    runtime.block_on(async move {
        catch_interrupts(interrupt_tx);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
        let consumer = tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                for r in reporters.iter_mut() {
                    r.event(&event);
                }
            }
            let mut result = Ok(());
            for r in reporters.iter_mut() {
                if let Err(e) = r.finish() {
                    result = Err(e);
                }
            }
            result
        });
        let outcome = runner::run(scenarios, config, tx).await;
        let written = consumer.await;
        match (outcome, written) {
            (Err(e), _) => Err(e.context("the run could not take place")),
            (_, Ok(Err(e))) => Err(Error::io(format!("cannot write the reports: {e}"))),
            (_, Err(e)) => Err(Error::internal(format!(
                "internal error in the reporters: {e}"
            ))),
            (Ok(summary), Ok(Ok(()))) => {
                eprintln!(
                    "reports: {}, {}, {}",
                    args.junit.display(),
                    args.html.display(),
                    args.results.display()
                );
                Ok(if summary.all_good() {
                    Exit::Success
                } else {
                    Exit::Failures
                })
            }
        }
    })
}

/// First Ctrl-C: stop the steps, run the teardowns. Second: abort at once. The handler is in
/// place before the first request, so no Ctrl-C can stop the run untidily.
fn catch_interrupts(interrupt: tokio::sync::watch::Sender<bool>) {
    let mut ctrl_c = match interrupts() {
        Ok(signals) => signals,
        Err(e) => {
            eprintln!("warning: Ctrl-C cannot be caught ({e}): it would stop the run untidily");
            return;
        }
    };
    tokio::spawn(async move {
        if ctrl_c.recv().await.is_some() {
            eprintln!("\ninterrupted: running teardowns (Ctrl-C again to abort)");
            let _ = interrupt.send(true);
            if ctrl_c.recv().await.is_some() {
                eprintln!("aborted: resources may be left; `proton-conform cleanup` removes them");
                std::process::exit(130);
            }
        }
    });
}

/// SIGINT, caught from now on (`tokio::signal::ctrl_c` would only catch it once polled).
#[cfg(unix)]
fn interrupts() -> std::io::Result<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
}

/// Ctrl-C, elsewhere: a stream of them.
#[cfg(not(unix))]
fn interrupts() -> std::io::Result<tokio::sync::mpsc::UnboundedReceiver<()>> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(
        async move { while tokio::signal::ctrl_c().await.is_ok() && tx.send(()).is_ok() {} },
    );
    Ok(rx)
}

/// Eight base-36 characters from the clock and the process id: unique enough per run.
pub(super) fn new_run_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut n = (nanos as u64) ^ ((std::process::id() as u64) << 32);
    let mut id = String::new();
    for _ in 0..8 {
        let digit = (n % 36) as u32;
        id.push(std::char::from_digit(digit, 36).unwrap_or('0'));
        n /= 36;
    }
    id
}

/// `K/N` with 1 <= K <= N.
fn parse_partition(text: &str) -> Result<(u64, u64), Error> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)));
    match parsed {
        Some((k, n)) if n >= 1 && (1..=n).contains(&k) => Ok((k, n)),
        _ => Err(Error::input(format!(
            "--partition {text:?}: expected K/N with 1 <= K <= N, e.g. 2/4"
        ))),
    }
}

/// The 1-based shard of a scenario file: a hash of its path, stable across machines.
fn shard_of(file: &str, shards: u64) -> u64 {
    let hash = file.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash % shards + 1
}
