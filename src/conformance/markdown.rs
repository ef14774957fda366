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
        "Every service pack's generated scenarios (`generated/`) against {}, with the \
         `conformance` contract profile. Each clause is judged against the AWS documentation \
         linked in its row, and defined in [CONTRACT.md](../CONTRACT.md#any-aws-services-token-operations); \
         the scenario file of a row reproduces it (the command is above).\n",
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

/// Per service: its token operations, and how many rows of each kind; then the two figures
/// an endpoint is graded by, never added together.
fn summary(out: &mut String, runs: &[PackRun], rows: &[Row]) {
    out.push_str("| service | token operations | tried | implemented | with a finding | kept | broken | deviations | not implemented | not reached | unknown |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
    let mut total = BTreeMap::<&str, usize>::new();
    let (mut operations, mut tried, mut implemented, mut faulty) = (0, 0, 0, 0);
    for run in runs {
        let title = run.service.pack.title.as_str();
        let mine: Vec<&Row> = rows.iter().filter(|r| r.title == title).collect();
        let ops: std::collections::BTreeSet<&str> =
            run.coverage.iter().map(|(op, _, _)| op.as_str()).collect();
        let not_served = |op: &&str| {
            mine.iter()
                .any(|r| r.operation == *op && matches!(r.judgement, Judgement::NotImplemented(_)))
        };
        // Tried: a scenario ran for it (the documentation decided something).
        let tried_here: Vec<&&str> = ops
            .iter()
            .filter(|op| {
                mine.iter()
                    .any(|r| r.operation == **op && r.judgement != Judgement::Unknown)
            })
            .collect();
        let served = tried_here.iter().filter(|op| !not_served(op)).count();
        let with_finding = ops
            .iter()
            .filter(|op| {
                mine.iter()
                    .any(|r| r.operation == **op && r.judgement.is_finding())
            })
            .count();
        let count = |word: &str| mine.iter().filter(|r| r.judgement.word() == word).count();
        let words = [
            "kept",
            "broken",
            "deviation",
            "not implemented",
            "not reached",
            "unknown",
        ];
        let counts: Vec<String> = words.iter().map(|w| count(w).to_string()).collect();
        for w in words {
            *total.entry(w).or_default() += count(w);
        }
        let _ = writeln!(
            out,
            "| {title} | {} | {} | {served} | {with_finding} | {} |",
            ops.len(),
            tried_here.len(),
            counts.join(" | ")
        );
        operations += ops.len();
        tried += tried_here.len();
        implemented += served;
        faulty += with_finding;
    }
    let percent = |n: usize, of: usize| {
        (n * 100 + of / 2)
            .checked_div(of)
            .map_or("-".to_string(), |p| format!("{p}%"))
    };
    let _ = writeln!(
        out,
        "\n{} kept, {} broken, {} deviations, {} not implemented, {} not reached, {} unknown. \
         Coverage (token operations it implements, of those tried): {implemented} of {tried}, {} \
         ({} of {operations} not tried: their documentation decides nothing). \
         Divergence (implemented operations with a finding): {faulty} of {implemented}, {}.",
        total["kept"],
        total["broken"],
        total["deviation"],
        total["not implemented"],
        total["not reached"],
        total["unknown"],
        percent(implemented, tried),
        operations - tried,
        percent(faulty, implemented),
    );
}

/// The report without its run block: what a fresh run must give again.
pub fn without_run_block(report: &str) -> String {
    let (open, close) = RUN_BLOCK;
    match (report.find(open), report.find(close)) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &report[..a], &report[b + close.len()..]),
        _ => report.to_string(),
    }
}
