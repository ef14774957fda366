//! Reporters: they consume [`Event`]s and write the console, JUnit and JSON lines. They never
//! reach into the runner.

mod console;
mod html;
mod json;
mod junit;
mod render;
mod results;

pub use console::{ConsoleReporter, progress_wanted};
pub use html::{HtmlReporter, today};
pub use json::JsonReporter;
pub use junit::{JunitReporter, junit_report, merge_reports};
pub use render::render_problem;
pub use results::{ResultsReporter, merge_records, replay};

use crate::event::{Event, Run, ScenarioResult, Summary};

/// Something that consumes the run's events, one at a time, in the order they happen.
pub trait Reporter: Send {
    fn event(&mut self, event: &Event);
    /// Called once after the last event; writes files.
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Feeds results gathered elsewhere (sdk-check's drivers, conformance's packs) to reporters as
/// the events of one run, numbered in order, and has them write their files. `duration` is the
/// run's wall time. Returns the run's summary.
pub fn write_results(
    reporters: &mut [Box<dyn Reporter>],
    run: Run,
    results: &[ScenarioResult],
    duration: std::time::Duration,
) -> std::io::Result<Summary> {
    let mut summary = Summary::default();
    let mut events = vec![Event::RunStarted {
        run,
        scenarios: results.len(),
    }];
    for (index, result) in results.iter().enumerate() {
        summary.add(&result.verdict);
        let mut result = result.clone();
        result.index = index;
        events.push(Event::ScenarioStarted {
            index,
            file: result.file.clone(),
            name: result.name.clone(),
        });
        events.push(Event::ScenarioFinished { result });
    }
    summary.duration = duration;
    events.push(Event::RunFinished {
        summary: summary.clone(),
    });
    for event in &events {
        for r in reporters.iter_mut() {
            r.event(event);
        }
    }
    for r in reporters.iter_mut() {
        r.finish()?;
    }
    Ok(summary)
}
