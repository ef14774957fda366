//! The converter from the raw YAML tree to a typed [`Scenario`]: it keeps the file's
//! diagnostics and what is defined so far, and checks each part against the model (steps,
//! members and expectations each in their own file).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, Pos};
use crate::duration::parse_duration;
use crate::model::{self, Model};
use crate::scenario::ast::{Action, Capability, Scenario, Step};
use crate::scenario::node::Node;
use crate::scenario::raw::RawScenario;
use crate::scenario::template::{MAX_EXPANSION_BYTES, Template};
use crate::service::Service;

use super::DEFAULT_TIMEOUT;

pub(super) fn pos<T>(s: &Spanned<T>) -> Pos {
    Pos::new(s.referenced.line(), s.referenced.column())
}

pub(super) struct Converter<'f> {
    pub(super) file: &'f str,
    pub(super) service: &'f Service,
    pub(super) diagnostics: Vec<Diagnostic>,
    /// Names a template may refer to at this point: variables, then earlier captures.
    pub(super) defined: HashSet<String>,
    /// Step ids seen so far, with the operation each calls.
    pub(super) steps: HashMap<String, Option<String>>,
    pub(super) requires: Vec<Capability>,
    /// Whether a step waits or polls (on an endpoint with a clock, that moves it).
    pub(super) waits: bool,
    /// The fewest bytes each variable expands to, for size checks without expanding.
    pub(super) var_lengths: HashMap<String, usize>,
    /// The step at hand breaks the input schema on purpose (`invalid_request: true`): its
    /// values are not held to the model's constraints.
    pub(super) breaks_schema: bool,
}

impl<'f> Converter<'f> {
    pub(super) fn new(file: &'f str, service: &'f Service) -> Self {
        Self {
            file,
            service,
            diagnostics: Vec::new(),
            defined: HashSet::new(),
            steps: HashMap::new(),
            requires: Vec::new(),
            waits: false,
            breaks_schema: false,
            var_lengths: HashMap::new(),
        }
    }

    pub(super) fn model(&self) -> &'f Model {
        &self.service.model
    }

    pub(super) fn error(&mut self, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::new(self.file, Some(pos), message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub(super) fn scenario(&mut self, raw: RawScenario, source: &str) -> Scenario {
        if raw.name.value.trim().is_empty() {
            self.error(pos(&raw.name), "scenario name is empty");
        }
        let contract = raw
            .contract
            .iter()
            .map(|c| {
                self.clause(c);
                c.value.clone()
            })
            .collect();
        let operations = raw
            .operations
            .iter()
            .map(|o| {
                self.operation(&o.value, pos(o));
                o.value.clone()
            })
            .collect();
        for r in &raw.requires {
            match Capability::ALL.iter().find(|(n, _)| *n == r.value) {
                Some((_, c)) => self.requires.push(*c),
                None => {
                    let help = model::closest(&r.value, Capability::ALL.iter().map(|(n, _)| *n));
                    let d = self.error(pos(r), format!("unknown capability `{}`", r.value));
                    d.label = Some("expected clock, faults or requests".into());
                    d.help = help.map(|h| format!("did you mean `{h}`?"));
                }
            }
        }
        let vars = self.vars(raw.vars.as_ref());
        let timeout = match &raw.timeout {
            None => DEFAULT_TIMEOUT,
            Some(t) => match parse_duration(&t.value) {
                Ok(secs) if secs > 0 => Duration::from_secs(secs),
                _ => {
                    self.error(pos(t), format!("invalid timeout `{}`", t.value))
                        .help = Some("write a duration such as `30s`, `2m` or `1h`".into());
                    DEFAULT_TIMEOUT
                }
            },
        };
        let setup = self.steps(raw.setup);
        let steps = self.steps(raw.steps);
        self.claimed_operations_are_called(&raw.operations, &steps);
        let teardown = self.steps(raw.teardown);
        let mut requires = std::mem::take(&mut self.requires);
        requires.sort();
        requires.dedup();
        Scenario {
            file: self.file.to_string(),
            source: Arc::from(source),
            name: raw.name.value,
            description: raw.description,
            contract,
            operations,
            tags: raw.tags.iter().map(|t| t.value.clone()).collect(),
            requires,
            waits: self.waits,
            vars,
            timeout,
            setup,
            steps,
            teardown,
        }
    }

    /// The coverage matrix trusts `operations:`; each one must be called by a step.
    pub(super) fn claimed_operations_are_called(
        &mut self,
        claimed: &[Spanned<String>],
        steps: &[Step],
    ) {
        let called: Vec<String> = steps
            .iter()
            .filter_map(|s| match &s.action {
                Action::Call { operation, .. } => Some(operation.clone()),
                Action::Poll(p) => Some(p.operation.clone()),
                Action::Repeat { step, .. } => self.steps.get(step).cloned().flatten(),
                _ => None,
            })
            .collect();
        for op in claimed {
            if self.model().operation(&op.value).is_some() && !called.contains(&op.value) {
                let d = self.error(
                    pos(op),
                    format!(
                        "`{}` is listed in `operations` but no step calls it",
                        op.value
                    ),
                );
                d.width = op.value.len();
                d.help = Some(
                    "the coverage matrix counts `operations`: list only what the steps exercise"
                        .into(),
                );
            }
        }
    }

    pub(super) fn clause(&mut self, c: &Spanned<String>) {
        let service = self.service;
        if service.clause(&c.value).is_none() {
            let ids: Vec<&str> = service.clauses().iter().map(|c| c.id.as_str()).collect();
            let help = model::closest(&c.value, ids.iter().copied());
            let d = self.error(pos(c), format!("unknown contract clause `{}`", c.value));
            d.width = c.value.len();
            d.label = Some(format!("not a clause of CONTRACT.md ({})", ids.join(", ")));
            d.help = Some(match help {
                Some(h) => format!(
                    "did you mean `{h}`? ({}: {})",
                    service
                        .clause(h)
                        .map_or(String::new(), |c| format!("CONTRACT.md#{}", c.anchor)),
                    service.clause(h).map_or("", |c| c.summary.as_str())
                ),
                None => "the clauses are listed in CONTRACT.md".into(),
            });
        }
    }

    pub(super) fn operation(&mut self, name: &str, at: Pos) -> bool {
        let model = self.model();
        if model.operation(name).is_some() {
            return true;
        }
        let help = model::closest(name, model.operations.keys().map(String::as_str));
        let label = format!("not in the {} model", model.metadata.service_id);
        let d = self.error(at, format!("unknown operation `{name}`"));
        d.label = Some(label);
        d.width = name.len();
        d.help = help.map(|h| format!("did you mean `{h}`?"));
        false
    }

    pub(super) fn vars(&mut self, vars: Option<&Node>) -> Vec<(String, Node)> {
        let Some(node) = vars else { return Vec::new() };
        let Some(entries) = node.entries() else {
            self.error(
                node.pos,
                format!("`vars` must be a mapping, found {}", node.kind()),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in entries {
            self.templates_in(value);
            if let Some(len) = self.min_len(value) {
                if len > MAX_EXPANSION_BYTES {
                    let d = self.error(
                        value.pos,
                        format!(
                            "variable `{}` expands to at least {len} bytes, over the {MAX_EXPANSION_BYTES}-byte cap of an expansion",
                            key.name
                        ),
                    );
                    d.help = Some("use fewer or shorter references, or `| len(N)`".into());
                }
                self.var_lengths.insert(key.name.clone(), len);
            }
            self.defined.insert(key.name.clone());
            out.push((key.name.clone(), value.clone()));
        }
        out
    }

    /// The fewest bytes a string value expands to, if it is a string with valid templates.
    pub(super) fn min_len(&self, node: &Node) -> Option<usize> {
        let template = Template::parse(node.as_str()?).ok()?;
        Some(template.min_len(&|name| self.var_lengths.get(name).copied().unwrap_or(0)))
    }
}

/// The output shape a step's answer has, for a `call` (a `repeat` answers as its original did,
/// which the step's own operation says too).
pub(super) fn output_shape(model: &Model, action: &Action) -> Option<String> {
    let Action::Call { operation, .. } = action else {
        return None;
    };
    model
        .operation(operation)
        .and_then(|o| o.output.as_ref())
        .map(|o| o.shape.clone())
}

pub(super) fn input_shape(model: &Model, operation: &str) -> String {
    model
        .operation(operation)
        .and_then(|o| o.input.as_ref())
        .map(|i| i.shape.clone())
        .unwrap_or_default()
}
