//! Text to [`Scenario`]: a pure function, no I/O. Reports the first syntax or shape problem
//! (where serde stops), else every semantic problem of the file at once.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

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

    fn steps(&mut self, raw: Vec<Spanned<RawStep>>) -> Vec<Step> {
        // Collected in place, the steps would keep the raw steps' allocation, five times
        // their size (a kept scenario of 3 steps held 12 KB of it): give the excess back.
        let mut steps: Vec<Step> = raw.into_iter().filter_map(|s| self.step(s)).collect();
        steps.shrink_to_fit();
        steps
    }

    fn step(&mut self, raw: Spanned<RawStep>) -> Option<Step> {
        let at = pos(&raw);
        let step = raw.value;
        let kinds = [
            ("call", step.call.is_some()),
            ("repeat", step.repeat.is_some()),
            ("advance", step.advance.is_some()),
            ("wait", step.wait.is_some()),
            ("poll", step.poll.is_some()),
            ("inject", step.inject.is_some()),
            ("snapshot", step.snapshot.is_some()),
            ("client", step.client.is_some()),
        ];
        let present: Vec<&str> = kinds.iter().filter(|(_, p)| *p).map(|(k, _)| *k).collect();
        let [kind] = present.as_slice() else {
            let found = if present.is_empty() {
                "none".to_string()
            } else {
                present.join(", ")
            };
            self.error(
                at,
                format!("a step needs exactly one action, found {found}"),
            )
            .help =
                Some("use one of `call`, `repeat`, `advance`, `wait`, `poll`, `inject`, `snapshot` or `client`".into());
            return None;
        };
        let kind = *kind;
        self.misplaced(at, kind, &step);
        let id = step.id.as_ref().map(|id| id.value.clone());
        if let Some(id) = &step.id
            && self.steps.contains_key(&id.value)
        {
            self.error(pos(id), format!("step id `{}` is used twice", id.value));
        }
        let when = step.when.as_ref().map(|w| self.when(w));
        let (action, operation) = match kind {
            "call" => self.call(&step),
            "repeat" => self.repeat(&step),
            "advance" => self.advance(&step),
            "wait" => self.wait(&step),
            "poll" => self.poll(&step),
            "client" => self.client(&step),
            "snapshot" => {
                let target = step.snapshot.as_ref().expect("the action is snapshot");
                self.step_ref(target);
                (
                    Action::Snapshot {
                        step: target.value.clone(),
                    },
                    None,
                )
            }
            _ => self.inject(&step),
        };
        let parallel = step.parallel.as_ref().map_or(1, |p| p.value);
        if let Some(p) = &step.parallel
            && !(2..=256).contains(&p.value)
        {
            self.error(pos(p), "`parallel` is a number of copies from 2 to 256");
        }
        let expect = match step.expect {
            Some(e) => self.expect(e, operation.as_deref(), parallel),
            None => Expect::default(),
        };
        let capture = self.captures(step.capture.as_ref(), output_shape(self.model(), &action));
        if let Some(id) = &id {
            self.steps.insert(id.clone(), operation);
        }
        Some(Step {
            id,
            pos: at,
            action,
            expect,
            capture,
            invalid_request: step.invalid_request.unwrap_or(false),
            parallel,
            lose_response: step.lose_response.unwrap_or(false),
            timeout_ms: step.timeout_ms.as_ref().map(|t| t.value),
            when,
        })
    }

    /// Modifiers that do not apply to the step's action.
    fn misplaced(&mut self, at: Pos, kind: &str, step: &RawStep) {
        let sends = ["call", "repeat"];
        let rules: [(&str, bool, &[&str]); 16] = [
            (
                "params",
                step.params.is_some(),
                &["call", "wait", "poll", "client"],
            ),
            ("calls", step.calls.is_some(), &["client"]),
            (
                "expect_requests",
                step.expect_requests.is_some(),
                &["client"],
            ),
            ("with", step.with.is_some(), &["repeat"]),
            ("expect", step.expect.is_some(), &sends),
            (
                "capture",
                step.capture.is_some(),
                &["call", "repeat", "poll"],
            ),
            ("invalid_request", step.invalid_request.is_some(), &sends),
            ("parallel", step.parallel.is_some(), &sends),
            ("lose_response", step.lose_response.is_some(), &sends),
            ("timeout_ms", step.timeout_ms.is_some(), &sends),
            ("until", step.until.is_some(), &["poll"]),
            ("until_error", step.until_error.is_some(), &["poll"]),
            ("abort_if", step.abort_if.is_some(), &["poll"]),
            ("interval", step.interval.is_some(), &["poll"]),
            ("timeout", step.timeout.is_some(), &["wait", "poll"]),
            ("when", false, &[]),
        ];
        for (key, present, allowed) in rules {
            if present && !allowed.contains(&kind) {
                let help = if key == "params" && kind == "repeat" {
                    Some("use `with:` to change members of the repeated request".to_string())
                } else {
                    Some(format!("`{key}` applies to {}", allowed.join(", ")))
                };
                let d = self.error(at, format!("`{key}` does not apply to `{kind}`"));
                d.help = help;
            }
        }
    }

    fn call(&mut self, step: &RawStep) -> (Action, Option<String>) {
        let call = step.call.as_ref().expect("the action is call");
        self.breaks_schema = step.invalid_request.unwrap_or(false);
        self.params(&call.value, pos(call), step.params.as_ref());
        self.breaks_schema = false;
        let operation = call.value.clone();
        let action = Action::Call {
            operation: operation.clone(),
            params: step.params.clone(),
        };
        (action, Some(operation))
    }

    fn client(&mut self, step: &RawStep) -> (Action, Option<String>) {
        let client = step.client.as_ref().expect("the action is client");
        self.params(&client.value, pos(client), step.params.as_ref());
        self.requires.push(Capability::Requests);
        let calls = step.calls.as_ref().map_or(1, |c| c.value);
        if let Some(c) = &step.calls
            && !(1..=16).contains(&c.value)
        {
            self.error(pos(c), "`calls` is a number of separate calls from 1 to 16");
        }
        let mut expect = ExpectRequests::default();
        if let Some(raw) = &step.expect_requests {
            let raw = &raw.value;
            expect.attempts = raw.attempts.as_ref().map(|a| a.value);
            expect.same_parameters = raw.same_parameters.unwrap_or(false);
            expect.outcome = raw.outcome.as_ref().map(|o| o.value.clone());
            if let Some(token) = &raw.token {
                if token.value == "generated" {
                    expect.generated_token = true;
                } else {
                    self.error(
                        pos(token),
                        format!("unknown token expectation `{}`", token.value),
                    )
                    .help = Some("write `token: generated`".into());
                }
            }
        }
        let action = Action::Client(ClientCall {
            operation: client.value.clone(),
            params: step.params.clone(),
            calls,
            expect,
        });
        (action, None)
    }

    /// Checks `params` of a call to `operation` against its input shape and templates.
    fn params(&mut self, operation: &str, at: Pos, params: Option<&Node>) {
        let known = self.operation(operation, at);
        if let (true, Some(params)) = (known, params) {
            self.members(params, &input_shape(self.model(), operation), operation);
        }
        if let Some(params) = params {
            self.templates_in(params);
        }
    }

    fn repeat(&mut self, step: &RawStep) -> (Action, Option<String>) {
        let repeat = step.repeat.as_ref().expect("the action is repeat");
        let operation = self.step_ref(repeat).flatten();
        if let Some(with) = &step.with {
            if let Some(op) = &operation {
                self.breaks_schema = step.invalid_request.unwrap_or(false);
                self.partial_members(with, &input_shape(self.model(), op), op);
                self.breaks_schema = false;
            }
            self.templates_in(with);
        }
        let action = Action::Repeat {
            step: repeat.value.clone(),
            with: step.with.clone(),
        };
        (action, operation)
    }

    fn advance(&mut self, step: &RawStep) -> (Action, Option<String>) {
        let advance = step.advance.as_ref().expect("the action is advance");
        self.requires.push(Capability::Clock);
        let seconds = self.duration(advance).unwrap_or(0);
        (Action::Advance { seconds }, None)
    }

    fn duration(&mut self, text: &Spanned<String>) -> Option<u64> {
        match parse_duration(&text.value) {
            Ok(s) => Some(s),
            Err(e) => {
                self.error(pos(text), format!("invalid duration `{}`: {e}", text.value))
                    .help = Some("write e.g. `10m`, `7h59m`, `8h1s` or `30s`".into());
                None
            }
        }
    }

    fn wait(&mut self, step: &RawStep) -> (Action, Option<String>) {
        let wait = step.wait.as_ref().expect("the action is wait");
        let model = self.model();
        let operation = match model.waiters.get(&wait.value) {
            Some(w) => {
                self.params(&w.operation.clone(), pos(wait), step.params.as_ref());
                Some(w.operation.clone())
            }
            None => {
                let help = model::closest(&wait.value, model.waiters.keys().map(String::as_str));
                let d = self.error(pos(wait), format!("unknown waiter `{}`", wait.value));
                d.width = wait.value.len();
                d.label = Some("not in the model's waiters".into());
                d.help = help.map(|h| format!("did you mean `{h}`?"));
                None
            }
        };
        self.waits = true;
        let timeout = step.timeout.as_ref().and_then(|t| self.duration(t));
        let action = Action::Wait {
            waiter: wait.value.clone(),
            params: step.params.clone(),
            timeout,
        };
        (action, operation)
    }

    fn poll(&mut self, step: &RawStep) -> (Action, Option<String>) {
        let poll = step.poll.as_ref().expect("the action is poll");
        self.params(&poll.value, pos(poll), step.params.as_ref());
        self.waits = true;
        let until = self.path_map(step.until.as_ref(), "until");
        let abort_if = self.path_map(step.abort_if.as_ref(), "abort_if");
        if let Some(e) = &step.until_error {
            self.error_type(e, Some(&poll.value));
        }
        if until.is_empty() && step.until_error.is_none() {
            self.error(pos(poll), "a poll needs `until` or `until_error`");
        }
        let interval = step
            .interval
            .as_ref()
            .and_then(|i| self.duration(i))
            .unwrap_or(5)
            .max(1);
        let timeout = step
            .timeout
            .as_ref()
            .and_then(|t| self.duration(t))
            .unwrap_or(600);
        let action = Action::Poll(Poll {
            operation: poll.value.clone(),
            params: step.params.clone(),
            until,
            until_error: step.until_error.as_ref().map(|e| e.value.clone()),
            abort_if,
            interval,
            timeout,
        });
        (action, Some(poll.value.clone()))
    }

    fn inject(&mut self, step: &RawStep) -> (Action, Option<String>) {
        let raw = &step.inject.as_ref().expect("the action is inject").value;
        self.requires.push(Capability::Faults);
        self.operation(&raw.operation.value, pos(&raw.operation));
        let action = raw
            .action
            .as_ref()
            .map_or("error", |a| a.value.as_str())
            .to_string();
        if let Some(a) = &raw.action
            && !matches!(a.value.as_str(), "error" | "drop")
        {
            self.error(
                pos(a),
                format!(
                    "unknown injected action `{}`; expected `error` or `drop`",
                    a.value
                ),
            );
        }
        let injection = Injection {
            operation: raw.operation.value.clone(),
            times: raw.times.unwrap_or(1).max(1),
            after_apply: raw.after_apply.unwrap_or(false),
            action,
            status: raw.status.unwrap_or(500),
        };
        (Action::Inject(injection), None)
    }

    fn when(&mut self, raw: &Spanned<RawWhen>) -> When {
        let w = &raw.value;
        self.step_ref(&w.step);
        self.jmespath(&w.path.value, pos(&w.path));
        self.templates_in(&w.equals);
        When {
            step: w.step.value.clone(),
            path: w.path.value.clone(),
            equals: w.equals.clone(),
        }
    }

    /// An earlier step by id: `Some(operation)` if found.
    fn step_ref(&mut self, id: &Spanned<String>) -> Option<Option<String>> {
        if let Some(op) = self.steps.get(&id.value) {
            return Some(op.clone());
        }
        let help =
            model::closest(&id.value, self.steps.keys().map(String::as_str)).map(str::to_string);
        let d = self.error(
            pos(id),
            format!("no earlier step has the id `{}`", id.value),
        );
        d.width = id.value.len();
        d.help = help.map(|h| format!("did you mean `{h}`?"));
        None
    }

    /// `output`: the shape the captures read from, where the step's answer has a known one.
    fn captures(&mut self, node: Option<&Node>, output: Option<String>) -> Vec<(String, String)> {
        let Some(node) = node else { return Vec::new() };
        let Some(entries) = node.entries() else {
            self.error(node.pos, "`capture` must map names to JMESPath expressions");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in entries {
            match value.as_str() {
                Some(path) => {
                    self.jmespath(path, value.pos);
                    if let Some((message, help)) = output
                        .as_deref()
                        .and_then(|o| super::constraints::impossible_path(self.model(), path, o))
                    {
                        let d = self.error(value.pos, format!("capture `{}`: {message}", key.name));
                        d.help = help;
                    }
                    self.defined.insert(key.name.clone());
                    out.push((key.name.clone(), path.to_string()));
                }
                None => {
                    self.error(
                        value.pos,
                        format!("capture `{}` needs a JMESPath string", key.name),
                    );
                }
            }
        }
        out
    }

    fn jmespath(&mut self, path: &str, at: Pos) {
        self.templates_in(&Node {
            value: NodeValue::Str(path.to_string()),
            pos: at,
        });
        // Templates expand to plain text; compile with a stand-in to check the syntax.
        static REFERENCE: std::sync::LazyLock<Option<regex::Regex>> =
            std::sync::LazyLock::new(|| regex::Regex::new(r"\$\{[^}]*\}").ok());
        let stand_in = REFERENCE
            .as_ref()
            .map(|re| re.replace_all(path, "x").into_owned());
        let path = stand_in.as_deref().unwrap_or(path);
        if let Err(e) = jmespath::compile(path) {
            self.error(at, format!("invalid JMESPath `{path}`: {}", e.reason));
        }
    }

    fn expect(
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
        if let Some(error) = &e.error {
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

    fn error_type(&mut self, error: &Spanned<String>, operation: Option<&str>) {
        let model = self.model();
        let name = error.value.as_str();
        let known =
            model.error_shapes().any(|e| e == name) || model::PROTOCOL_ERRORS.contains(&name);
        if !known {
            let candidates = model
                .error_shapes()
                .chain(model::PROTOCOL_ERRORS.iter().copied());
            let help = model::closest(name, candidates);
            let d = self.error(pos(error), format!("unknown error type `{name}`"));
            d.width = name.len();
            d.help = help.map(|h| format!("did you mean `{h}`?"));
        } else if let Some(op) = operation
            && !model.declares_error(op, name)
            && !model::PROTOCOL_ERRORS.contains(&name)
        {
            let d = self.error(pos(error), format!("{op} does not declare `{name}`"));
            d.width = name.len();
            d.help =
                Some("an endpoint answering it would break G3; expect a declared error".into());
        }
    }

    fn path_map(&mut self, node: Option<&Node>, key: &str) -> Vec<(String, Node)> {
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

    /// Every string in `node` must be a valid template whose names are defined by now.
    fn templates_in(&mut self, node: &Node) {
        match &node.value {
            NodeValue::Str(text) => match Template::parse(text) {
                Err(e) => {
                    self.error(node.pos, format!("invalid template: {}", e.message));
                }
                Ok(t) => {
                    for expr in t.exprs() {
                        if let Reference::Name(name) = &expr.reference
                            && !self.defined.contains(name)
                        {
                            let help =
                                model::closest(name, self.defined.iter().map(String::as_str))
                                    .map(str::to_string);
                            let d =
                                self.error(node.pos, format!("`${{{name}}}` is not defined here"));
                            d.label = Some("no variable or earlier capture has this name".into());
                            d.help = help.map(|h| format!("did you mean `{h}`?"));
                        }
                    }
                }
            },
            NodeValue::Seq(items) => items.iter().for_each(|i| self.templates_in(i)),
            NodeValue::Map(entries) => entries.iter().for_each(|(_, v)| self.templates_in(v)),
            _ => {}
        }
    }

    /// Checks `node` against a model shape: member names (with suggestions) and value kinds.
    fn members(&mut self, node: &Node, shape_name: &str, context: &str) {
        self.members_of(node, shape_name, context, true);
    }

    /// `with` of a `repeat` replaces some members: its top level need not be complete.
    fn partial_members(&mut self, node: &Node, shape_name: &str, context: &str) {
        self.members_of(node, shape_name, context, false);
    }

    fn members_of(&mut self, node: &Node, shape_name: &str, context: &str, complete: bool) {
        let Some(shape) = self.model().shape(shape_name) else {
            return;
        };
        if node.as_str().is_some_and(|s| s.contains("${")) {
            // A templated value is checked once expanded, before sending; only a length it
            // must exceed is known now.
            if let (Some(max), Some(len), false) =
                (shape.max, self.min_len(node), self.breaks_schema)
                && shape.kind == ShapeKind::String
                && len as f64 > max
            {
                let d = self.error(
                    node.pos,
                    format!("{context} expands to at least {len} characters, over the maximum {max} of {shape_name}"),
                );
                d.help = Some("shorten it (`| len(N)` cuts a reference), or mark the step `invalid_request: true` if it breaks this on purpose".into());
            }
            return;
        }
        if !self.breaks_schema {
            for (message, help) in super::constraints::broken(node, shape, shape_name, context) {
                let d = self.error(node.pos, message);
                d.help = help.or_else(|| {
                    Some(
                        "or mark the step `invalid_request: true` if it breaks this on purpose"
                            .into(),
                    )
                });
            }
        }
        match shape.kind {
            ShapeKind::Structure => {
                let Some(entries) = node.entries() else {
                    self.error(
                        node.pos,
                        format!(
                            "{context} expects a mapping ({shape_name}), found {}",
                            node.kind()
                        ),
                    );
                    return;
                };
                for required in shape.required.iter().filter(|_| complete) {
                    if !entries.iter().any(|(k, _)| &k.name == required) {
                        self.error(
                            node.pos,
                            format!(
                                "{context}: missing required member `{required}` of {shape_name}"
                            ),
                        );
                    }
                }
                for (key, value) in entries {
                    match shape.members.get(&key.name) {
                        Some(member) => self.members(value, &member.shape, &key.name),
                        None => {
                            let help =
                                model::closest(&key.name, shape.members.keys().map(String::as_str));
                            let known: Vec<&str> =
                                shape.members.keys().map(String::as_str).collect();
                            let d = self.error(
                                key.pos,
                                format!("unknown member `{}` in {shape_name}", key.name),
                            );
                            d.width = key.name.len();
                            d.label = Some(format!("expected one of {}", known.join(", ")));
                            d.help = help.map(|h| format!("did you mean `{h}`?"));
                        }
                    }
                }
            }
            ShapeKind::List => match &node.value {
                NodeValue::Seq(items) => {
                    if let Some(member) = &shape.member {
                        items
                            .iter()
                            .for_each(|i| self.members(i, &member.shape, context));
                    }
                }
                _ => {
                    self.error(
                        node.pos,
                        format!("{context} expects a list, found {}", node.kind()),
                    );
                }
            },
            ShapeKind::Map => match (&node.value, &shape.value) {
                (NodeValue::Map(entries), Some(value)) => {
                    entries
                        .iter()
                        .for_each(|(_, v)| self.members(v, &value.shape, context));
                }
                _ => {
                    self.error(
                        node.pos,
                        format!("{context} expects a mapping, found {}", node.kind()),
                    );
                }
            },
            ShapeKind::String | ShapeKind::Blob => {
                if !matches!(node.value, NodeValue::Str(_)) {
                    let d = self.error(
                        node.pos,
                        format!("{context} expects a string, found {}", node.kind()),
                    );
                    if matches!(
                        node.value,
                        NodeValue::Int(_) | NodeValue::Float(_) | NodeValue::Bool(_)
                    ) {
                        d.help =
                            Some("quote the value: the model types this member as a string".into());
                    }
                }
            }
            ShapeKind::Integer | ShapeKind::Long => {
                if !matches!(node.value, NodeValue::Int(_)) {
                    self.error(
                        node.pos,
                        format!("{context} expects an integer, found {}", node.kind()),
                    );
                }
            }
            ShapeKind::Boolean => {
                if !matches!(node.value, NodeValue::Bool(_)) {
                    self.error(
                        node.pos,
                        format!("{context} expects a boolean, found {}", node.kind()),
                    );
                }
            }
            ShapeKind::Timestamp | ShapeKind::Double | ShapeKind::Float => {
                if !matches!(node.value, NodeValue::Int(_) | NodeValue::Float(_)) {
                    self.error(
                        node.pos,
                        format!("{context} expects a number, found {}", node.kind()),
                    );
                }
            }
        }
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

/// `90`, `30s`, `10m`, `8h`, `7h59m`, `8h0m1s`, `1d` into seconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if let Ok(n) = text.parse::<u64>() {
        return Ok(n);
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut any = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(format!("unexpected `{c}`")),
        };
        let n: u64 = number
            .parse()
            .map_err(|_| format!("a number must come before `{c}`"))?;
        total = total
            .checked_add(n.checked_mul(unit).ok_or("too large")?)
            .ok_or("too large")?;
        number.clear();
        any = true;
    }
    if !number.is_empty() || !any {
        return Err("expected a number followed by d, h, m or s".into());
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7h59m"), Ok(7 * 3600 + 59 * 60));
        assert_eq!(parse_duration("8h1s"), Ok(8 * 3600 + 1));
        assert_eq!(parse_duration("90"), Ok(90));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("10").is_ok());
    }

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
