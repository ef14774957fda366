//! A step's `expect:` block: the outcome and body expectations, checked against the model.

use serde_saphyr::Spanned;

use super::converter::{Converter, pos};
use crate::model::{self};
use crate::scenario::ast::{Expect, ExpectedOutcome};
use crate::scenario::node::{Node, NodeValue};
use crate::scenario::raw::RawExpect;

impl Converter<'_> {
    pub(super) fn expect(
        &mut self,
        raw: Spanned<RawExpect>,
        operation: Option<&str>,
        parallel: u32,
    ) -> Expect {
        let at = pos(&raw);
        let e = raw.value;
        let mut expect = Expect::default();
        if let Some(c) = &e.clause {
            self.clause(c);
            expect.clause = Some(c.value.clone());
        }
        expect.status = e.status.as_ref().map(|s| s.value);
        if e.error.as_ref().is_some_and(|e| e.value == "any") {
            if let Some(m) = &e.message {
                self.error(pos(m), "`message` needs a named `error`, not `any`");
            }
            expect.outcome = ExpectedOutcome::AnyError;
        } else if let Some(error) = &e.error {
            self.error_type(error, operation);
            if let Some(m) = &e.message
                && let Err(err) = regex::Regex::new(&m.value)
            {
                self.error(pos(m), format!("`message` is not a valid regex: {err}"));
            }
            expect.outcome = ExpectedOutcome::Error {
                error_type: error.value.clone(),
                message: e.message.as_ref().map(|m| m.value.clone()),
            };
        } else if let Some(m) = &e.message {
            self.error(pos(m), "`message` needs `error`");
        }
        if let Some(mismatch) = &e.mismatch {
            let after_modification = match &mismatch.value {
                NodeValue::Bool(true) => false,
                NodeValue::Str(s) if s == "after-modification" => true,
                _ => {
                    self.error(mismatch.pos, "`mismatch` is `true` or `after-modification`");
                    false
                }
            };
            if e.error.is_some() {
                self.error(mismatch.pos, "`mismatch` and `error` exclude each other")
                    .help =
                    Some("`mismatch: true` already means the profile's ValidationException".into());
            }
            expect.outcome = ExpectedOutcome::Mismatch { after_modification };
        }
        expect.paths = self.path_map(e.paths.as_ref(), "paths");
        expect.differs = self.path_map(e.differs.as_ref(), "differs");
        if let Some(s) = &e.same_as {
            self.step_ref(s);
            let ignore = e.ignore.iter().map(|i| i.value.clone()).collect();
            expect.same_as = Some((s.value.clone(), ignore));
        } else if let Some(i) = e.ignore.first() {
            self.error(pos(i), "`ignore` needs `same_as`");
        }
        if let Some(d) = &e.deleted_metadata {
            self.step_ref(d);
            expect.deleted_metadata = Some(d.value.clone());
        }
        if let Some(n) = &e.new_resource {
            self.step_ref(n);
            expect.new_resource = Some(n.value.clone());
        }
        if let Some(x) = &e.expired_token_retry {
            self.step_ref(x);
            expect.expired_token_retry = Some(x.value.clone());
        }
        expect.all_same = e.all_same.unwrap_or(false);
        if let Some(d) = &e.async_delete_retry {
            self.step_ref(d);
            expect.async_delete_retry = Some(d.value.clone());
        }
        if expect.all_same && parallel < 2 {
            self.error(at, "`all_same` needs `parallel: N` on the step");
        }
        if let Some(count) = &e.count {
            self.jmespath(&count.value.path.value, pos(&count.value.path));
            expect.count = Some((count.value.path.value.clone(), count.value.equals));
        }
        expect.empty = e.empty.unwrap_or(false);
        let errors_expected = !matches!(expect.outcome, ExpectedOutcome::Success);
        let body_checks = expect.empty
            || expect.same_as.is_some()
            || expect.count.is_some()
            || expect.deleted_metadata.is_some()
            || expect.new_resource.is_some()
            || expect.expired_token_retry.is_some()
            || expect.async_delete_retry.is_some()
            || expect.all_same;
        if errors_expected && body_checks {
            self.error(at, "an expected error has no resource body to compare; drop `same_as`, `count`, `empty` or `deleted_metadata`");
        }
        expect
    }

    pub(super) fn error_type(&mut self, error: &Spanned<String>, operation: Option<&str>) {
        let model = self.model();
        let name = error.value.as_str();
        let known = model.error_shapes().any(|e| e == name) || model::COMMON_ERRORS.contains(&name);
        if !known {
            let candidates = model
                .error_shapes()
                .chain(model::COMMON_ERRORS.iter().copied());
            let help = model::closest(name, candidates);
            let d = self.error(pos(error), format!("unknown error type `{name}`"));
            d.width = name.len();
            d.help = help.map(|h| format!("did you mean `{h}`?"));
        } else if let Some(op) = operation
            && !model.declares_error(op, name)
            && !model::COMMON_ERRORS.contains(&name)
        {
            let d = self.error(pos(error), format!("{op} does not declare `{name}`"));
            d.width = name.len();
            d.help =
                Some("an endpoint answering it would break G3; expect a declared error".into());
        }
    }

    pub(super) fn path_map(&mut self, node: Option<&Node>, key: &str) -> Vec<(String, Node)> {
        let Some(node) = node else { return Vec::new() };
        let Some(entries) = node.entries() else {
            self.error(
                node.pos,
                format!("`{key}` must map JMESPath expressions to values"),
            );
            return Vec::new();
        };
        entries
            .iter()
            .map(|(k, v)| {
                self.jmespath(&k.name, k.pos);
                self.templates_in(v);
                (k.name.clone(), v.clone())
            })
            .collect()
    }
}
