//! One row of a conformance report: an operation and clause of a pack, and its verdict in the
//! report's one vocabulary, in words that do not vary between runs.

use crate::event::{Problem, ScenarioResult, Verdict};
use crate::generate::Coverage;
use crate::service::Service;

/// A verdict on one operation and clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    /// The endpoint did what the documentation says.
    Kept,
    /// It did not: what the documentation says, and what came.
    Broken { expected: String, got: String },
    /// The answer broke the protocol or the model (G2, G3) in a way the SDKs read past.
    Deviation(String),
    /// The endpoint does not serve the operation.
    NotImplemented(String),
    /// The clause could not be judged, and why; it counts neither for nor against.
    NotReached(String),
    /// The documentation does not decide the point: nothing is judged.
    Unknown,
}

impl Judgement {
    /// The report's word for it.
    pub fn word(&self) -> &'static str {
        match self {
            Judgement::Kept => "kept",
            Judgement::Broken { .. } => "broken",
            Judgement::Deviation(_) => "deviation",
            Judgement::NotImplemented(_) => "not implemented",
            Judgement::NotReached(_) => "not reached",
            Judgement::Unknown => "unknown",
        }
    }

    /// The verdict cell: the word and what stands behind it.
    pub fn text(&self) -> String {
        match self {
            Judgement::Kept => "kept".into(),
            Judgement::Broken { expected, got } => {
                format!("**broken**: expected {expected}, got {got}")
            }
            Judgement::Deviation(what) => format!("**deviation**: {what}"),
            Judgement::NotImplemented(why) => format!("not implemented ({why})"),
            Judgement::NotReached(why) => format!("not reached ({why})"),
            Judgement::Unknown => "unknown".into(),
        }
    }

    /// Whether the endpoint was found at fault.
    pub fn is_finding(&self) -> bool {
        matches!(self, Judgement::Broken { .. } | Judgement::Deviation(_))
    }
}

/// One row.
#[derive(Debug, Clone)]
pub struct Row {
    pub title: String,
    pub operation: String,
    pub clause: String,
    pub judgement: Judgement,
    /// The documentation page of the operation's contract.
    pub source: String,
    /// The scenario file that reproduces it.
    pub file: Option<String>,
}

/// One pack's part of the report: its coverage and the results of its generated scenarios.
pub struct PackRun<'a> {
    pub service: &'a Service,
    pub coverage: Vec<(String, &'static str, Coverage)>,
    pub results: Vec<ScenarioResult>,
    /// Where the scenario files are, for the reproduce column (`generated/<service>`).
    pub folder: String,
}

impl PackRun<'_> {
    /// Whether the endpoint serves the service at all: some scenario ran, and not every one
    /// was answered only with a missing route (404, 501) or a server error. moto answers a
    /// service it has no backend for with a 500 to every call.
    pub fn served(&self) -> bool {
        let ran: Vec<&ScenarioResult> = self.results.iter().collect();
        ran.is_empty()
            || ran.iter().any(|r| match &r.verdict {
                Verdict::Failed { problem } | Verdict::Errored { problem } => {
                    !(not_implemented(problem) || server_error(problem).is_some())
                }
                _ => true,
            })
    }

    /// The rows of the pack: one per operation and clause, then one per deviation (G2, G3)
    /// its scenarios recorded on an operation; for a service the endpoint does not serve, one.
    pub fn rows(&self) -> Vec<Row> {
        if !self.served() {
            return vec![Row {
                title: self.service.pack.title.clone(),
                operation: format!("all {} token operations", self.token_operations()),
                clause: String::new(),
                judgement: Judgement::NotImplemented(
                    "every call answered with a missing route or a server error: the service is not served".into(),
                ),
                source: String::new(),
                file: None,
            }];
        }
        self.rows_of_each()
    }

    /// How many token operations the pack has.
    pub fn token_operations(&self) -> usize {
        self.coverage
            .iter()
            .map(|(op, _, _)| op)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    }

    fn rows_of_each(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        let title = &self.service.pack.title;
        for (operation, clause, coverage) in &self.coverage {
            let source = self
                .service
                .pack
                .tokens
                .iter()
                .find(|t| &t.operation == operation)
                .map_or(String::new(), |t| t.source.clone());
            let (judgement, file) = match coverage {
                // Where no documentation was read, "unknown" says nothing of the endpoint.
                Coverage::Unknown if !self.service.pack.documented => continue,
                Coverage::Unknown => (Judgement::Unknown, None),
                Coverage::NeedsFixture(why) => (
                    Judgement::NotReached(format!("needs a fixture: {why}")),
                    None,
                ),
                Coverage::Unspoken(why) => (Judgement::NotReached(why.clone()), None),
                Coverage::Generated(file) => {
                    let path = format!("{}/{file}", self.folder);
                    let result = self.results.iter().find(|r| r.file.ends_with(&path));
                    (judge(result, operation, clause), Some(path))
                }
            };
            rows.push(Row {
                title: title.clone(),
                operation: operation.clone(),
                clause: clause.to_string(),
                judgement,
                source: source.clone(),
                file,
            });
            if let Coverage::Generated(file) = coverage {
                let path = format!("{}/{file}", self.folder);
                for deviation in self
                    .results
                    .iter()
                    .filter(|r| r.file.ends_with(&path))
                    .flat_map(|r| &r.deviations)
                    .filter(|d| answered_itself(d, operation))
                {
                    let clause = deviation.clause.clone().unwrap_or_default();
                    let what = first_clause(&deviation.message);
                    let seen = rows.iter().any(|r| {
                        r.operation == *operation
                            && r.clause == clause
                            && r.judgement == Judgement::Deviation(what.clone())
                    });
                    if !seen {
                        rows.push(Row {
                            title: title.clone(),
                            operation: operation.clone(),
                            clause,
                            judgement: Judgement::Deviation(what),
                            source: source.clone(),
                            file: Some(path.clone()),
                        });
                    }
                }
            }
        }
        merged(rows)
    }
}

/// The rows with those of one operation that no scenario stands behind and that say the same
/// (unknown, or not reached for one reason) as one row of several clauses (`CT1, CT2`).
fn merged(rows: Vec<Row>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    for row in rows {
        if row.file.is_none()
            && let Some(last) = out.last_mut().filter(|l| {
                l.file.is_none() && l.operation == row.operation && l.judgement == row.judgement
            })
        {
            last.clause = format!("{}, {}", last.clause, row.clause);
            continue;
        }
        out.push(row);
    }
    out
}

/// Whether a deviation was in the answer of the operation judged, and an answer it gave as
/// an implementation (not the page of a route it does not have).
fn answered_itself(deviation: &Problem, operation: &str) -> bool {
    called(deviation) == Some(operation) && !not_implemented(deviation)
}

/// The operation of a problem's exchange: the call that was answered.
fn called(problem: &Problem) -> Option<&str> {
    problem
        .exchange
        .as_deref()
        .and_then(|e| e.trim_start().strip_prefix("-> "))
        .and_then(|e| e.split_whitespace().next())
}

/// The verdict of one clause's scenario.
fn judge(result: Option<&ScenarioResult>, operation: &str, clause: &str) -> Judgement {
    let Some(result) = result else {
        return Judgement::NotReached("the scenario did not run".into());
    };
    match &result.verdict {
        Verdict::Passed => Judgement::Kept,
        Verdict::Skipped { reason } => Judgement::NotReached(first_clause(reason)),
        Verdict::Failed { problem } | Verdict::Errored { problem } => {
            if not_implemented(problem) {
                // The exchange names the call that was refused: the operation judged, or one
                // the scenario needs before it.
                return match called(problem) {
                    Some(other) if other != operation => Judgement::NotReached(format!(
                        "the endpoint does not implement {other}, which the scenario needs first"
                    )),
                    _ => Judgement::NotImplemented(got(problem)),
                };
            }
            if problem.clause.as_deref() == Some(clause) {
                return Judgement::Broken {
                    expected: expected(problem),
                    got: got(problem),
                };
            }
            Judgement::NotReached(why_not_reached(problem))
        }
    }
}

/// Why a clause was not reached: the setup step that failed, a crash, or the check that
/// stopped the scenario first.
fn why_not_reached(problem: &Problem) -> String {
    let message = first_clause(&problem.message);
    if let Some(status) = server_error(problem) {
        return format!("the endpoint answered {status} in `{}`", problem.step);
    }
    match (problem.phase.as_str(), problem.clause.as_deref()) {
        ("setup", _) => format!(
            "setup step `{}` failed: {}",
            problem.step,
            message.trim_start_matches(
                "setup could not be done, so the scenario's steps did not run: "
            )
        ),
        (_, Some(on)) => format!("{on}: {message}"),
        (_, None) => format!("an error: {message}"),
    }
}

/// A 5xx answer the problem shows: its status and the first words of its body (the text of
/// an HTML page, not its markup).
fn server_error(problem: &Problem) -> Option<String> {
    let exchange = problem.exchange.as_deref()?;
    let start = exchange.find("<- HTTP 5")?;
    let answer = &exchange[start + 3..];
    // The answer runs to the exchange's duration line, `(12 ms)`.
    let answer = answer
        .lines()
        .take_while(|l| !l.trim_start().starts_with('('))
        .collect::<Vec<_>>()
        .join(" ");
    let (status, body) = answer.split_at(answer.find(' ').map_or(answer.len(), |i| {
        answer[i + 1..]
            .find(' ')
            .map_or(answer.len(), |j| i + 1 + j)
    }));
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().take(12).collect();
    Some(first_clause(&format!("{status}: {}", words.join(" "))))
}

fn expected(problem: &Problem) -> String {
    if let Some(path) = compared_with_earlier(problem) {
        return format!("`{path}` as the first call left it");
    }
    problem
        .expected
        .clone()
        .unwrap_or_else(|| "the documented answer".into())
}

/// The path of a failed path check whose expected value came from an earlier answer (a
/// capture: its value varies between runs, and the scenario does not spell it).
fn compared_with_earlier(problem: &Problem) -> Option<&str> {
    let path = problem.message.strip_prefix('`')?.split("` is ").next()?;
    let expected = problem.expected.as_deref()?;
    let spelled = problem
        .source
        .as_deref()
        .is_some_and(|source| source.contains(expected.trim_matches('"')));
    (!spelled).then_some(path)
}

/// What came instead, without the values that vary (ids, timestamps).
fn got(problem: &Problem) -> String {
    if compared_with_earlier(problem).is_some() {
        // Lists say how many they hold, which does not vary; their values do.
        let count = |text: &str| {
            serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v.as_array().map(Vec::len))
        };
        let actual = problem.actual.as_deref().unwrap_or_default();
        return match (
            count(problem.expected.as_deref().unwrap_or_default()),
            count(actual),
        ) {
            (Some(before), Some(now)) if before != now => {
                format!("{now} where the first call left {before}")
            }
            _ => "other values".into(),
        };
    }
    if !problem.differences.is_empty() {
        return format!(
            "another answer ({} member(s) differ)",
            problem.differences.len()
        );
    }
    let actual = problem.actual.as_deref().unwrap_or(&problem.message);
    match actual.split_once(" (HTTP ") {
        Some((kind, rest)) => {
            let status = rest.split(')').next().unwrap_or_default();
            format!("{kind} (HTTP {status})")
        }
        None if actual.trim_start().starts_with('<') => {
            // moto's unrouted answer is an HTML page, LocalStack's an XML document: their
            // words say nothing of the API.
            let page = if actual.trim_start().starts_with("<?xml") {
                "an XML document"
            } else {
                "an HTML page"
            };
            match answered_status(problem) {
                Some(status) => format!("{page} (HTTP {status})"),
                None => page.into(),
            }
        }
        None => first_clause(actual),
    }
}

/// The status of the last answer in the problem's exchange.
fn answered_status(problem: &Problem) -> Option<String> {
    let exchange = problem.exchange.as_deref()?;
    let (_, after) = exchange.rsplit_once("<- HTTP ")?;
    let status: String = after.chars().take_while(char::is_ascii_digit).collect();
    (!status.is_empty()).then_some(status)
}

/// The first line of a message, up to any JSON it quotes (which holds per-run values).
pub fn first_clause(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().replace('"', "");
    let cut: String = line
        .split('{')
        .next()
        .unwrap_or(&line)
        .trim()
        .chars()
        .take(140)
        .collect();
    cut.trim_end_matches([':', ',', ' ']).to_string()
}

/// An endpoint that does not serve the operation: 404/501, or an unknown-operation error.
fn not_implemented(problem: &Problem) -> bool {
    let text = format!(
        "{} {}",
        problem.message,
        problem.actual.as_deref().unwrap_or("")
    );
    let said = [
        "UnknownOperationException",
        "HTTP 501",
        "HTTP 404",
        "not yet implemented",
        "NotImplemented",
    ]
    .iter()
    .any(|m| text.contains(m));
    // A route the endpoint does not have: a 404 or 501 whatever the body (moto answers an
    // unknown restJson route with an HTML page).
    let unrouted = problem
        .exchange
        .as_deref()
        .is_some_and(|e| e.contains("<- HTTP 404 ") || e.contains("<- HTTP 501 "));
    said || unrouted
}
