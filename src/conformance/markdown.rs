//! The conformance report as Markdown: what varies between runs (the endpoint's address, the
//! date, the run id) in one marked block at the top, then words that do not, so that a
//! committed report can be checked fresh.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::row::{Judgement, PackRun, Row};

/// What the report says of its run.
pub struct RunInfo {
    /// The endpoint's name in the report (`moto`).
    pub name: String,
    pub endpoint: String,
    /// What the endpoint says of itself, where it can be asked.
    pub says: Option<String>,
    pub run_id: String,
    /// The date, `YYYY-MM-DD` (UTC).
    pub date: String,
    /// The command that makes this report again.
    pub command: String,
    /// The command that reproduces one row, `FILE` and `SERVICE` for the row's.
    pub reproduce: String,
}

/// The line that opens and the line that closes the block that varies between runs.
pub const RUN_BLOCK: (&str, &str) = ("<!-- run -->", "<!-- /run -->");

const LEGEND: &str = "\
- **kept**: the endpoint did what the documentation says.
- **broken**: it did not; the row says what the documentation says and what came.
- **deviation** (G2, G3): an answer breaks the protocol or the model in a way the SDKs read past;
  the token clauses were judged on that answer all the same.
- **not implemented**: the endpoint does not serve the operation (404, 501, an unknown operation).
- **not reached**: the clause could not be judged, and the row says why (a precondition failed,
  the endpoint crashed, it offers no clock to move); it counts neither for nor against.
- **unknown**: the documentation does not decide the point, so nothing is judged.
";

/// The report.
pub fn markdown(info: &RunInfo, runs: &[PackRun]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: conformance to the documented idempotency contracts\n",
        info.name
    );
    let _ = writeln!(out, "{}", RUN_BLOCK.0);
    let _ = writeln!(out, "| run | |\n|---|---|");
    let _ = writeln!(out, "| endpoint | {} |", info.endpoint);
    if let Some(says) = &info.says {
        let _ = writeln!(out, "| it says | {says} |");
    }
    let _ = writeln!(
        out,
        "| harness | proton-conform {} |",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(out, "| date | {} |", info.date);
    let _ = writeln!(out, "| run id | {} |", info.run_id);
    let _ = writeln!(out, "| made by | `{}` |", info.command);
    let _ = writeln!(out, "| a row again | `{}` |", info.reproduce);
    let _ = writeln!(out, "{}\n", RUN_BLOCK.1);
    let _ = writeln!(
        out,
        "Each service's generated scenarios against {}, with the `conformance` contract \
         profile: a bundled pack's are the committed `generated/<service>/`, any other \
         service's are generated from its model alone and written beside the reports. Each \
         clause is judged against what its row links: the AWS documentation where a pack read \
         it, else the Smithy `idempotencyToken` trait, which says only that a retry has no \
         second effect; clauses are defined in [CONTRACT.md](../CONTRACT.md#any-aws-services-token-operations). \
         The scenario file of a row reproduces it (the command is above).\n",
        info.name
    );
    out.push_str(LEGEND);
    let rows: Vec<Row> = runs.iter().flat_map(PackRun::rows).collect();
    out.push('\n');
    summary(&mut out, runs, &rows);
    out.push_str("\n| service | operation | clause | verdict | documentation | scenario |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    // Findings first, each service's in its own order.
    let (findings, rest): (Vec<&Row>, Vec<&Row>) =
        rows.iter().partition(|r| r.judgement.is_finding());
    for row in findings.into_iter().chain(rest) {
        let service = runs.iter().find(|r| r.service.pack.title == row.title);
        let linked: Vec<String> = row
            .clause
            .split(", ")
            .map(|id| match service.and_then(|r| r.service.clause(id)) {
                Some(c) if !c.anchor.is_empty() => format!("[{id}](../CONTRACT.md#{})", c.anchor),
                _ => id.to_string(),
            })
            .collect();
        let clause = linked.join(", ");
        let doc = if row.source.is_empty() {
            String::new()
        } else {
            format!("[doc]({})", row.source)
        };
        let file = row
            .file
            .as_ref()
            .map_or(String::new(), |f| format!("`{f}`"));
        let _ = writeln!(
            out,
            "| {} | {} | {clause} | {} | {doc} | {file} |",
            row.title,
            row.operation,
            row.judgement.text()
        );
    }
    out
}

/// What one service's rows say of its operations.
#[derive(Default)]
struct Tally {
    operations: usize,
    /// Operations with a verdict on a token clause (kept or broken).
    judged: usize,
    /// Operations it answered on (a verdict or a deviation).
    implemented: usize,
    not_implemented: usize,
    /// Implemented operations with a finding.
    faulty: usize,
    rows: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn of(run: &PackRun, rows: &[&Row]) -> Tally {
        let ops: std::collections::BTreeSet<&str> =
            run.coverage.iter().map(|(op, _, _)| op.as_str()).collect();
        let has = |op: &str, pick: &dyn Fn(&Judgement) -> bool| {
            rows.iter().any(|r| r.operation == op && pick(&r.judgement))
        };
        let mut tally = Tally {
            operations: ops.len(),
            ..Tally::default()
        };
        for row in rows {
            *tally.rows.entry(row.judgement.word()).or_default() += 1;
        }
        if !run.served() {
            tally.not_implemented = ops.len();
            return tally;
        }
        for op in ops {
            let judged = has(op, &|j| {
                matches!(j, Judgement::Kept | Judgement::Broken { .. })
            });
            tally.judged += usize::from(judged);
            if judged || has(op, &|j| matches!(j, Judgement::Deviation(_))) {
                tally.implemented += 1;
                tally.faulty += usize::from(has(op, &Judgement::is_finding));
            } else if has(op, &|j| matches!(j, Judgement::NotImplemented(_))) {
                tally.not_implemented += 1;
            }
        }
        tally
    }

    fn add(&mut self, other: &Tally) {
        self.operations += other.operations;
        self.judged += other.judged;
        self.implemented += other.implemented;
        self.not_implemented += other.not_implemented;
        self.faulty += other.faulty;
        for (word, n) in &other.rows {
            *self.rows.entry(word).or_default() += n;
        }
    }

    fn count(&self, word: &str) -> usize {
        self.rows.get(word).copied().unwrap_or(0)
    }

    /// Coverage: of the operations whose implementation was observed either way, the share
    /// it implements. Divergence: of those it implements, the share with a finding.
    fn figures(&self) -> (String, String) {
        (
            percent(self.implemented, self.implemented + self.not_implemented),
            percent(self.faulty, self.implemented),
        )
    }
}

fn percent(n: usize, of: usize) -> String {
    (n * 100 + of / 2)
        .checked_div(of)
        .map_or("-".to_string(), |p| format!("{p}%"))
}

const WORDS: [&str; 6] = [
    "kept",
    "broken",
    "deviation",
    "not implemented",
    "not reached",
    "unknown",
];

/// Per service: its token operations, how many were judged, the rows of each kind and the two
/// figures an endpoint is graded by (never added together); then the same for all, and the
/// rows not reached by their reason.
fn summary(out: &mut String, runs: &[PackRun], rows: &[Row]) {
    out.push_str("| service | token operations | judged | coverage | divergence | kept | broken | deviations | not implemented | not reached | unknown |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
    let mut total = Tally::default();
    for run in runs {
        let title = run.service.pack.title.as_str();
        let mine: Vec<&Row> = rows.iter().filter(|r| r.title == title).collect();
        let tally = Tally::of(run, &mine);
        let (coverage, divergence) = tally.figures();
        let counts: Vec<String> = WORDS.iter().map(|w| tally.count(w).to_string()).collect();
        let _ = writeln!(
            out,
            "| {title} | {} | {} | {coverage} | {divergence} | {} |",
            tally.operations,
            tally.judged,
            counts.join(" | ")
        );
        total.add(&tally);
    }
    let (coverage, divergence) = total.figures();
    let _ = writeln!(
        out,
        "\n{} token operations, {} judged (kept or broken on a token clause). Rows: {} kept, {} broken, {} deviations, {} not implemented, {} not reached, {} unknown. \
         Coverage (operations it implements, of those whose implementation was seen either way): {} of {}, {coverage}. \
         Divergence (implemented operations with a finding): {} of {}, {divergence}. \
         An observation that failed (a crash, a timeout, a setup that could not be done) counts for neither.",
        total.operations,
        total.judged,
        total.count("kept"),
        total.count("broken"),
        total.count("deviation"),
        total.count("not implemented"),
        total.count("not reached"),
        total.count("unknown"),
        total.implemented,
        total.implemented + total.not_implemented,
        total.faulty,
        total.implemented,
    );
    not_reached_by_reason(out, rows);
}

/// The rows not reached, counted by the kind of their reason.
fn not_reached_by_reason(out: &mut String, rows: &[Row]) {
    let mut reasons = BTreeMap::<&str, usize>::new();
    for row in rows {
        if let Judgement::NotReached(why) = &row.judgement {
            *reasons.entry(reason_kind(why)).or_default() += 1;
        }
    }
    if reasons.is_empty() {
        return;
    }
    out.push_str("\n| not reached, because | rows |\n|---|---|\n");
    let mut sorted: Vec<(&str, usize)> = reasons.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (kind, n) in sorted {
        let _ = writeln!(out, "| {kind} | {n} |");
    }
}

/// The kind of a reason a row was not reached, in a few words.
fn reason_kind(why: &str) -> &'static str {
    const KINDS: &[(&str, &str)] = &[
        (
            "the endpoint answered HTTP 5",
            "the endpoint answered 5xx (a crash, or an operation it does not implement)",
        ),
        (
            "does not implement",
            "an operation the scenario needs first is not implemented",
        ),
        (
            "needs a fixture",
            "the model does not say how to make what it needs (a pack fixture would)",
        ),
        ("protocol", "a protocol the harness does not speak yet"),
        ("does not offer", "the endpoint offers no clock to move"),
        ("setup step", "a setup step failed"),
    ];
    KINDS
        .iter()
        .find(|(needle, _)| why.contains(needle))
        .map_or("another check stopped the scenario first", |(_, kind)| kind)
}

/// The report without its run block: what a fresh run must give again.
pub fn without_run_block(report: &str) -> String {
    let (open, close) = RUN_BLOCK;
    match (report.find(open), report.find(close)) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &report[..a], &report[b + close.len()..]),
        _ => report.to_string(),
    }
}
