//! `proton-conform sdk-sweep`: every token operation, through each SDK's driver in batch mode,
//! with the sweep's own endpoint; the Markdown report, the JSON summary and the JUnit report.

use std::path::Path;
use std::sync::Arc;

use proton_conform::error::Error;
use proton_conform::model::{Model, closest};
use proton_conform::sdk::sweep::{self, OpResult, Plan, Skipped};
use proton_conform::sdk::{Driver, ModelSet, SHIPPED};
use proton_conform::service::{BUNDLED, Service, botocore_token_models};

use super::args::SdkSweepArgs;
use super::exit::Exit;

/// One SDK's part of the sweep.
struct Swept {
    driver: Driver,
    sdk: Option<String>,
    results: Vec<OpResult>,
    skipped: Vec<Skipped>,
}

pub fn sdk_sweep(args: SdkSweepArgs) -> Result<Exit, Error> {
    let args = &args;
    let root = std::env::current_dir().map_err(|e| Error::io(e.to_string()))?;
    let mut drivers: Vec<(Driver, ModelSet)> = Vec::new();
    for name in &args.drivers {
        // An unknown name is refused here, with the shipped names.
        let driver = Driver::shipped(name, &root)?;
        let set = SHIPPED
            .iter()
            .find(|s| s.name == name)
            .map_or(ModelSet::Botocore, |s| s.models);
        drivers.push((driver, set));
    }
    let client_models = match args.client_models.as_str() {
        "botocore" => ModelSet::Botocore,
        "packs" => ModelSet::Packs,
        other => {
            return Err(Error::input(format!(
                "--client-models takes `botocore` or `packs`, not `{other}`"
            )));
        }
    };
    for spec in &args.client {
        let Some((name, command)) = spec.split_once('=') else {
            return Err(Error::input(format!(
                "--client takes NAME=CMD (`broken=python3 my_driver.py`), not `{spec}`"
            )));
        };
        let mut driver = Driver::custom(command, 3);
        driver.name = name.to_string();
        drivers.push((driver, client_models));
    }
    if drivers.is_empty() {
        return Err(Error::input(
            "name an SDK: --driver boto3|awscli|js|rust (repeatable) or --client NAME=CMD",
        ));
    }
    let mut botocore: Option<Vec<(String, Arc<Model>)>> = None;
    let mut model_sets = Vec::new();
    for (_, set) in &drivers {
        model_sets.push(match set {
            ModelSet::Packs => pack_models()?,
            ModelSet::Botocore => load_botocore(&mut botocore)?,
        });
    }
    let sample = match &args.sample {
        Some(path) => Some(sample_for(path, &model_sets, &mut botocore)?),
        None => None,
    };
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))?;
    let mut swept = Vec::new();
    for ((driver, _), models) in drivers.into_iter().zip(model_sets) {
        let only: Option<Vec<(String, String)>> = sample.as_ref().map(|s| {
            // A sample names operations of every SDK's services: each takes those it has.
            s.iter()
                .filter(|(svc, _)| models.iter().any(|(n, _)| n == svc))
                .cloned()
                .collect()
        });
        let Plan { targets, skipped } = sweep::plan(&models, only.as_deref())?;
        eprintln!(
            "{}: {} token operation(s) to call, {} not checked",
            driver.name,
            targets.len(),
            skipped.len()
        );
        let name = driver.name.clone();
        let progress = move |done: usize, total: usize| {
            if done.is_multiple_of(100) || done == total {
                eprintln!("{name}: {done}/{total}");
            }
        };
        let (results, sdk) = runtime.block_on(async {
            let mut sdk = None;
            let results = sweep::sweep(&targets, &driver, args.jobs, &progress, &mut sdk).await?;
            Ok::<_, Error>((results, sdk))
        })?;
        swept.push(Swept {
            driver,
            sdk,
            results,
            skipped,
        });
    }
    let views: Vec<sweep::SdkSweep> = swept
        .iter()
        .map(|s| sweep::SdkSweep {
            driver: &s.driver.name,
            sdk: s.sdk.as_deref(),
            results: &s.results,
            skipped: &s.skipped,
        })
        .collect();
    let command = regenerate_command(args);
    write(&args.out, &sweep::markdown(&views, &command))?;
    let summary = sweep::summary_json(&views);
    write(
        &args.summary,
        &format!(
            "{}\n",
            serde_json::to_string_pretty(&summary).unwrap_or_default()
        ),
    )?;
    write(&args.junit, &sweep::junit(&views)?)?;
    for s in &views {
        let broken = s.results.iter().filter(|r| !r.broken().is_empty()).count();
        let failed = s.results.iter().filter(|r| r.driver_failed()).count();
        eprintln!(
            "{}: {} operation(s) called, {broken} with a broken duty{}",
            s.driver,
            s.results.len(),
            if failed == 0 {
                String::new()
            } else {
                format!("; the driver failed on {failed} (an error of the sweep: see the report)")
            }
        );
    }
    eprintln!(
        "report: {}, summary: {}, JUnit: {}",
        args.out.display(),
        args.summary.display(),
        args.junit.display()
    );
    // A driver that failed leaves its operations unjudged: never a green sweep.
    let any_broken = views.iter().any(|s| {
        s.results
            .iter()
            .any(|r| !r.broken().is_empty() || r.driver_failed())
    });
    Ok(if any_broken {
        Exit::Failures
    } else {
        Exit::Success
    })
}

/// The bundled packs' services, by the SDKs' name of each.
fn pack_models() -> Result<Vec<(String, Arc<Model>)>, Error> {
    BUNDLED
        .iter()
        .map(|b| {
            let service = Service::bundled(b.name).map_err(|e| Error::internal(e.to_string()))?;
            Ok((service.pack.sdk_name.clone(), service.model.clone()))
        })
        .collect()
}

/// The token models of the installed botocore, loaded once.
fn load_botocore(
    cache: &mut Option<Vec<(String, Arc<Model>)>>,
) -> Result<Vec<(String, Arc<Model>)>, Error> {
    if cache.is_none() {
        let loaded = botocore_token_models()?;
        *cache = Some(loaded.into_iter().map(|(n, m)| (n, Arc::new(m))).collect());
    }
    Ok(cache.clone().unwrap_or_default())
}

/// The sample's operations. A sample may name services the SDKs swept here do not cover (the
/// shipped one names services beyond the packs, for boto3): those lines are checked against
/// the installed botocore's models where it is installed, and left out with a note.
fn sample_for(
    path: &Path,
    model_sets: &[Vec<(String, Arc<Model>)>],
    botocore: &mut Option<Vec<(String, Arc<Model>)>>,
) -> Result<Vec<(String, String)>, Error> {
    let swept: Vec<(String, Arc<Model>)> = model_sets.concat();
    let covered = |service: &str| swept.iter().any(|(n, _)| n == service);
    let sample = match read_sample(path, &swept) {
        Ok(sample) => return Ok(sample),
        Err(narrow) => match load_botocore(botocore) {
            // The swept models too: a pack's service may be gone from a newer botocore.
            Ok(botocore) => {
                read_sample(path, &[swept.clone(), botocore].concat()).map_err(|_| narrow)?
            }
            Err(_) => return Err(narrow),
        },
    };
    for (service, operation) in sample.iter().filter(|(svc, _)| !covered(svc)) {
        eprintln!(
            "{}: {service} {operation}: no SDK swept here covers {service}; left out",
            path.display()
        );
    }
    Ok(sample.into_iter().filter(|(svc, _)| covered(svc)).collect())
}

/// `service Operation` lines; `#` starts a comment. Each must name a token operation of a
/// service some SDK is swept over: a typo is an error at its line, with the closest name.
fn read_sample(
    path: &Path,
    models: &[(String, Arc<Model>)],
) -> Result<Vec<(String, String)>, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::input(format!("cannot read {}: {e}", path.display())))?;
    let all: Vec<(&str, &Arc<Model>)> = models.iter().map(|(n, m)| (n.as_str(), m)).collect();
    let did_you_mean = |found: Option<&str>| {
        found
            .map(|f| format!(" (did you mean `{f}`?)"))
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let at = format!("{}:{}", path.display(), n + 1);
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let [service, operation] = words[..] else {
            return Err(Error::input(format!(
                "{at}: expected `service Operation`, found `{line}`"
            )));
        };
        let Some((_, model)) = all.iter().find(|(name, _)| *name == service) else {
            let names = all.iter().map(|(name, _)| *name);
            return Err(Error::input(format!(
                "{at}: no service `{service}` among the SDKs' models{}",
                did_you_mean(closest(service, names))
            )));
        };
        if model.idempotency_token_member(operation).is_none() {
            let ops = model
                .operations
                .keys()
                .filter(|o| model.idempotency_token_member(o).is_some())
                .map(String::as_str);
            return Err(Error::input(format!(
                "{at}: `{operation}` is not an operation of `{service}` with an idempotency token{}",
                did_you_mean(closest(operation, ops))
            )));
        }
        out.push((service.to_string(), operation.to_string()));
    }
    Ok(out)
}

fn regenerate_command(args: &SdkSweepArgs) -> String {
    let mut parts = vec!["proton-conform sdk-sweep".to_string()];
    parts.extend(args.drivers.iter().map(|d| format!("--driver {d}")));
    if let Some(s) = &args.sample {
        parts.push(format!("--sample {}", s.display()));
    }
    parts.push(format!("--out {}", args.out.display()));
    parts.push(format!("--summary {}", args.summary.display()));
    parts.join(" ")
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| Error::io(format!("cannot write {}: {e}", path.display())))
}
