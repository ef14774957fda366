//! Human output on stderr: one line per scenario in input order, failures in full at the end,
//! then a summary. Colour follows the terminal and `NO_COLOR` (anstream).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use anstyle::{AnsiColor, Style};

use super::Reporter;
use super::render::render_problem;
use crate::contract::Clause;
use crate::event::{Event, ScenarioResult, Summary, Verdict};

pub struct ConsoleReporter {
    verbose: bool,
    /// The catalogue a failure's clause is explained from.
    clauses: Vec<Clause>,
    /// Whether to draw a progress bar (see [`progress_wanted`]).
    show_progress: bool,
    /// A progress bar, on a terminal only; lines print above it.
    progress: Option<indicatif::ProgressBar>,
    /// Finished results not yet printed because an earlier scenario is still running.
    pending: BTreeMap<usize, ScenarioResult>,
    next: usize,
    failures: Vec<ScenarioResult>,
    /// Verdicts so far, for the bar.
    counts: Summary,
    /// `--verbose`: each running scenario's exchanges, printed under its line when it is
    /// printed, so that scenarios running at once never interleave.
    exchanges: BTreeMap<usize, String>,
}

impl ConsoleReporter {
    pub fn new(verbose: bool, clauses: &[Clause]) -> Self {
        Self {
            verbose,
            clauses: clauses.to_vec(),
            show_progress: false,
            progress: None,
            pending: BTreeMap::new(),
            next: 0,
            failures: Vec::new(),
            counts: Summary::default(),
            exchanges: BTreeMap::new(),
        }
    }

    /// Draws a progress bar (counts and elapsed time) under the lines while the run goes on.
    pub fn with_progress(mut self, show: bool) -> Self {
        self.show_progress = show;
        self
    }

    fn print_ready(&mut self) {
        while let Some(result) = self.pending.remove(&self.next) {
            self.next += 1;
            let exchanges = self.exchanges.remove(&result.index).unwrap_or_default();
            let print = || {
                print_line(&result);
                if !exchanges.is_empty() {
                    let _ = write!(anstream::stderr().lock(), "{exchanges}");
                }
            };
            match &self.progress {
                Some(bar) => bar.suspend(print),
                None => print(),
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

/// A bar only for a person watching a terminal: never in CI, never when stderr is a pipe or a
/// file, and never when the JSON event stream goes to the same terminal it would garble.
pub fn progress_wanted(stderr_terminal: bool, ci: bool, json_on_terminal: bool) -> bool {
    stderr_terminal && !ci && !json_on_terminal
}

fn new_bar(scenarios: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(scenarios as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let style = indicatif::ProgressStyle::with_template(
        "{elapsed_precise} [{bar:30}] {pos}/{len} scenarios {msg}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
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
            Event::RunStarted { run, scenarios } => {
                let mut err = anstream::stderr().lock();
                let _ = writeln!(
                    err,
                    "running {scenarios} scenario(s) against {} (profile {}, run {})",
                    run.endpoint, run.profile, run.run_id
                );
                if self.show_progress {
                    self.progress = Some(new_bar(*scenarios));
                }
            }
            Event::StepFinished { index, step } if self.verbose => {
                let text = self.exchanges.entry(*index).or_default();
                let _ = writeln!(text, "      {} › {}", step.phase, step.step);
                for line in step.exchange_text.lines() {
                    let _ = writeln!(text, "        {line}");
                }
            }
            Event::ScenarioFinished { result } => {
                self.counts.add(&result.verdict);
                if let Some(bar) = &self.progress {
                    bar.inc(1);
                    bar.set_message(format!(
                        "({} passed, {} failed, {} errors)",
                        self.counts.passed, self.counts.failed, self.counts.errored
                    ));
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
                            let _ = writeln!(
                                err,
                                "{}",
                                render_problem(&r.file, problem, &self.clauses)
                            );
                        }
                    }
                }
                print_summary(summary);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::progress_wanted;

    #[test]
    fn the_bar_is_for_a_person_at_a_terminal_only() {
        assert!(progress_wanted(true, false, false));
        assert!(!progress_wanted(false, false, false), "a pipe or a file");
        assert!(!progress_wanted(true, true, false), "CI");
        assert!(
            !progress_wanted(true, false, true),
            "JSON on the same terminal"
        );
    }
}
