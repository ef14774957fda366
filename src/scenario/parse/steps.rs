//! Steps: which action a step takes (decided once, as a [`RawAction`] carrying its payload),
//! each action's own checks, and the modifiers that apply to it.

use serde_saphyr::Spanned;

use super::converter::{Converter, input_shape, output_shape, pos};
use crate::diagnostic::Pos;
use crate::duration::parse_duration;
use crate::model::{self};
use crate::scenario::ast::{
    Action, Capability, ClientCall, Expect, ExpectRequests, Injection, Poll, Step, When,
};
use crate::scenario::node::{Node, NodeValue};
use crate::scenario::raw::RawInjection;
use crate::scenario::raw::{RawStep, RawWhen};

/// The one action of a step, with its payload: decided here once, so no handler looks for
/// its own key again.
enum RawAction<'r> {
    Call(&'r Spanned<String>),
    Repeat(&'r Spanned<String>),
    Advance(&'r Spanned<String>),
    Wait(&'r Spanned<String>),
    Poll(&'r Spanned<String>),
    Inject(&'r Spanned<RawInjection>),
    Snapshot(&'r Spanned<String>),
    Client(&'r Spanned<String>),
}

impl<'r> RawAction<'r> {
    /// Every action key the step holds, in the format's order (one is valid).
    fn all_of(step: &'r RawStep) -> Vec<RawAction<'r>> {
        let mut found = Vec::new();
        found.extend(step.call.as_ref().map(RawAction::Call));
        found.extend(step.repeat.as_ref().map(RawAction::Repeat));
        found.extend(step.advance.as_ref().map(RawAction::Advance));
        found.extend(step.wait.as_ref().map(RawAction::Wait));
        found.extend(step.poll.as_ref().map(RawAction::Poll));
        found.extend(step.inject.as_ref().map(RawAction::Inject));
        found.extend(step.snapshot.as_ref().map(RawAction::Snapshot));
        found.extend(step.client.as_ref().map(RawAction::Client));
        found
    }

    fn keyword(&self) -> &'static str {
        match self {
            RawAction::Call(_) => "call",
            RawAction::Repeat(_) => "repeat",
            RawAction::Advance(_) => "advance",
            RawAction::Wait(_) => "wait",
            RawAction::Poll(_) => "poll",
            RawAction::Inject(_) => "inject",
            RawAction::Snapshot(_) => "snapshot",
            RawAction::Client(_) => "client",
        }
    }
}

impl Converter<'_> {
    pub(super) fn steps(&mut self, raw: Vec<Spanned<RawStep>>) -> Vec<Step> {
        // Collected in place, the steps would keep the raw steps' allocation, five times
        // their size (a kept scenario of 3 steps held 12 KB of it): give the excess back.
        let mut steps: Vec<Step> = raw.into_iter().filter_map(|s| self.step(s)).collect();
        steps.shrink_to_fit();
        steps
    }

    pub(super) fn step(&mut self, raw: Spanned<RawStep>) -> Option<Step> {
        let at = pos(&raw);
        let step = raw.value;
        let mut present = RawAction::all_of(&step);
        if present.len() != 1 {
            let found = if present.is_empty() {
                "none".to_string()
            } else {
                let names: Vec<&str> = present.iter().map(RawAction::keyword).collect();
                names.join(", ")
            };
            self.error(
                at,
                format!("a step needs exactly one action, found {found}"),
            )
            .help =
                Some("use one of `call`, `repeat`, `advance`, `wait`, `poll`, `inject`, `snapshot` or `client`".into());
            return None;
        }
        let action = present.remove(0);
        self.misplaced(at, action.keyword(), &step);
        let id = step.id.as_ref().map(|id| id.value.clone());
        if let Some(id) = &step.id
            && self.steps.contains_key(&id.value)
        {
            self.error(pos(id), format!("step id `{}` is used twice", id.value));
        }
        let when = step.when.as_ref().map(|w| self.when(w));
        let (action, operation) = match action {
            RawAction::Call(call) => self.call(call, &step),
            RawAction::Repeat(repeat) => self.repeat(repeat, &step),
            RawAction::Advance(advance) => self.advance(advance),
            RawAction::Wait(waiter) => self.wait(waiter, &step),
            RawAction::Poll(poll) => self.poll(poll, &step),
            RawAction::Client(client) => self.client(client, &step),
            RawAction::Snapshot(target) => {
                self.step_ref(target);
                let step = target.value.clone();
                (Action::Snapshot { step }, None)
            }
            RawAction::Inject(inject) => self.inject(&inject.value),
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
        let paginate = self.paginate(step.paginate.as_ref(), &action);
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
            paginate,
            timeout_ms: step.timeout_ms.as_ref().map(|t| t.value),
            when,
        })
    }

    /// `paginate: true` needs an operation the model pages.
    fn paginate(&mut self, paginate: Option<&Spanned<bool>>, action: &Action) -> bool {
        let Some(p) = paginate.filter(|p| p.value) else {
            return false;
        };
        let Action::Call { operation, .. } = action else {
            return true; // a `repeat` pages as its original's operation does
        };
        if !self.model().paginators.contains_key(operation) {
            self.error(
                pos(p),
                format!("{operation} has no paginator in the model, so it cannot be paged"),
            );
        }
        true
    }

    /// Modifiers that do not apply to the step's action.
    pub(super) fn misplaced(&mut self, at: Pos, kind: &str, step: &RawStep) {
        let sends = ["call", "repeat"];
        let rules: [(&str, bool, &[&str]); 17] = [
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
            ("paginate", step.paginate.is_some(), &sends),
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

    fn call(&mut self, call: &Spanned<String>, step: &RawStep) -> (Action, Option<String>) {
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

    fn client(&mut self, client: &Spanned<String>, step: &RawStep) -> (Action, Option<String>) {
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
    pub(super) fn params(&mut self, operation: &str, at: Pos, params: Option<&Node>) {
        let known = self.operation(operation, at);
        if let (true, Some(params)) = (known, params) {
            self.members(params, &input_shape(self.model(), operation), operation);
        }
        if let Some(params) = params {
            self.templates_in(params);
        }
    }

    fn repeat(&mut self, repeat: &Spanned<String>, step: &RawStep) -> (Action, Option<String>) {
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

    fn advance(&mut self, advance: &Spanned<String>) -> (Action, Option<String>) {
        self.requires.push(Capability::Clock);
        let seconds = self.duration(advance).unwrap_or(0);
        (Action::Advance { seconds }, None)
    }

    pub(super) fn duration(&mut self, text: &Spanned<String>) -> Option<u64> {
        match parse_duration(&text.value) {
            Ok(s) => Some(s),
            Err(e) => {
                self.error(pos(text), format!("invalid duration `{}`: {e}", text.value))
                    .help = Some("write e.g. `10m`, `7h59m`, `8h1s` or `30s`".into());
                None
            }
        }
    }

    fn wait(&mut self, wait: &Spanned<String>, step: &RawStep) -> (Action, Option<String>) {
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

    fn poll(&mut self, poll: &Spanned<String>, step: &RawStep) -> (Action, Option<String>) {
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

    fn inject(&mut self, raw: &RawInjection) -> (Action, Option<String>) {
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

    pub(super) fn when(&mut self, raw: &Spanned<RawWhen>) -> When {
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
    pub(super) fn step_ref(&mut self, id: &Spanned<String>) -> Option<Option<String>> {
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
    pub(super) fn captures(
        &mut self,
        node: Option<&Node>,
        output: Option<String>,
    ) -> Vec<(String, String)> {
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
                    if let Some((message, help)) = output.as_deref().and_then(|o| {
                        crate::scenario::constraints::impossible_path(self.model(), path, o)
                    }) {
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

    pub(super) fn jmespath(&mut self, path: &str, at: Pos) {
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
}
