//! `proton-conform conformance`: an endpoint judged on every pack's generated scenarios, as
//! `conformance/<name>.md` and an HTML and JUnit report per pack. Exit 1 when anything is
//! found broken.

use std::path::PathBuf;
use std::sync::Arc;

use proton_conform::client::{Body, Client, ClientConfig, Outcome, RequestOptions};
use proton_conform::conformance::{PackRun, RunInfo, first_clause, markdown};
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
use super::run::new_run_id;

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
    // A fresh run id: a second run against the same endpoint never meets the first's names
    // and tokens.
    let run_id = args.run_id.clone().unwrap_or_else(new_run_id);
    let profile = Profile::conformance();
    let signed = args.connect.signing.sign;
    let mut runs = Vec::new();
    let mut endpoint = String::new();
    let mut says = None;
    for service in &packs {
        let target = resolve_endpoint(service, &args.connect)?;
        let Target::Endpoint(url) = target.clone() else {
            return Err(Error::input(
                "conformance judges an endpoint: give --endpoint URL",
            ));
        };
        endpoint = url.clone();
        let signer = signer_for(&args.connect.signing, &target, &runtime)?;
        let client = ClientConfig {
            signer,
            ..ClientConfig::default()
        };
        let probe = Client::new(&url, service.model.clone(), client.clone())?;
        if says.is_none() {
            says = runtime.block_on(self_description(&probe));
        }
        if !signed && let Some(why) = runtime.block_on(foreign_answer(&probe, service)) {
            return Err(Error::input(format!(
                "{why}; an emulator that routes requests by their signature (moto does) needs them signed: add --sign"
            )));
        }
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
            profile: profile.clone(),
            client,
            jobs: args.jobs,
            run_id: run_id.clone(),
            driver: None,
        };
        let results = runtime.block_on(run_collect(scenarios, config))?;
        write_reports(&reports, service, &results, &run_id, &url)?;
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
    let sign = if signed { " --sign" } else { "" };
    let info = RunInfo {
        name: args.name.clone(),
        endpoint: endpoint.clone(),
        says,
        run_id: run_id.clone(),
        date: report::today(),
        command: format!(
            "proton-conform conformance --name {} --endpoint {endpoint}{sign}",
            args.name
        ),
        reproduce: format!(
            "proton-conform --service SERVICE run --endpoint {endpoint}{sign} --contract-profile conformance FILE"
        ),
    };
    std::fs::write(&out, markdown(&info, &runs))
        .map_err(|e| Error::io(format!("cannot write {}: {e}", out.display())))?;
    let findings = runs
        .iter()
        .flat_map(PackRun::rows)
        .filter(|r| r.judgement.is_finding())
        .count();
    eprintln!(
        "report: {} (HTML and JUnit under {}); {findings} finding(s)",
        out.display(),
        reports.display()
    );
    Ok(if findings == 0 {
        Exit::Success
    } else {
        Exit::Failures
    })
}

/// What the endpoint says of itself: LocalStack's version, else the `Server` header.
async fn self_description(client: &Client) -> Option<String> {
    let base = client.endpoint().trim_end_matches('/');
    let get = |path: &str| client.http().get(format!("{base}{path}")).send();
    if let Ok(answer) = get("/_localstack/health").await
        && answer.status().is_success()
        && let Ok(bytes) = answer.bytes().await
        && let Ok(body) = serde_json::from_slice::<serde_json::Value>(&bytes)
        && let Some(version) = body["version"].as_str()
    {
        return Some(format!("LocalStack {version}"));
    }
    let answer = get("/").await.ok()?;
    let server = answer.headers().get("server")?.to_str().ok()?;
    Some(format!("Server: {server}"))
}

/// Why the endpoint's answer to a read with no required input is not the service's protocol at
/// all (another service's document), if it is not; `None` when it reads, or nothing can ask.
async fn foreign_answer(client: &Client, service: &Service) -> Option<String> {
    let model = &service.model;
    let operation = model.operations.values().find(|op| {
        (op.name.starts_with("List") || op.name.starts_with("Describe"))
            && op
                .input
                .as_ref()
                .and_then(|i| model.shape(&i.shape))
                .is_none_or(|s| s.required.is_empty())
    })?;
    let exchange = client
        .call(
            &operation.name,
            &serde_json::json!({}),
            &RequestOptions::default(),
        )
        .await;
    let Outcome::Response(response) = &exchange.outcome else {
        return None;
    };
    let kind = response.header("content-type").unwrap_or("no content type");
    let foreign = matches!(response.body, Body::Malformed(_)) && kind.contains("xml");
    foreign.then(|| {
        format!(
            "the endpoint answered {} unsigned with {kind} (HTTP {}: {}), not {}",
            operation.name,
            response.status,
            first_clause(&response.raw),
            model.metadata.protocol_name()
        )
    })
}

/// The pack's results as an HTML page and a JUnit file.
fn write_reports(
    dir: &std::path::Path,
    service: &Arc<Service>,
    results: &[ScenarioResult],
    run_id: &str,
    endpoint: &str,
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
    let run = Run::new(run_id, endpoint, "conformance");
    report::write_results(&mut reporters, run, results, std::time::Duration::ZERO)
        .map_err(|e| Error::io(format!("cannot write the reports: {e}")))?;
    Ok(())
}
