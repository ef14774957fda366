//! What a pack must hold of its model before a service is made of the two. Every problem is
//! reported at once, each at its line of the pack's file where it has one.

use super::Pack;
use super::pack::TokenOperation;
use crate::diagnostic::{Diagnostic, Pos};
use crate::duration::parse_duration;
use crate::error::Error;
use crate::model::{COMMON_ERRORS, Model, closest};

/// Every operation the pack names is in the model; its fuzz create has a token; its cleanup
/// listings have a paginator; its token operations their token member and points in the
/// pack's vocabulary; its clauses apply to groups it has.
pub(super) fn pack_fits_model(pack: &Pack, model: &Model) -> Result<(), Error> {
    let at = Locator { pack };
    let mut problems = Vec::new();
    let mut unknown: Vec<&str> = pack
        .named_operations()
        .filter(|op| model.operation(op).is_none())
        .collect();
    unknown.dedup();
    for op in unknown {
        let meant = closest(op, model.operations.keys().map(String::as_str));
        problems.push(
            at.word(op)
                .message(format!(
                    "{op} is not an operation of the model {}",
                    pack.model
                ))
                .help_opt(meant.map(|m| format!("did you mean `{m}`?"))),
        );
    }
    if let Some(fuzz) = &pack.fuzz
        && model
            .idempotency_token_member(&fuzz.token_create.operation)
            .is_none()
    {
        problems.push(at.word("token_create").message(format!(
            "fuzz.token_create: {} has no idempotency token",
            fuzz.token_create.operation
        )));
    }
    for kind in &pack.cleanup {
        let lists = std::iter::once(&kind.list).chain(kind.versions.iter().map(|v| &v.list));
        for list in lists {
            if !model
                .paginators
                .get(list)
                .is_some_and(|p| p.result_key.is_string())
            {
                problems.push(at.word(list).message(format!(
                    "cleanup: {list} has no paginator with one result key"
                )));
            }
        }
    }
    for token in &pack.tokens {
        token_points(&at, model, token, &mut problems);
    }
    for clause in &pack.clauses {
        for group in &clause.applies_to {
            if !pack.operation_groups.contains_key(group) {
                problems.push(at.word(group).message(format!(
                    "clause {} applies to an unknown group {group:?}",
                    clause.id
                )));
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let problems: Vec<Diagnostic> = problems.into_iter().map(Pending::done).collect();
    let text = pack.origin.as_ref().map_or("", |o| &o.text);
    Err(Diagnostic::into_error(problems, text))
}

/// A token operation's member and points, each in the pack's vocabulary: a typo in `retry:`
/// must not become an error type, nor `window: 8 hours` a fixture the pack lacks.
fn token_points(at: &Locator, model: &Model, token: &TokenOperation, problems: &mut Vec<Pending>) {
    let op = &token.operation;
    let member = token
        .member
        .as_deref()
        .or_else(|| model.idempotency_token_member(op));
    let known = model
        .input_shape(op)
        .zip(member)
        .is_some_and(|(shape, m)| shape.members.contains_key(m));
    if !known {
        problems.push(at.point(op, "operation").message(format!(
            "{op} has no token member {}",
            member.unwrap_or("(none marked in the model; name it with `member:`)")
        )));
    }
    let declared: Vec<&str> = model
        .operation(op)
        .map(|o| o.errors.iter().map(|e| e.shape.as_str()).collect())
        .unwrap_or_default();
    let errors = || {
        declared
            .iter()
            .copied()
            .chain(COMMON_ERRORS.iter().copied())
    };
    let an_error = |value: &str| errors().any(|e| e == value);
    let mut check = |key: &str, value: &str, words: &[&str], takes_error: bool| {
        let ok = words.contains(&value)
            || (takes_error && an_error(value))
            || (key == "retry" && value.starts_with("same "))
            || (key == "window" && parse_duration(value).is_ok());
        if !ok {
            let mut candidates: Vec<&str> = words.to_vec();
            if takes_error {
                candidates.extend(errors());
            }
            let meant = closest(value, candidates.iter().copied());
            let expected = match key {
                "window" => "a duration (`10m`, `8h`, `24h`), `none` or `unknown`".to_string(),
                _ => format!(
                    "{}{}",
                    words.join(", "),
                    if takes_error {
                        ", or an error the operation declares or every service may send"
                    } else {
                        ""
                    }
                ),
            };
            problems.push(
                at.point(op, key)
                    .message(format!("{op}: `{key}: {value}` is not one of: {expected}"))
                    .help_opt(meant.map(|m| format!("did you mean `{m}`?"))),
            );
        }
    };
    check(
        "retry",
        &token.retry,
        &["original", "effect", "unknown"],
        true,
    );
    check("mismatch", &token.mismatch, &["any", "unknown"], true);
    check("window", &token.window, &["none", "unknown"], false);
    check(
        "no_token_twice",
        &token.no_token_twice,
        &["two", "unknown"],
        true,
    );
}

/// A problem waiting for its message.
struct Pending(Diagnostic);

impl Pending {
    fn message(mut self, message: String) -> Self {
        self.0.message = message;
        self
    }

    fn help_opt(self, help: Option<String>) -> Self {
        Pending(self.0.help_opt(help))
    }

    fn done(self) -> Diagnostic {
        self.0
    }
}

/// Finds where a pack's file says something.
struct Locator<'a> {
    pack: &'a Pack,
}

impl Locator<'_> {
    fn file(&self) -> &str {
        self.pack.origin.as_ref().map_or("pack", |o| &o.file)
    }

    fn diagnostic(&self, pos: Option<Pos>, width: usize) -> Pending {
        Pending(Diagnostic::new(self.file(), pos, String::new()).width(width))
    }

    /// The first place the text has `word`.
    fn word(&self, word: &str) -> Pending {
        let text = self.pack.origin.as_ref().map_or("", |o| &*o.text);
        let pos = text.lines().enumerate().find_map(|(n, line)| {
            line.find(word)
                .map(|col| Pos::new(n as u64 + 1, col as u64 + 1))
        });
        self.diagnostic(pos, word.len())
    }

    /// The line of `key:` in the entry of token operation `op` (the `- operation: op` line for
    /// the operation itself).
    fn point(&self, op: &str, key: &str) -> Pending {
        let text = self.pack.origin.as_ref().map_or("", |o| &*o.text);
        let lines: Vec<&str> = text.lines().collect();
        let start = lines
            .iter()
            .position(|l| l.trim_start().trim_start_matches("- ") == format!("operation: {op}"));
        let pos = start.and_then(|s| {
            let entry = lines[s..]
                .iter()
                .enumerate()
                .take_while(|(i, l)| *i == 0 || !l.trim_start().starts_with("- operation:"));
            entry.into_iter().find_map(|(i, l)| {
                let body = l.trim_start().trim_start_matches("- ");
                body.starts_with(&format!("{key}:")).then(|| {
                    let col = l.len() - body.len() + 1;
                    Pos::new((s + i) as u64 + 1, col as u64)
                })
            })
        });
        self.diagnostic(pos, key.len())
    }
}
