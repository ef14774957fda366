//! `proton-conform conformance`: an endpoint judged on the generated scenarios of every
//! service with a token operation (or those named), as `conformance/<name>.md` and an HTML and
//! JUnit report per service. Exit 1 when anything is found broken.

mod endpoint_facts;
mod judge;
mod services;

use std::path::PathBuf;
use std::sync::Arc;

use proton_conform::client::{Client, ClientConfig};
use proton_conform::conformance::{PackRun, RunInfo, markdown};
use proton_conform::error::Error;
use proton_conform::report;
use proton_conform::runner::Target;
use proton_conform::service::Service;

use super::args::ConformanceArgs;
use super::endpoint::{is_loopback, resolve_endpoint, signer_for};
use super::exit::Exit;
use super::run::new_run_id;
use judge::Judging;

pub fn conformance(args: ConformanceArgs, one: Option<Arc<Service>>) -> Result<Exit, Error> {
    let args = &args;
    let chosen = services::chosen(args, one)?;
    let first = &chosen
        .first()
        .ok_or_else(|| Error::input("no service to judge"))?
        .service;
    let target = resolve_endpoint(first, &args.connect)?;
    let Target::Endpoint(url) = target.clone() else {
        return Err(Error::input(
            "conformance judges an endpoint: give --endpoint URL",
        ));
    };
    // What a generated scenario makes can cost money on a real account: only what is named.
    if !is_loopback(&url) && args.services.is_empty() && !args.one_service {
        return Err(Error::input(format!(
            "{url} is not a local endpoint: name the services to judge there (--services NAMES), so that nothing else is created"
        )));
    }
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))?;
    let signed = args.connect.signing.sign;
    let client = ClientConfig {
        signer: signer_for(&args.connect.signing, &target, &runtime)?,
        ..ClientConfig::default()
    };
    let probe = Client::new(&url, first.model.clone(), client.clone())?;
    let says = runtime.block_on(endpoint_facts::self_description(&probe));
    if !signed {
        let services: Vec<&Service> = chosen.iter().map(|c| c.service.as_ref()).collect();
        runtime.block_on(endpoint_facts::answers_unsigned(&url, &services, &client))?;
    }
    let judging = Judging {
        target,
        client,
        // A fresh run id: a second run against the same endpoint never meets the first's
        // names and tokens.
        run_id: args.run_id.clone().unwrap_or_else(new_run_id),
        reports: args
            .reports
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("reports/conformance/{}", args.name))),
        jobs: args.jobs,
    };
    let judged = runtime.block_on(judging.judge_all(chosen))?;
    let runs: Vec<PackRun> = judged.iter().map(judge::Judged::as_run).collect();
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
        endpoint: url.clone(),
        says,
        run_id: judging.run_id.clone(),
        date: report::today(),
        command: format!(
            "proton-conform conformance --name {} --endpoint {url}{sign}",
            args.name
        ),
        reproduce: format!(
            "proton-conform --service SERVICE run --endpoint {url}{sign} --contract-profile conformance FILE"
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
        judging.reports.display()
    );
    Ok(if findings == 0 {
        Exit::Success
    } else {
        Exit::Failures
    })
}
