//! `proton-conform conformance`: an endpoint judged on every pack's generated scenarios, as
//! `conformance/<name>.md` and an HTML and JUnit report per pack.

use std::path::PathBuf;
use std::sync::Arc;

use proton_conform::client::ClientConfig;
use proton_conform::conformance::{PackRun, markdown};
use proton_conform::contract::Profile;
use proton_conform::error::Error;
use proton_conform::event::{Run, ScenarioResult};
use proton_conform::generate::generate;
use proton_conform::report::{self, HtmlReporter, JunitReporter, Reporter};
use proton_conform::runner::{RunConfig, Target, run_collect};
use proton_conform::scenario::parse;
use proton_conform::service::{BUNDLED, Service};

use super::args::ConformanceArgs;
use super::endpoint::{resolve_endpoint, signer_for};
use super::exit::Exit;

pub fn conformance(args: ConformanceArgs) -> Result<Exit, Error> {
    let args = &args;
    // Every pack whose token contract is data (`tokens:`); the default pack has its own corpus.
    let packs: Vec<Arc<Service>> = BUNDLED
        .iter()
        .map(|b| Service::bundled(b.name).map(Arc::new))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::internal(e.to_string()))?
        .into_iter()
        .filter(|s| !s.pack.tokens.is_empty())
        .filter(|s| args.packs.is_empty() || args.packs.iter().any(|p| p == s.name()))
        .collect();
    if let Some(unknown) = args
        .packs
        .iter()
        .find(|p| !packs.iter().any(|s| s.name() == p.as_str()))
    {
        return Err(Error::input(format!(
            "--packs: no pack {unknown:?} with a token contract"
        )));
    }
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))?;
    let reports = args
        .reports
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("reports/conformance/{}", args.name)));
    let mut runs = Vec::new();
    for service in &packs {
        let target = resolve_endpoint(service, &args.connect)?;
        let Target::Endpoint(_) = &target else {
            return Err(Error::input(
                "conformance judges an endpoint: give --endpoint URL",
            ));
        };
        let signer = signer_for(&args.connect.signing, &target, &runtime)?;
        let folder = format!("generated/{}", service.name());
        let (files, coverage) = generate(service);
        let scenarios = files
            .iter()
            .map(|f| {
                let file = format!("{folder}/{}", f.file);
                parse(&f.text, &file, service).map_err(|d| {
                    Error::internal(format!("{file} does not parse: {}", d[0].message))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let config = RunConfig {
            service: service.clone(),
            target,
            interrupt: None,
            snapshots: None,
            profile: Profile::strict(),
            client: ClientConfig {
                signer,
                ..ClientConfig::default()
            },
            jobs: 4,
            // One run id: the names and tokens, and so the report, are the same every time.
            run_id: "conformance".into(),
            driver: None,
        };
        let results = runtime.block_on(run_collect(scenarios, config))?;
        write_reports(&reports, service, &results)?;
        eprintln!("{}: {} scenario(s) run", service.pack.title, results.len());
        runs.push((service.clone(), coverage, results, folder));
    }
    let runs: Vec<PackRun> = runs
        .iter()
        .map(|(service, coverage, results, folder)| PackRun {
            service,
            coverage: coverage.clone(),
            results: results.clone(),
            folder: folder.clone(),
        })
        .collect();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("conformance/{}.md", args.name)));
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(&out, markdown(&args.name, &runs))
        .map_err(|e| Error::io(format!("cannot write {}: {e}", out.display())))?;
    eprintln!(
        "report: {} (HTML and JUnit under {})",
        out.display(),
        reports.display()
    );
    Ok(Exit::Success)
}

/// The pack's results as an HTML page and a JUnit file.
fn write_reports(
    dir: &std::path::Path,
    service: &Arc<Service>,
    results: &[ScenarioResult],
) -> Result<(), Error> {
    let mut reporters: Vec<Box<dyn Reporter>> = vec![
        Box::new(HtmlReporter::new(
            &dir.join(format!("{}.html", service.name())),
            service.clone(),
        )),
        Box::new(JunitReporter::new(
            &dir.join(format!("{}.xml", service.name())),
            service.clauses(),
        )),
    ];
    let run = Run::new("conformance", &service.pack.title, "strict");
    report::write_results(&mut reporters, run, results, std::time::Duration::ZERO)
        .map_err(|e| Error::io(format!("cannot write the reports: {e}")))?;
    Ok(())
}
