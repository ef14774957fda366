//! Text to [`Scenario`]: a pure function, no I/O. Reports the first syntax or shape problem
//! (where serde stops), else every semantic problem of the file at once.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use crate::duration::parse_duration;

use serde_saphyr::Spanned;

use super::ast::{
    Action, Capability, ClientCall, Expect, ExpectRequests, ExpectedOutcome, Injection, Poll,
    Scenario, Step, When,
};
use super::node::{Node, NodeValue};
use super::raw::{RawExpect, RawScenario, RawStep, RawWhen};
use super::template::{MAX_EXPANSION_BYTES, Reference, Template};
use crate::contract;
use crate::diagnostic::{Diagnostic, Pos};
use crate::model::{self, Model, ShapeKind};
use crate::service::Service;

mod expect;
mod members;
mod steps;

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Nesting deeper than this is refused by the YAML parser.
const MAX_DEPTH: usize = 64;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Parses and checks one scenario file's text.
pub fn parse(source: &str, file: &str, service: &Service) -> Result<Scenario, Vec<Diagnostic>> {
    if source.len() > MAX_FILE_BYTES {
        return Err(vec![Diagnostic::new(
            file,
            None,
            format!(
                "file is {} bytes; scenario files are limited to {MAX_FILE_BYTES} bytes",
                source.len()
            ),
        )]);
    }
    let raw: RawScenario = serde_saphyr::from_str_with_options(source, yaml_options())
        .map_err(|e| vec![yaml_diagnostic(file, &e)])?;
    let mut converter = Converter::new(file, service);
    let scenario = converter.scenario(raw, source);
    if converter.diagnostics.is_empty() {
        Ok(scenario)
    } else {
        converter.diagnostics.sort_by_key(|d| d.pos);
        Err(converter.diagnostics)
    }
}

fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_events = 200_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_recorded_anchor_events = 100_000;
    budget.max_recorded_anchor_bytes = 4 * 1024 * 1024;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // Alias bombs are refused after a few thousand replayed events, not a million.
    options.alias_limits.max_total_replayed_events = 20_000;
    options.alias_limits.max_replay_stack_depth = 16;
    // Scenario files are data: a `!!python/object` or any tag the format does not define is
    // an error, not something to ignore.
    options.reject_unsupported_tags = true;
    options.reject_tagged_field_names = true;
    options
}

fn yaml_diagnostic(file: &str, error: &serde_saphyr::Error) -> Diagnostic {
    let bare = error.without_snippet();
    let pos = bare
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| Pos::new(l.line(), l.column()));
    let message = bare.to_string();
    // serde's own text: "unknown field `cal`, expected one of `id`, `call`, ...".
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .trim()
        .to_string();
    let help = unknown_field_suggestion(&message);
    Diagnostic::new(file, pos, message).help_opt(help)
}

fn unknown_field_suggestion(message: &str) -> Option<String> {
    // serde-saphyr words it "unknown field `cal`, expected one of id, call, repeat".
    let rest = message.split("unknown field `").nth(1)?;
    let (field, expected) = rest.split_once('`')?;
    let list = expected
        .split("expected one of")
        .nth(1)
        .or_else(|| expected.split("expected").nth(1))?;
    let candidates: Vec<&str> = list
        .split(',')
        .map(|c| c.trim().trim_matches('`'))
        .filter(|c| !c.is_empty())
        .collect();
    model::closest(field, candidates.iter().copied()).map(|c| format!("did you mean `{c}`?"))
}

fn pos<T>(s: &Spanned<T>) -> Pos {
    Pos::new(s.referenced.line(), s.referenced.column())
}

struct Converter<'f> {
    file: &'f str,
    service: &'f Service,
    diagnostics: Vec<Diagnostic>,
    /// Names a template may refer to at this point: variables, then earlier captures.
    defined: HashSet<String>,
    /// Step ids seen so far, with the operation each calls.
    steps: HashMap<String, Option<String>>,
    requires: Vec<Capability>,
    /// Whether a step waits or polls (on an endpoint with a clock, that moves it).
    waits: bool,
    /// The fewest bytes each variable expands to, for size checks without expanding.
    var_lengths: HashMap<String, usize>,
    /// The step at hand breaks the input schema on purpose (`invalid_request: true`): its
    /// values are not held to the model's constraints.
    breaks_schema: bool,
}

impl<'f> Converter<'f> {
    fn new(file: &'f str, service: &'f Service) -> Self {
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

    fn model(&self) -> &'f Model {
        &self.service.model
    }

    fn error(&mut self, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::new(self.file, Some(pos), message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn scenario(&mut self, raw: RawScenario, source: &str) -> Scenario {
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
    fn claimed_operations_are_called(&mut self, claimed: &[Spanned<String>], steps: &[Step]) {
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

    fn clause(&mut self, c: &Spanned<String>) {
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
                    contract::clause_link("CONTRACT.md", h),
                    service.clause(h).map_or("", |c| c.summary.as_str())
                ),
                None => "the clauses are listed in CONTRACT.md".into(),
            });
        }
    }

    fn operation(&mut self, name: &str, at: Pos) -> bool {
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

    fn vars(&mut self, vars: Option<&Node>) -> Vec<(String, Node)> {
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
    fn min_len(&self, node: &Node) -> Option<usize> {
        let template = Template::parse(node.as_str()?).ok()?;
        Some(template.min_len(&|name| self.var_lengths.get(name).copied().unwrap_or(0)))
    }
}

/// The output shape a step's answer has, for a `call` (a `repeat` answers as its original did,
/// which the step's own operation says too).
fn output_shape(model: &Model, action: &Action) -> Option<String> {
    let Action::Call { operation, .. } = action else {
        return None;
    };
    model
        .operation(operation)
        .and_then(|o| o.output.as_ref())
        .map(|o| o.shape.clone())
}

fn input_shape(model: &Model, operation: &str) -> String {
    model
        .operation(operation)
        .and_then(|o| o.input.as_ref())
        .map(|i| i.shape.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsed_steps_hold_no_spare_capacity() {
        let src = "name: x\nsteps:\n  - call: ListEnvironmentTemplates\n  - call: ListEnvironmentTemplates\n  - call: ListEnvironmentTemplates\nteardown:\n  - call: ListEnvironmentTemplates\n";
        let s = parse(src, "s.yaml", &Service::proton()).unwrap();
        assert_eq!((s.steps.len(), s.steps.capacity()), (3, 3));
        assert_eq!((s.teardown.len(), s.teardown.capacity()), (1, 1));
    }
}

#[cfg(test)]
mod diagnostics_tests {
    use super::{Service, parse};

    fn errors(src: &str) -> Vec<String> {
        match parse(src, "s.yaml", &Service::proton()) {
            Ok(_) => vec![],
            Err(d) => d.iter().map(|d| d.render(Some(src))).collect(),
        }
    }

    #[test]
    fn unknown_step_key_names_the_position_and_suggests() {
        let e = errors("name: x\nsteps:\n  - cal: GetEnvironmentTemplate\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("s.yaml:3:"), "{}", e[0]);
        assert!(e[0].contains("unknown field `cal`"), "{}", e[0]);
        assert!(e[0].contains("did you mean `call`?"), "{}", e[0]);
    }

    #[test]
    fn every_semantic_problem_is_reported_at_once() {
        let src = "name: x\ncontract: [CT9]\nsteps:\n  - call: CreateEnviromentTemplate\n  - call: CreateEnvironmentTemplate\n    params: { nme: a, description: 3 }\n  - repeat: frist\n";
        let e = errors(src);
        assert_eq!(e.len(), 6, "{e:#?}");
        assert!(
            e[0].contains("s.yaml:2:12") && e[0].contains("did you mean `CT"),
            "{}",
            e[0]
        );
        assert!(
            e[1].contains("s.yaml:4:11")
                && e[1].contains("did you mean `CreateEnvironmentTemplate`?"),
            "{}",
            e[1]
        );
        assert!(
            e[2].contains("s.yaml:6:13") && e[2].contains("missing required member `name`"),
            "{}",
            e[2]
        );
        assert!(
            e[3].contains("s.yaml:6:15") && e[3].contains("did you mean `name`?"),
            "{}",
            e[3]
        );
        assert!(
            e[4].contains("s.yaml:6:36") && e[4].contains("quote the value"),
            "{}",
            e[4]
        );
        assert!(
            e[5].contains("s.yaml:7:13") && e[5].contains("no earlier step"),
            "{}",
            e[5]
        );
    }
}
