//! `proton-conform run`: load, run against the target, report, exit with the verdict.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proton_conform::client::{ClientConfig, Signer};
use proton_conform::contract::Profile;
use proton_conform::emulator::{self, Fault, FaultSet};
use proton_conform::event::Event;
use proton_conform::redact::Rules;
use proton_conform::report::{
    ConsoleReporter, HtmlReporter, JsonReporter, JunitReporter, Reporter, ResultsReporter,
    progress_wanted,
};
use proton_conform::runner::{self, RunConfig, Target};
use proton_conform::snapshot::{Mode, SnapshotStore};

use super::args::{EndpointArgs, Format, RunArgs, SigningArgs};
use super::exit::Exit;
use super::select;
use proton_conform::scenario::files;

pub fn run(args: RunArgs) -> Exit {
    let loaded = match select::check(&args.selection) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    if !loaded.problems.is_empty() {
        select::print_problems(&loaded.problems);
        eprintln!(
            "error: {} problem(s) in the scenarios; nothing was run",
            loaded.problems.len()
        );
        return Exit::BadInput;
    }
    if loaded.selected.is_empty() {
        eprintln!(
            "error: no scenario matches the selection ({} file(s) found)",
            loaded.files
        );
        return Exit::BadInput;
    }
    let mut selected = loaded.selected;
    if let Some(partition) = &args.partition {
        match parse_partition(partition) {
            // A shard may be empty: it then reports zero scenarios, which merges cleanly.
            Ok((k, n)) => selected.retain(|(_, file, _)| shard_of(file, n) == k),
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::BadInput;
            }
        }
    }
    // A file not kept parsed is parsed again as its scenario starts (it parsed cleanly a
    // moment ago): beyond the budget, only the scenarios in flight are held.
    let scenarios = selected.into_iter().filter_map(|(path, _, kept)| {
        match kept.map(Ok).unwrap_or_else(|| files::load(&path)) {
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
            for line in proton_conform::runner::dry_run::plan(s, &run_id) {
                println!("  {line}");
            }
        }
        eprintln!("dry run: {} scenario(s), nothing was sent", scenarios.len());
        return Exit::Success;
    }
    let profile = match Profile::load(&args.contract_profile) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    let target = match resolve_target(&args.endpoint) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    let snapshot_target = match (&args.snapshot_target, &target) {
        (Some(name), _) => Some(name.clone()),
        (None, Target::Embedded(_)) => Some("emulator".to_string()),
        (None, Target::Endpoint(_)) => None,
    };
    let rules = match Rules::load(&args.snapshot_dir.join("redactions.yaml")) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
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
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::CouldNotRun;
        }
    };
    let signer = match signer_for(&args.endpoint.signing, &target, &runtime) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: the run cannot take place: {e}");
            return Exit::CouldNotRun;
        }
    };
    if let (Target::Endpoint(url), Some(s)) = (&target, &signer) {
        eprintln!("target: {url}, signed for region {}", s.region());
    }
    let (interrupt_tx, interrupt_rx) = tokio::sync::watch::channel(false);
    let config = RunConfig {
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
        Box::new(ConsoleReporter::new(args.verbose).with_progress({
            use std::io::IsTerminal;
            progress_wanted(
                std::io::stderr().is_terminal(),
                std::env::var_os("CI").is_some(),
                args.format == Format::Json && std::io::stdout().is_terminal(),
            )
        })),
        Box::new(JunitReporter::new(&args.junit)),
        Box::new(HtmlReporter::new(&args.html)),
        Box::new(ResultsReporter::new(&args.results)),
    ];
    if args.format == Format::Json {
        reporters.push(Box::new(JsonReporter::new(std::io::stdout())));
    }
    runtime.block_on(async move {
        // First Ctrl-C: stop the steps, run the teardowns. Second: abort at once.
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\ninterrupted: running teardowns (Ctrl-C again to abort)");
                let _ = interrupt_tx.send(true);
                if tokio::signal::ctrl_c().await.is_ok() {
                    eprintln!(
                        "aborted: resources may be left; `proton-conform cleanup` removes them"
                    );
                    std::process::exit(130);
                }
            }
        });
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
            (Err(e), _) => {
                eprintln!("error: the run could not take place: {e}");
                Exit::CouldNotRun
            }
            (_, Ok(Err(e))) => {
                eprintln!("error: cannot write the reports: {e}");
                Exit::CouldNotRun
            }
            (_, Err(e)) => {
                eprintln!("error: internal error in the reporters: {e}");
                Exit::CouldNotRun
            }
            (Ok(summary), Ok(Ok(()))) => {
                eprintln!(
                    "reports: {}, {}, {}",
                    args.junit.display(),
                    args.html.display(),
                    args.results.display()
                );
                if summary.all_good() {
                    Exit::Success
                } else {
                    Exit::Failures
                }
            }
        }
    })
}

/// `--endpoint`, else `AWS_ENDPOINT_URL_PROTON`, else `AWS_ENDPOINT_URL`, else the profile's
/// `services` endpoint, else the embedded emulator. A host that is not loopback must be allowed
/// explicitly.
pub(super) fn resolve_target(args: &EndpointArgs) -> Result<Target, String> {
    let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let endpoint = args
        .endpoint
        .clone()
        .or_else(|| from_env("AWS_ENDPOINT_URL_PROTON"))
        .or_else(|| from_env("AWS_ENDPOINT_URL"))
        .or_else(|| endpoint_from_profile(args.signing.profile.as_deref()));
    let mut target = target_for(endpoint.as_deref(), &args.allow_endpoints)?;
    let faults = args
        .faults
        .iter()
        .map(|name| {
            Fault::from_name(name).ok_or_else(|| {
                format!(
                    "unknown fault switch {name:?}; `proton-conform serve --fault list` shows them"
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    match &mut target {
        Target::Embedded(config) => config.faults = FaultSet::from_faults(&faults),
        Target::Endpoint(_) if !faults.is_empty() => {
            return Err(
                "--fault applies to the embedded emulator; start `proton-conform serve --fault ...` for an endpoint".into(),
            );
        }
        Target::Endpoint(_) => {}
    }
    Ok(target)
}

/// The flags that make `run` meet the endpoint of these arguments again: the fault switches
/// of the embedded emulator, or the endpoint's URL.
pub(super) fn replay_flags(args: &EndpointArgs, target: &Target) -> Vec<String> {
    match target {
        Target::Embedded(_) => args.faults.iter().map(|f| format!("--fault {f}")).collect(),
        Target::Endpoint(url) => vec![format!("--endpoint {url}")],
    }
}

/// An endpoint URL (or none, or `embedded`) as a target; a host that is not loopback must be
/// allowed explicitly.
pub(super) fn target_for(endpoint: Option<&str>, allowed: &[String]) -> Result<Target, String> {
    let Some(endpoint) = endpoint.filter(|e| *e != "embedded") else {
        return Ok(Target::Embedded(emulator::Config::default()));
    };
    if !endpoint.contains("://") {
        return Err(format!(
            "endpoint {endpoint:?} has no scheme; did you mean http://{endpoint} (or https://)?"
        ));
    }
    let url = reqwest::Url::parse(endpoint)
        .map_err(|e| format!("invalid endpoint URL {endpoint:?}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "endpoint {endpoint:?} must be an http:// or https:// URL"
        ));
    }
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_string();
    if !is_loopback(endpoint) && !allowed.iter().any(|h| h == &host) {
        return Err(format!(
            "{host} is not a loopback address; to run against it, pass --allow-endpoint {host}"
        ));
    }
    Ok(Target::Endpoint(endpoint.to_string()))
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

/// The signer, when requests are signed: on `--sign`, and by default for a non-loopback
/// endpoint unless `--no-sign`. Credentials are loaded only then.
pub(super) fn signer_for(
    signing: &SigningArgs,
    target: &Target,
    runtime: &tokio::runtime::Runtime,
) -> Result<Option<Arc<Signer>>, String> {
    let remote = matches!(target, Target::Endpoint(url) if !is_loopback(url));
    if !(signing.sign || (remote && !signing.no_sign)) {
        return Ok(None);
    }
    let (profile, region) = (signing.profile.as_deref(), signing.region.as_deref());
    runtime
        .block_on(load_signer(profile, region))
        .map(|s| Some(Arc::new(s)))
        .map_err(|e| format!("requests must be signed, but {e}"))
}

#[cfg(feature = "aws")]
async fn load_signer(profile: Option<&str>, region: Option<&str>) -> Result<Signer, String> {
    Signer::from_chain(profile, region).await
}

#[cfg(not(feature = "aws"))]
async fn load_signer(_profile: Option<&str>, _region: Option<&str>) -> Result<Signer, String> {
    Err("this build has no AWS credential chain (built without the `aws` feature)".into())
}

/// The AWS config files' endpoint for Proton, if any.
#[cfg(feature = "aws")]
fn endpoint_from_profile(profile: Option<&str>) -> Option<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    runtime.block_on(proton_conform::client::profile_endpoint(profile))
}

#[cfg(not(feature = "aws"))]
fn endpoint_from_profile(_profile: Option<&str>) -> Option<String> {
    None
}

pub(super) fn is_loopback(url: &str) -> bool {
    reqwest::Url::parse(url).ok().is_some_and(|u| {
        let host = u
            .host_str()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_string();
        host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    })
}

/// `K/N` with 1 <= K <= N.
fn parse_partition(text: &str) -> Result<(u64, u64), String> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)));
    match parsed {
        Some((k, n)) if n >= 1 && (1..=n).contains(&k) => Ok((k, n)),
        _ => Err(format!(
            "--partition {text:?}: expected K/N with 1 <= K <= N, e.g. 2/4"
        )),
    }
}

/// The 1-based shard of a scenario file: a hash of its path, stable across machines.
fn shard_of(file: &str, shards: u64) -> u64 {
    let hash = file.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash % shards + 1
}
