//! Judging the chosen services: each one's scenarios generated (and written where they are not
//! the committed ones), run against the endpoint, several services at once, and reported.

use std::path::PathBuf;
use std::sync::Arc;

use proton_conform::client::ClientConfig;
use proton_conform::conformance::PackRun;
use proton_conform::contract::Profile;
use proton_conform::error::Error;
use proton_conform::event::{Run, ScenarioResult};
use proton_conform::generate::{Coverage, generate};
use proton_conform::report::{self, HtmlReporter, JunitReporter, Reporter};
use proton_conform::runner::{RunConfig, Target, run_collect};
use proton_conform::scenario::{Scenario, parse};
use proton_conform::service::Service;

use super::services::Chosen;

/// How every service of a run is judged.
pub struct Judging {
    pub target: Target,
    pub client: ClientConfig,
    pub run_id: String,
    /// The HTML and JUnit reports, and the scenarios of services without committed ones.
    pub reports: PathBuf,
    pub jobs: usize,
}

/// One service judged.
pub struct Judged {
    service: Arc<Service>,
    coverage: Vec<(String, &'static str, Coverage)>,
    results: Vec<ScenarioResult>,
    /// Where its scenario files are.
    folder: String,
}

impl Judged {
    pub fn as_run(&self) -> PackRun<'_> {
        PackRun {
            service: &self.service,
            coverage: self.coverage.clone(),
            results: self.results.clone(),
            folder: self.folder.clone(),
        }
    }
}

impl Judging {
    /// Every chosen service, at most `jobs` at once, in the order chosen. Where there are
    /// several, each runs its scenarios one after the other: an emulator's answers may depend
    /// on what another scenario of the service made first, and the order is then the same in
    /// every run.
    pub async fn judge_all(&self, chosen: Vec<Chosen>) -> Result<Vec<Judged>, Error> {
        let total = chosen.len();
        let per_service = if total > 1 { 1 } else { self.jobs };
        let permits = Arc::new(tokio::sync::Semaphore::new(self.jobs));
        let mut running = tokio::task::JoinSet::new();
        let mut planned = Vec::new();
        for (index, c) in chosen.into_iter().enumerate() {
            let (scenarios, judged) = self.plan(c)?;
            if scenarios.is_empty() {
                planned.push((index, judged));
                continue;
            }
            let config = RunConfig {
                service: judged.service.clone(),
                target: self.target.clone(),
                interrupt: None,
                snapshots: None,
                profile: Profile::conformance(),
                client: self.client.clone(),
                jobs: per_service,
                run_id: self.run_id.clone(),
                driver: None,
            };
            let permits = permits.clone();
            running.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let results = run_collect(scenarios, config).await;
                (index, judged, results)
            });
        }
        let mut done = planned.len();
        while let Some(finished) = running.join_next().await {
            let (index, mut judged, results) =
                finished.map_err(|e| Error::internal(format!("a service's run failed: {e}")))?;
            judged.results = results?;
            done += 1;
            eprintln!(
                "[{done}/{total}] {}: {} scenario(s) run",
                judged.service.pack.title,
                judged.results.len()
            );
            self.write_reports(&judged)?;
            planned.push((index, judged));
        }
        planned.sort_by_key(|(index, _)| *index);
        Ok(planned.into_iter().map(|(_, judged)| judged).collect())
    }

    /// A service's scenarios, parsed from where they are (written first where they are not
    /// the committed ones).
    fn plan(&self, chosen: Chosen) -> Result<(Vec<Scenario>, Judged), Error> {
        let service = chosen.service;
        let folder = if chosen.committed {
            format!("generated/{}", service.name())
        } else {
            self.reports
                .join("generated")
                .join(service.name())
                .display()
                .to_string()
        };
        let (files, coverage) = generate(&service);
        if !chosen.committed && !files.is_empty() {
            let written = std::fs::create_dir_all(&folder).and_then(|()| {
                files
                    .iter()
                    .try_for_each(|f| std::fs::write(format!("{folder}/{}", f.file), &f.text))
            });
            written.map_err(|e| Error::io(format!("cannot write {folder}: {e}")))?;
        }
        let scenarios = files
            .iter()
            .map(|f| {
                let file = format!("{folder}/{}", f.file);
                parse(&f.text, &file, &service).map_err(|d| {
                    Error::internal(format!("{file} does not parse: {}", d[0].message))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let judged = Judged {
            service,
            coverage,
            results: Vec::new(),
            folder,
        };
        Ok((scenarios, judged))
    }

    /// The service's results as an HTML page and a JUnit file.
    fn write_reports(&self, judged: &Judged) -> Result<(), Error> {
        let service = &judged.service;
        let mut reporters: Vec<Box<dyn Reporter>> = vec![
            Box::new(HtmlReporter::new(
                &self.reports.join(format!("{}.html", service.name())),
                service.clone(),
            )),
            Box::new(JunitReporter::new(
                &self.reports.join(format!("{}.xml", service.name())),
                service.clauses(),
            )),
        ];
        let endpoint = match &self.target {
            Target::Endpoint(url) => url.as_str(),
            Target::Embedded(_) => "embedded",
        };
        let run = Run::new(&self.run_id, endpoint, "conformance");
        report::write_results(
            &mut reporters,
            run,
            &judged.results,
            std::time::Duration::ZERO,
        )
        .map_err(|e| Error::io(format!("cannot write the reports: {e}")))?;
        Ok(())
    }
}
