//! Human output on stderr: one line per scenario in input order, failures in full at the end,
//! then a summary. Colour follows the terminal and `NO_COLOR` (anstream).

use std::collections::BTreeMap;
use std::io::Write;

use anstyle::{AnsiColor, Style};

use super::Reporter;
use super::render::render_problem;
use crate::event::{Event, ScenarioResult, Summary, Verdict};

pub struct ConsoleReporter {
    verbose: bool,
    /// A progress bar, on a terminal only; lines print above it.
    progress: Option<indicatif::ProgressBar>,
    /// Finished results not yet printed because an earlier scenario is still running.
    pending: BTreeMap<usize, ScenarioResult>,
    next: usize,
    failures: Vec<ScenarioResult>,
    names: BTreeMap<usize, String>,
}

impl ConsoleReporter {
    pub fn new(verbose: bool) -> Self {
        Self {
            verbose,
            progress: None,
            pending: BTreeMap::new(),
            next: 0,
            failures: Vec::new(),
            names: BTreeMap::new(),
        }
    }

    fn print_ready(&mut self) {
        while let Some(result) = self.pending.remove(&self.next) {
            self.next += 1;
            match &self.progress {
                Some(bar) => bar.suspend(|| print_line(&result)),
                None => print_line(&result),
            }
            if matches!(
                result.verdict,
                Verdict::Failed { .. } | Verdict::Errored { .. }
            ) {
                self.failures.push(result);
            }
        }
    }
}

fn style(verdict: &Verdict) -> Style {
    let color = match verdict {
        Verdict::Passed => AnsiColor::Green,
        Verdict::Failed { .. } | Verdict::Errored { .. } => AnsiColor::Red,
        Verdict::Skipped { .. } => AnsiColor::Yellow,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

fn print_line(result: &ScenarioResult) {
    let mut err = anstream::stderr().lock();
    let s = style(&result.verdict);
    let label = result.verdict.label();
    let ms = result.duration.as_millis();
    let _ = write!(
        err,
        "{s}{label:>5}{s:#} {} ({ms} ms) {}",
        result.file, result.name
    );
    match &result.verdict {
        Verdict::Skipped { reason } => {
            let _ = write!(err, "\n      skipped: {reason}");
        }
        Verdict::Failed { problem } | Verdict::Errored { problem } => {
            let clause = problem
                .clause
                .as_deref()
                .map(|c| format!("[{c}] "))
                .unwrap_or_default();
            let _ = write!(err, "\n      {clause}{}", problem.message);
        }
        Verdict::Passed => {}
    }
    let _ = writeln!(err);
    for warning in &result.warnings {
        let w = Style::new().fg_color(Some(AnsiColor::Yellow.into()));
        let _ = writeln!(err, "      {w}warning:{w:#} {warning}");
    }
}

fn print_summary(summary: &Summary) {
    let mut err = anstream::stderr().lock();
    let s = if summary.all_good() {
        Style::new().fg_color(Some(AnsiColor::Green.into())).bold()
    } else {
        Style::new().fg_color(Some(AnsiColor::Red.into())).bold()
    };
    let _ = writeln!(
        err,
        "{s}summary:{s:#} {} passed, {} failed, {} errors, {} skipped in {:.2}s",
        summary.passed,
        summary.failed,
        summary.errored,
        summary.skipped,
        summary.duration.as_secs_f64()
    );
}

impl Reporter for ConsoleReporter {
    fn event(&mut self, event: &Event) {
        match event {
            Event::RunStarted {
                run_id,
                endpoint,
                profile,
                scenarios,
            } => {
                let mut err = anstream::stderr().lock();
                let _ = writeln!(
                    err,
                    "running {scenarios} scenario(s) against {endpoint} (profile {profile}, run {run_id})"
                );
            }
            Event::ScenarioStarted { index, file, .. } => {
                self.names.insert(*index, file.clone());
            }
            Event::StepFinished { index, step } if self.verbose => {
                let file = self.names.get(index).map_or("", String::as_str);
                let mut err = anstream::stderr().lock();
                let _ = writeln!(err, "      {file} {} › {}", step.phase, step.step);
                for line in step.exchange_text.lines() {
                    let _ = writeln!(err, "        {line}");
                }
            }
            Event::ScenarioFinished { result } => {
                if let Some(bar) = &self.progress {
                    bar.inc(1);
                }
                self.pending.insert(result.index, result.clone());
                self.print_ready();
            }
            Event::RunFinished { summary } => {
                if let Some(bar) = self.progress.take() {
                    bar.finish_and_clear();
                }
                // Anything still pending (cannot happen in order, but never lose a line).
                let rest: Vec<_> = std::mem::take(&mut self.pending).into_values().collect();
                for r in rest {
                    print_line(&r);
                    if matches!(r.verdict, Verdict::Failed { .. } | Verdict::Errored { .. }) {
                        self.failures.push(r);
                    }
                }
                if !self.failures.is_empty() {
                    let mut err = anstream::stderr().lock();
                    let _ = writeln!(err, "\nfailures:\n");
                    for r in &self.failures {
                        if let Verdict::Failed { problem } | Verdict::Errored { problem } =
                            &r.verdict
                        {
                            let s = style(&r.verdict);
                            let _ = writeln!(
                                err,
                                "{s}{}{s:#} {} — {}",
                                r.verdict.label(),
                                r.file,
                                r.name
                            );
                            let _ = writeln!(err, "{}", render_problem(&r.file, problem));
                        }
                    }
                }
                print_summary(summary);
            }
            _ => {}
        }
    }
}
