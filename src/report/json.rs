//! `--format json`: one JSON object per event, per line, on stdout.

use std::io::Write;

use super::Reporter;
use crate::event::Event;

pub struct JsonReporter<W: Write + Send> {
    out: W,
}

impl<W: Write + Send> JsonReporter<W> {
    pub fn new(out: W) -> Self {
        Self { out }
    }
}

impl<W: Write + Send> Reporter for JsonReporter<W> {
    fn event(&mut self, event: &Event) {
        if let Ok(line) = serde_json::to_string(event) {
            let _ = writeln!(self.out, "{line}");
        }
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
