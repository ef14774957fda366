//! A history of calls and the oracle's outcomes, written as a scenario: the fuzzer
//! runs exactly this text, and a counterexample is this text saved to a file. The operations
//! and the text of each abstract call come from the service pack (`fuzz:`).

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::contract::oracle::{BadToken, Call, Expected, Oracle, Token};
use crate::service::{FuzzCall, FuzzPack, fill};

/// The scenario text for `calls`, as the model predicts them from `initial`. `token_member`
/// is the token create's idempotency-token member.
pub fn render(
    pack: &FuzzPack,
    token_member: &str,
    initial: &Oracle,
    calls: &[Call],
    name: &str,
    header: &str,
) -> String {
    let mut model = initial.clone();
    let outcomes: Vec<Expected> = calls.iter().map(|c| model.apply(c)).collect();
    // Slots are only ever added, and the call that named one never changes: the final state
    // says which call named each slot any call refers to.
    let slot_names: Vec<usize> = (0..model.slots())
        .filter_map(|s| model.slot_named_by(s))
        .collect();
    let mut out = Scenario {
        pack,
        token_member,
        steps: String::new(),
        tail: String::new(),
        teardown: String::new(),
        clauses: BTreeSet::new(),
        operations: BTreeSet::new(),
        tags: BTreeSet::new(),
        versions: false,
        named: BTreeSet::new(),
        async_named: BTreeSet::new(),
    };
    for (at, (call, outcome)) in calls.iter().zip(&outcomes).enumerate() {
        out.call(at, call, outcome, &slot_names);
    }
    if out.versions
        && let Some(n) = model.live_versions()
    {
        // CT2 and CT6: exactly as many versions as the creates that had to make one.
        let list = &pack.token_list;
        out.operations.insert(&list.operation);
        out.clauses.insert("CT2");
        writeln!(
            out.steps,
            "  - call: {}\n    params: {}\n    expect: {{ count: {{ path: {}, equals: {n} }}, clause: CT2 }}",
            list.operation,
            list.params,
            list.items.as_deref().unwrap_or_default()
        )
        .ok();
    }
    // Asynchronous deletes last: their waits move the clock by amounts the model cannot know.
    let tail = std::mem::take(&mut out.tail);
    out.steps.push_str(&tail);
    out.finish(name, header)
}

struct Scenario<'p> {
    pack: &'p FuzzPack,
    token_member: &'p str,
    steps: String,
    tail: String,
    teardown: String,
    clauses: BTreeSet<&'static str>,
    operations: BTreeSet<&'p str>,
    tags: BTreeSet<&'static str>,
    versions: bool,
    named: BTreeSet<u8>,
    async_named: BTreeSet<u8>,
}

fn token_text(token: Token) -> String {
    let filter = if token.upper { " | upper" } else { "" };
    format!("${{token.k{}{filter}}}", token.index)
}

/// Scenario text (list items at column 0) indented as the items of a top-level key.
fn indented(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

/// Which kind of resource an outcome is about: IC clauses for named ones, CT for token ones.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Token,
    Named,
}

impl<'p> Scenario<'p> {
    fn call(&mut self, at: usize, call: &Call, outcome: &Expected, slot_names: &[usize]) {
        let id = format!("c{at}");
        let pack = self.pack;
        match call {
            Call::TokenCreate { token, description } => {
                let token = token.map(token_text);
                let params = self.version_params(*description, token.as_deref());
                self.request(&id, &pack.token_create, &params, outcome, "", Kind::Token);
            }
            Call::TokenCreateBurst { token, copies } => {
                let params = self.version_params(0, Some(&token_text(*token)));
                let extra = format!("    parallel: {copies}\n");
                self.request(
                    &id,
                    &pack.token_create,
                    &params,
                    outcome,
                    &extra,
                    Kind::Token,
                );
            }
            Call::TokenCreateLost { token, description } => {
                let params = self.version_params(*description, Some(&token_text(*token)));
                writeln!(
                    self.steps,
                    "  - call: {}\n    params: {params}\n    lose_response: true",
                    pack.token_create.operation
                )
                .ok();
                self.request(&id, &pack.token_create, &params, outcome, "", Kind::Token);
            }
            Call::TokenCreateBadToken { kind } => {
                let token = match kind {
                    BadToken::TooLong => "${token.bad | len(65)}",
                    BadToken::Space => "proton conform",
                };
                let params = self.version_params(0, Some(token));
                let extra = "    invalid_request: true\n";
                self.request(
                    &id,
                    &pack.token_create,
                    &params,
                    outcome,
                    extra,
                    Kind::Token,
                );
            }
            Call::TokenDelete { slot } => {
                let by = slot_names[*slot].to_string();
                let params = fill(&pack.token_delete.params, &[("n", &by)]);
                self.request(&id, &pack.token_delete, &params, outcome, "", Kind::Token);
            }
            Call::NamedCreate { name, description } => {
                self.named.insert(*name);
                let params = self.named_params(&pack.named_create, *name, *description);
                self.request(&id, &pack.named_create, &params, outcome, "", Kind::Named);
            }
            Call::NamedUpdate { name, description } => {
                let params = self.named_params(&pack.named_update, *name, *description);
                self.request(&id, &pack.named_update, &params, outcome, "", Kind::Named);
            }
            Call::NamedDelete { name } => {
                self.named.insert(*name);
                let params = self.named_params(&pack.named_delete, *name, 0);
                self.request(&id, &pack.named_delete, &params, outcome, "", Kind::Named);
            }
            Call::AsyncDelete { name } => self.async_delete(&id, *name, outcome),
            Call::Advance { seconds } => {
                self.tags.insert("clock");
                writeln!(self.steps, "  - advance: {seconds}s").ok();
            }
        }
    }

    fn version_params(&mut self, description: u8, token: Option<&str>) -> String {
        self.versions = true;
        let token = token
            .map(|t| format!(", {}: \"{t}\"", self.token_member))
            .unwrap_or_default();
        fill(
            &self.pack.token_create.params,
            &[("description", &description.to_string()), ("token", &token)],
        )
    }

    fn named_params(&self, call: &FuzzCall, name: u8, description: u8) -> String {
        let name = fill(&self.pack.named, &[("name", &name.to_string())]);
        fill(
            &call.params,
            &[("name", &name), ("description", &description.to_string())],
        )
    }

    /// One request step with the outcome's expectation; creates capture the version they name.
    fn request(
        &mut self,
        id: &str,
        call: &'p FuzzCall,
        params: &str,
        outcome: &Expected,
        extra: &str,
        kind: Kind,
    ) {
        let operation = call.operation.as_str();
        self.operations.insert(operation);
        let (expect, clause) = expectation(outcome, kind);
        self.clauses.extend(clause);
        let mut step =
            format!("  - id: {id}\n    call: {operation}\n    params: {params}\n{extra}");
        if !expect.is_empty() {
            writeln!(step, "    expect: {{ {expect} }}").ok();
        }
        let names_version = std::ptr::eq(call, &self.pack.token_create)
            && matches!(
                outcome,
                Expected::Created { .. } | Expected::CreatedOnce | Expected::Succeeds
            );
        if let (true, Some(capture)) = (names_version, &call.capture) {
            let n = &id[1..];
            writeln!(step, "    capture: {}", fill(capture, &[("n", n)])).ok();
            let delete = &self.pack.token_delete;
            writeln!(
                self.teardown,
                "  - call: {}\n    params: {}",
                delete.operation,
                fill(&delete.params, &[("n", n)])
            )
            .ok();
        }
        self.steps.push_str(&step);
    }

    /// AD1 and AD2 on one resource: made and ready the first time, then deleted, retried at
    /// once, and retried after it is gone.
    fn async_delete(&mut self, id: &str, name: u8, outcome: &Expected) {
        let pack = self.pack;
        self.async_named.insert(name);
        self.operations.insert(&pack.async_delete.operation);
        self.clauses.insert("AD2");
        let named = fill(&pack.async_named, &[("name", &name.to_string())]);
        let values = [("id", id), ("name", named.as_str())];
        let delete = format!(
            "  - id: {id}\n    call: {}\n    params: {}\n",
            pack.async_delete.operation,
            fill(&pack.async_delete.params, &values)
        );
        let first_time = matches!(outcome, Expected::AsyncDelete { first_time: true });
        if !first_time {
            writeln!(
                self.tail,
                "{delete}    expect: {{ empty: true, clause: AD2 }}"
            )
            .ok();
            return;
        }
        self.clauses.insert("AD1");
        self.operations
            .extend(pack.async_operations.iter().map(String::as_str));
        self.tags.insert("async-delete");
        self.tail
            .push_str(&indented(&fill(&pack.async_before, &values)));
        self.tail.push_str(&delete);
        self.tail
            .push_str(&indented(&fill(&pack.async_after, &values)));
    }

    fn finish(mut self, name: &str, header: &str) -> String {
        let pack = self.pack;
        let mut setup = String::new();
        let mut teardown = String::new();
        let mut vars = String::new();
        if !self.async_named.is_empty() {
            vars.push_str(&indented(&pack.async_vars));
            setup.push_str(&indented(&pack.async_setup));
            for n in &self.async_named {
                let named = fill(&pack.async_named, &[("name", &n.to_string())]);
                let each = fill(&pack.async_teardown_each, &[("name", &named)]);
                teardown.push_str(&indented(&each));
            }
            teardown.push_str(&indented(&pack.async_teardown));
        }
        if self.versions {
            vars.push_str(&indented(&pack.token_vars));
            setup.push_str(&indented(&pack.token_setup));
            teardown.push_str(&self.teardown);
            teardown.push_str(&indented(&pack.token_teardown));
        }
        for n in &self.named {
            let params = self.named_params(&pack.named_delete, *n, 0);
            writeln!(
                teardown,
                "  - call: {}\n    params: {params}",
                pack.named_delete.operation
            )
            .ok();
        }
        if self.clauses.is_empty() {
            self.clauses.insert("G2");
        }
        self.tags.insert("fuzz");
        let list = |set: &BTreeSet<&str>| set.iter().copied().collect::<Vec<_>>().join(", ");
        let mut text = String::new();
        for line in header.lines() {
            writeln!(text, "# {line}").ok();
        }
        writeln!(text, "name: {name}").ok();
        writeln!(text, "contract: [{}]", list(&self.clauses)).ok();
        writeln!(text, "operations: [{}]", list(&self.operations)).ok();
        writeln!(text, "tags: [{}]", list(&self.tags)).ok();
        if !vars.is_empty() {
            writeln!(text, "vars:\n{}", vars.trim_end()).ok();
        }
        if !setup.is_empty() {
            writeln!(text, "setup:\n{}", setup.trim_end()).ok();
        }
        if self.steps.is_empty() {
            self.steps.push_str("  - advance: 0s\n");
        }
        writeln!(text, "steps:\n{}", self.steps.trim_end()).ok();
        if !teardown.is_empty() {
            writeln!(text, "teardown:\n{}", teardown.trim_end()).ok();
        }
        text
    }
}

/// The expectation that says `outcome`, and the clause it checks.
fn expectation(outcome: &Expected, kind: Kind) -> (String, Option<&'static str>) {
    let named = kind == Kind::Named;
    match outcome {
        Expected::Created {
            unlike: Some(of),
            clause,
        } => (
            format!("new_resource: c{of}, clause: {clause}"),
            Some(clause),
        ),
        Expected::Created { unlike: None, .. } => (String::new(), None),
        Expected::CreatedOnce => ("all_same: true, clause: CT2".into(), Some("CT2")),
        Expected::Original { of } => {
            let clause = if named { "IC1" } else { "CT2" };
            (format!("same_as: c{of}, clause: {clause}"), Some(clause))
        }
        Expected::Succeeds => ("clause: CT2".into(), Some("CT2")),
        Expected::Mismatch { modified } => {
            let clause = if named { "IC3" } else { "CT3" };
            let how = if *modified {
                "after-modification"
            } else {
                "true"
            };
            (format!("mismatch: {how}, clause: {clause}"), Some(clause))
        }
        Expected::Conflict => ("error: ConflictException, clause: IC2".into(), Some("IC2")),
        Expected::InvalidToken => (
            "error: ValidationException, clause: CT1".into(),
            Some("CT1"),
        ),
        Expected::Updated | Expected::Deleted | Expected::Advanced => (String::new(), None),
        Expected::DeletedMetadata { of } => {
            (format!("deleted_metadata: c{of}, clause: ID1"), Some("ID1"))
        }
        Expected::Empty => ("empty: true, clause: ID2".into(), Some("ID2")),
        Expected::DeleteSucceeds => ("clause: ID3".into(), Some("ID3")),
        Expected::ExpiredRetry { of } => (
            format!("expired_token_retry: c{of}, clause: CT4"),
            Some("CT4"),
        ),
        Expected::AsyncDelete { .. } => (String::new(), Some("AD1")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Profile;

    #[test]
    fn a_delete_names_the_version_its_slot_holds() {
        let proton = crate::service::Service::proton();
        let pack = proton.pack.fuzz.as_ref().unwrap();
        let create = |description| Call::TokenCreate {
            token: None,
            description,
        };
        let calls = [create(0), create(1), Call::TokenDelete { slot: 1 }];
        let model = Oracle::new(Profile::strict());
        let text = render(pack, "clientToken", &model, &calls, "slots", "");
        // The second create (call 1) filled slot 1: the delete names its captured version.
        assert!(
            text.contains(r#"majorVersion: "${v1_major}", minorVersion: "${v1_minor}""#),
            "{text}"
        );
        crate::scenario::parse(&text, "slots.yaml", &proton)
            .expect("the rendering is a valid scenario");
    }
}

#[cfg(test)]
mod rendered_histories {
    use super::*;
    use crate::contract::Profile;
    use crate::contract::oracle::{BadToken, Call, Token};

    fn histories() -> Vec<Vec<Call>> {
        let t = |index, upper| Token { index, upper };
        let create = |token, description| Call::TokenCreate { token, description };
        let named = |name, description| Call::NamedCreate { name, description };
        vec![
            vec![],
            vec![
                create(Some(t(0, false)), 0),
                create(Some(t(0, false)), 1),
                create(Some(t(0, true)), 0),
                Call::TokenDelete { slot: 0 },
                create(None, 2),
            ],
            vec![
                Call::TokenCreateBurst {
                    token: t(1, false),
                    copies: 3,
                },
                Call::TokenCreateLost {
                    token: t(2, false),
                    description: 1,
                },
                Call::TokenCreateBadToken {
                    kind: BadToken::TooLong,
                },
                Call::TokenCreateBadToken {
                    kind: BadToken::Space,
                },
                Call::Advance { seconds: 28801 },
                create(Some(t(2, false)), 1),
            ],
            vec![
                named(0, 0),
                named(0, 0),
                Call::NamedUpdate {
                    name: 0,
                    description: 1,
                },
                named(0, 0),
                named(1, 2),
                Call::NamedDelete { name: 0 },
                Call::NamedDelete { name: 0 },
                Call::Advance { seconds: 3700 },
                Call::NamedDelete { name: 0 },
            ],
            vec![
                Call::AsyncDelete { name: 0 },
                Call::AsyncDelete { name: 0 },
                Call::AsyncDelete { name: 1 },
                create(None, 0),
            ],
        ]
    }

    /// The text of a fixed set of histories, as the renderer wrote it before the Proton pack
    /// held its words: moving them into data changed no byte of any case.
    #[test]
    fn the_pack_renders_every_history_as_before() {
        let proton = crate::service::Service::proton();
        let pack = proton.pack.fuzz.as_ref().unwrap();
        let mut out = String::new();
        for profile in [Profile::strict(), Profile::lenient()] {
            for (i, calls) in histories().iter().enumerate() {
                let model = Oracle::new(profile.clone());
                let name = format!("golden {i}");
                out.push_str(&render(
                    pack,
                    "clientToken",
                    &model,
                    calls,
                    &name,
                    "a header\nline two",
                ));
                out.push_str("\n=====\n");
            }
        }
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/fuzz/rendered-histories.txt"
        );
        let expected = std::fs::read_to_string(path).unwrap();
        if out != expected {
            let first = out.lines().zip(expected.lines()).position(|(a, b)| a != b);
            panic!("differs from {path} at line {first:?}:\n{out}");
        }
        for text in out.split("\n=====\n").filter(|t| !t.is_empty()) {
            crate::scenario::parse(text, "golden.yaml", &proton).expect("a valid scenario");
        }
    }
}
