//! The one rendering of a failure or error, shared by the console and JUnit.

use std::fmt::Write as _;

use crate::contract::Clause;
use crate::diagnostic::Diagnostic;
use crate::event::Problem;

/// A problem as text: location with snippet, expected and actual, differences by path, and
/// the exchange. The clauses a failure names are explained from `clauses`.
pub fn render_problem(file: &str, problem: &Problem, clauses: &[Clause]) -> String {
    let head = match &problem.clause {
        Some(clause) => format!("[{clause}] {}", problem.message),
        None => problem.message.clone(),
    };
    let mut where_ = format!("in {}", problem.phase);
    if !problem.step.is_empty() {
        let _ = write!(where_, " › {}", problem.step);
    }
    if let Some(op) = &problem.operation
        && !problem.step.contains(op.as_str())
    {
        let _ = write!(where_, " ({op})");
    }
    let diagnostic = Diagnostic::new(file, problem.pos, head).label(where_);
    let mut out = diagnostic.render(problem.source.as_deref());
    for id in problem.clause.iter().flat_map(|c| c.split('/')) {
        if let Some(clause) = clauses.iter().find(|c| c.id == id) {
            let link = format!("CONTRACT.md#{}", clause.anchor);
            let _ = writeln!(out, "   = {id}: {} ({link})", clause.summary);
        }
    }
    if let Some(expected) = &problem.expected {
        let _ = writeln!(out, "   expected: {}", indent_rest(expected, 13));
    }
    if let Some(actual) = &problem.actual {
        let _ = writeln!(out, "   actual:   {}", indent_rest(actual, 13));
    }
    if !problem.differences.is_empty() {
        out.push_str("   differences:\n");
        for d in problem.differences.iter().take(20) {
            let _ = writeln!(out, "     {d}");
        }
        if problem.differences.len() > 20 {
            let _ = writeln!(out, "     … {} more", problem.differences.len() - 20);
        }
    }
    if let Some(exchange) = &problem.exchange {
        out.push_str("   exchange:\n");
        for line in exchange.lines() {
            let _ = writeln!(out, "     {line}");
        }
    }
    out
}

fn indent_rest(text: &str, width: usize) -> String {
    text.replace('\n', &format!("\n{}", " ".repeat(width)))
}
