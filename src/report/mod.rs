//! Reporters: they consume [`Event`]s and write the console, JUnit and JSON lines. They never
//! reach into the runner.

mod console;
mod html;
mod json;
mod junit;
mod render;
mod results;

pub use console::{ConsoleReporter, progress_wanted};
pub use html::HtmlReporter;
pub use json::JsonReporter;
pub use junit::{JunitReporter, junit_report, merge_reports};
pub use render::render_problem;
pub use results::{ResultsReporter, merge_records, replay};

use crate::event::Event;

/// Something that consumes the run's events, one at a time, in the order they happen.
pub trait Reporter: Send {
    fn event(&mut self, event: &Event);
    /// Called once after the last event; writes files.
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
