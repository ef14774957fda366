//! What a scenario remembers as it runs: its bindings (variables, captures, tokens), the
//! requests and answers of its named steps, and its snapshot placeholders.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::scope::{At, Scope, StepOutcome};
use crate::check::{self, CheckFailure};
use crate::client::Exchange;
use crate::error::Error;
use crate::event::Problem;
use crate::model::{Model, ShapeKind};
use crate::redact::Redactor;
use crate::scenario::template::Bindings;
use crate::scenario::{Action, Step, When};

/// The tag every resource a run creates carries, where the operation takes tags (beside the
/// run prefix in its name), so that leftovers can be told apart by tag as well.
const RUN_TAG: &str = "proton-conform:run";

pub(super) struct Memory {
    pub bindings: Bindings,
    /// Requests sent, by step id, for `repeat`.
    pub requests: HashMap<String, (String, Value)>,
    /// Exchanges, by step id, for `same_as` and `deleted_metadata`.
    pub exchanges: HashMap<String, Exchange>,
    /// Placeholders for snapshots, numbered in order of first sight within the scenario.
    pub redactor: Redactor,
    /// Deviations from the protocol or the model the profile recorded (G2, G3), each once.
    pub deviations: Vec<Problem>,
}

impl Memory {
    /// Binds the scenario's variables, in order (each may use those before it).
    pub fn bind_vars(
        &mut self,
        vars: &[(String, crate::scenario::node::Node)],
    ) -> Result<(), Error> {
        for (name, node) in vars {
            let value = self
                .bindings
                .expand_value(&node.to_json())
                .map_err(|e| e.context(format_args!("variable `{name}`")))?;
            self.bindings.values.insert(name.clone(), value);
        }
        Ok(())
    }

    /// The operation and body a step sends, templates expanded.
    pub fn request(&self, model: &Model, step: &Step) -> Result<(String, Value), Error> {
        match &step.action {
            Action::Call { operation, params } => {
                let mut body = match params {
                    Some(p) => self.bindings.expand_value(&p.to_json())?,
                    None => Value::Object(Map::new()),
                };
                tag_with_run(model, operation, &mut body, &self.bindings.run_prefix);
                Ok((operation.clone(), body))
            }
            Action::Repeat { step: id, with } => {
                let (operation, original) = self.requests.get(id).ok_or_else(|| {
                    Error::input(format!("step `{id}` did not run, so it cannot be repeated"))
                })?;
                let mut body = original.clone();
                if let (Some(with), Some(object)) = (with, body.as_object_mut()) {
                    let changes = self.bindings.expand_value(&with.to_json())?;
                    for (key, value) in changes.as_object().into_iter().flatten() {
                        if value.is_null() {
                            object.remove(key);
                        } else {
                            object.insert(key.clone(), value.clone());
                        }
                    }
                }
                Ok((operation.clone(), body))
            }
            _ => Err(Error::internal("this step sends no request of its own")),
        }
    }

    /// `when`: the earlier answer's value at the path equals the expected value.
    pub fn when_holds(&self, when: &When) -> Result<bool, Error> {
        let expected = self.bindings.expand_value(&when.equals.to_json())?;
        let Some(body) = self.exchanges.get(&when.step).and_then(Exchange::body_json) else {
            return Ok(false);
        };
        let path = match self.bindings.expand_str(&when.path)? {
            Value::String(p) => p,
            other => other.to_string(),
        };
        let found = check::search(&path, body)?;
        Ok(check::differences(&expected, &found, &|_| false).is_empty())
    }

    /// A capture's path, its templates expanded (`Names[?@=='${run.prefix}-t']`).
    fn path(&self, path: &str) -> Result<String, Error> {
        Ok(match self.bindings.expand_str(path)? {
            Value::String(p) => p,
            other => other.to_string(),
        })
    }

    /// The step's captures from an answer; a capture the answer lacks is an error naming it.
    pub fn capture(&mut self, step: &Step, exchange: &Exchange) -> Result<(), Error> {
        let body = exchange.body_json().cloned().unwrap_or(Value::Null);
        for (name, path) in &step.capture {
            let path = &self.path(path)?;
            let value = check::search(path, &body)?;
            if value.is_null() {
                return Err(Error::endpoint(format!(
                    "capture `{name}`: nothing at `{path}` in the answer"
                )));
            }
            self.bindings.values.insert(name.clone(), value);
        }
        Ok(())
    }

    /// The step's captures that the answer holds, without complaint about those it lacks.
    pub fn salvage_captures(&mut self, step: &Step, exchange: &Exchange) {
        let Some(body) = exchange.success_body() else {
            return;
        };
        for (name, path) in &step.capture {
            if let Ok(path) = self.path(path)
                && let Ok(value) = check::search(&path, body)
                && !value.is_null()
            {
                self.bindings.values.insert(name.clone(), value);
            }
        }
    }

    /// Records a deviation the profile lets the scenario go on past, the first of each kind
    /// (clause and message) of each operation only: a retry's answer deviates as its original
    /// did.
    pub fn deviate(&mut self, scope: &Scope, at: At, deviation: CheckFailure, exchange: &Exchange) {
        let known = self.deviations.iter().any(|p| {
            p.clause.as_deref() == Some(&deviation.clause)
                && p.message == deviation.message
                && p.operation.as_deref() == Some(exchange.operation.as_str())
        });
        if known {
            return;
        }
        let clause = deviation.clause.clone();
        let mut problem = match scope.check_failure(at, deviation, Some(exchange)) {
            StepOutcome::Failed(p) | StepOutcome::Errored(p) => *p,
        };
        problem.clause = Some(clause);
        self.deviations.push(problem);
    }

    /// Remembers a named step's request and answer.
    pub fn remember(&mut self, step: &Step, request: (String, Value), exchange: Exchange) {
        if let Some(id) = &step.id {
            self.requests.insert(id.clone(), request);
            self.exchanges.insert(id.clone(), exchange);
        }
    }
}

/// Adds the run tag to a create's tags, in the form its model gives them (a list of
/// `key`/`value`, a map, a list of `Key`/`Value`) where the tag's key fits; a retry sends the
/// same body, so idempotency holds.
pub(in crate::runner) fn tag_with_run(
    model: &Model,
    operation: &str,
    body: &mut Value,
    run_prefix: &str,
) {
    let Some(input) = model
        .input_shape(operation)
        .filter(|_| operation.starts_with("Create"))
    else {
        return;
    };
    let Some((member, tags)) = input
        .members
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("tags"))
        .and_then(|(name, m)| Some((name.clone(), model.shape(&m.shape)?)))
    else {
        return;
    };
    let Some(object) = body.as_object_mut() else {
        return;
    };
    let fits = |shape: Option<&str>| {
        shape
            .and_then(|s| model.shape(s))
            .is_some_and(|s| crate::synth::accepts(s, RUN_TAG))
    };
    match tags.kind {
        ShapeKind::Map if fits(tags.key.as_ref().map(|k| k.shape.as_str())) => {
            let map = object
                .entry(member)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(map) = map.as_object_mut() {
                map.insert(RUN_TAG.into(), Value::String(run_prefix.into()));
            }
        }
        ShapeKind::List => {
            let Some(item) = tags.member.as_ref().and_then(|m| model.shape(&m.shape)) else {
                return;
            };
            let named = |word: &str| {
                item.members
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(word))
                    .map(|(n, m)| (n.clone(), m))
            };
            let (Some((key, key_ref)), Some((value, _))) = (named("key"), named("value")) else {
                return;
            };
            if !fits(Some(key_ref.shape.as_str())) {
                return;
            }
            let list = object
                .entry(member)
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Some(list) = list.as_array_mut()
                && !list.iter().any(|t| t[&key] == RUN_TAG)
            {
                list.push(serde_json::json!({ key: RUN_TAG, value: run_prefix }));
            }
        }
        _ => {}
    }
}
