//! `snapshot` steps: an earlier exchange, redacted, against the stored snapshot.

use std::time::Duration;

use super::memory::Memory;
use super::scope::{At, Scope, StepOutcome, errored, failed};
use crate::snapshot::Compared;

/// `snapshot`: the redacted exchange of an earlier step against its stored snapshot.
pub(super) fn snapshot(
    scope: &Scope<'_>,
    memory: &mut Memory,
    at: At<'_>,
    target: &str,
) -> Result<(), StepOutcome> {
    let Some(store) = scope.env.snapshots else {
        scope.record(
            at,
            None,
            Duration::ZERO,
            "not run: snapshots are off for this run".into(),
        );
        return Ok(());
    };
    let Some(exchange) = memory.exchanges.get(target) else {
        let message = format!("step `{target}` has no recorded exchange to snapshot");
        return Err(errored(scope.problem(at, None, message)));
    };
    let document = memory.redactor.exchange(exchange);
    let outcome = store
        .check(&scope.scenario.file, target, document)
        .map_err(|e| errored(scope.problem(at, None, e)))?;
    scope.record(
        at,
        None,
        Duration::ZERO,
        format!(
            "snapshot {target}: {}",
            match &outcome {
                Compared::Matched => "matches the stored one".to_string(),
                Compared::Written(p) => format!("written to {}", p.display()),
                Compared::Missing { path, .. } => format!("{} is missing", path.display()),
                Compared::Mismatch {
                    path, differences, ..
                } => format!(
                    "differs from {} in {} member(s)",
                    path.display(),
                    differences.len()
                ),
            }
        ),
    );
    let pending = |p: &Option<std::path::PathBuf>| {
        p.as_ref()
            .map(|p| format!("; the new one is pending in {}", p.display()))
            .unwrap_or_default()
    };
    let mut problem = match outcome {
        Compared::Matched | Compared::Written(_) => return Ok(()),
        Compared::Missing { path, pending: p } => scope.problem(
            at,
            None,
            format!(
                "no snapshot {} yet (record it with --update-snapshots){}",
                path.display(),
                pending(&p)
            ),
        ),
        Compared::Mismatch {
            path,
            differences,
            pending: p,
        } => {
            let mut problem = scope.problem(
                at,
                None,
                format!(
                    "`{target}` differs from {}: {} member(s), first {}{}",
                    path.display(),
                    differences.len(),
                    differences[0],
                    pending(&p)
                ),
            );
            problem.differences = differences;
            problem
        }
    };
    problem.clause = Some("snapshot".into());
    Err(failed(problem))
}
