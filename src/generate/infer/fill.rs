//! A request's required members filled from what came before it: the requests sent and the
//! answers of the steps before, else synthesized where a member names nothing.

use serde_json::{Map, Value, json};

use super::words::{makes, parts, producer};
use crate::model::{Model, Shape, ShapeKind};
use crate::synth;

/// Where a value can come from: a request sent before, or the answer of a step (`id`).
pub struct Source<'a> {
    /// The step's id, whose captures are named `<id>_<member>`.
    pub step: &'a str,
    pub operation: &'a str,
    pub request: &'a Map<String, Value>,
}

/// A request filled from what came before.
#[derive(Debug, Default)]
pub struct Filled {
    pub params: Map<String, Value>,
    /// Captures each source step needs to take (step id, name, JMESPath).
    pub captures: Vec<(String, String, String)>,
    /// Members naming a resource no operation of the model makes, given a value of its form.
    pub guessed: Vec<String>,
}

impl Filled {
    /// `member` takes what `step` answered at `path`, captured under a name of both.
    fn capture(&mut self, member: &str, step: &str, path: String) {
        let name = format!("{step}_{}", member.to_ascii_lowercase());
        self.params
            .insert(member.to_string(), Value::String(format!("${{{name}}}")));
        self.captures.push((step.to_string(), name, path));
    }
}

/// The required members of `operation`'s request, each from a source's request (the same
/// member), a source's answer (a member of that name, or of the source's noun and that name:
/// `Id` from `NamespaceId`), else synthesized when it names nothing; `Err` names the member
/// that stopped it.
pub fn fill(model: &Model, operation: &str, sources: &[Source]) -> Result<Filled, String> {
    fill_as(model, operation, sources, Guess::Elsewhere)
}

/// Whether a member naming what no operation of the model makes may take a value of its form.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Guess {
    /// Yes: it is made by another service (an IAM role), and the request only refers to it.
    Elsewhere,
    /// No: the request undoes something, and must name exactly what was made.
    Never,
}

/// [`fill`], guessing as told.
pub fn fill_as(
    model: &Model,
    operation: &str,
    sources: &[Source],
    guess: Guess,
) -> Result<Filled, String> {
    let mut filled = Filled::default();
    let Some(shape) = model.input_shape(operation) else {
        return Ok(filled);
    };
    for member in &shape.required {
        // A maker's own token: one of the scenario's, never a value another scenario sends.
        // An undoer's token member may name what was made instead (Athena's
        // StopQueryExecution takes the `QueryExecutionId` StartQueryExecution answered).
        let token_member = model.idempotency_token_member(operation) == Some(member.as_str());
        let named_by_answer = || {
            sources
                .iter()
                .find_map(|s| Some((s.step, from_answer(model, s, member)?)))
        };
        if token_member
            && guess == Guess::Never
            && let Some((step, path)) = named_by_answer()
        {
            filled.capture(member, step, path);
            continue;
        }
        let def = shape
            .members
            .get(member)
            .and_then(|m| model.shape(&m.shape));
        if token_member {
            let name = operation.to_ascii_lowercase();
            let token = super::super::scenarios::token_template(def, &name, "");
            filled.params.insert(member.clone(), Value::String(token));
            continue;
        }
        let fits = |v: &&Value| def.is_none_or(|d| of_kind(d.kind, v));
        if let Some(value) = sources
            .iter()
            .find_map(|s| from_request(s, member).filter(fits))
        {
            filled.params.insert(member.clone(), value.clone());
            continue;
        }
        if let Some((step, path)) = named_by_answer() {
            filled.capture(member, step, path);
            continue;
        }
        // An operation that makes a thing may take the thing's own id from the caller
        // (RegisterInstance's `InstanceId`): a name of the scenario's own.
        let own = makes(operation) && member.starts_with(parts(operation).2);
        if own && let Some(def) = def.filter(|d| d.kind == ShapeKind::String) {
            let name = format!(
                "${{run.prefix}}-{}",
                parts(operation).2.to_ascii_lowercase()
            );
            if synth::accepts(def, "pcabcdefgh-a1b2c3-instance") {
                filled.params.insert(member.clone(), Value::String(name));
                continue;
            }
        }
        if names_a_resource(member) {
            // Made by another service (an IAM role, a VPC): a value of its form, noted. A bare
            // `Id` or `Arn` names the operation's own subject, never another service's.
            let elsewhere = !["Id", "Arn", "ARN", "Identifier"].contains(&member.as_str())
                && producer(model, member, operation).is_none();
            if guess == Guess::Elsewhere && elsewhere {
                let shape = shape
                    .members
                    .get(member)
                    .map(|m| m.shape.as_str())
                    .unwrap_or("");
                let value = synth::minimal(model, shape)
                    .map_err(|e| format!("{operation}.{member}: {e}"))?;
                filled.params.insert(member.clone(), value);
                filled.guessed.push(format!("{operation}.{member}"));
                continue;
            }
            return Err(format!(
                "{operation}.{member} names a resource no earlier step gives"
            ));
        }
        let shape = shape
            .members
            .get(member)
            .map(|m| m.shape.clone())
            .unwrap_or_default();
        let value =
            synth::minimal(model, &shape).map_err(|e| format!("{operation}.{member}: {e}"))?;
        filled.params.insert(member.clone(), value);
    }
    // An optional member the source sent under the same name scopes this request the same way
    // (ECS's `cluster`: without it, DeleteService looks in the default cluster).
    for member in shape.members.keys().filter(|m| !shape.required.contains(m)) {
        if let Some(value) = sources.iter().find_map(|s| s.request.get(member)) {
            filled.params.insert(member.clone(), value.clone());
        }
    }
    Ok(filled)
}

/// Whether a value is of a shape's kind (a name is no structure).
fn of_kind(kind: ShapeKind, value: &Value) -> bool {
    match kind {
        ShapeKind::String | ShapeKind::Timestamp | ShapeKind::Blob => value.is_string(),
        ShapeKind::Structure | ShapeKind::Map => value.is_object(),
        ShapeKind::List => value.is_array(),
        ShapeKind::Boolean => value.is_boolean(),
        _ => value.is_number(),
    }
}

/// Whether a source gives a member, from its request or its answer.
pub(super) fn gives(model: &Model, source: &Source, member: &str) -> bool {
    from_request(source, member).is_some() || from_answer(model, source, member).is_some()
}

/// The path of a member in a source's answer: a member of that name, of the source's noun
/// and that name (`Id` from `NamespaceId`), or of that name without the noun (`ServiceId`
/// from `Service.Id`).
fn from_answer(model: &Model, source: &Source, member: &str) -> Option<String> {
    let noun = parts(source.operation).2;
    answer_path(model, source.operation, member)
        .or_else(|| answer_path(model, source.operation, &format!("{noun}{member}")))
        .or_else(|| {
            let rest = member.strip_prefix(noun).filter(|r| !r.is_empty())?;
            own_identifier(model, source.operation, rest)
        })
}

/// Where a maker's answer names what it made by `kind` (`Id`): that member, else, for an id,
/// its ARN or name (Secrets Manager's `SecretId` takes either).
pub(super) fn own_identifier(model: &Model, operation: &str, kind: &str) -> Option<String> {
    answer_path(model, operation, kind).or_else(|| {
        ["Id", "Identifier"]
            .contains(&kind)
            .then(|| {
                ["ARN", "Arn", "Name"]
                    .iter()
                    .find_map(|k| answer_path(model, operation, k))
            })
            .flatten()
    })
}

/// A member from a source's request: the same member, the member's name (`service` from
/// `serviceName`), or, for a member named after what the source made (`service` of
/// `CreateService`), that thing's name.
fn from_request<'r>(source: &Source<'r>, member: &str) -> Option<&'r Value> {
    let lower = member.to_ascii_lowercase();
    let named = |suffix: &str| {
        source
            .request
            .iter()
            .find(|(k, _)| k.to_ascii_lowercase() == format!("{lower}{suffix}"))
            .map(|(_, v)| v)
    };
    let (_, rest, last) = parts(source.operation);
    let made = [rest, last].iter().any(|n| n.eq_ignore_ascii_case(member));
    named("").or_else(|| named("name")).or_else(|| {
        made.then(|| {
            source
                .request
                .iter()
                .find(|(k, v)| (k.ends_with("Name") || *k == "name") && v.is_string())
                .map(|(_, v)| v)
        })?
    })
}

/// Whether a member names another resource (an id, an ARN, an identifier).
pub(super) fn names_a_resource(member: &str) -> bool {
    ["Id", "Arn", "ARN", "Identifier"]
        .iter()
        .any(|e| member.ends_with(e))
}

/// The JMESPath of a string member named `member` in `operation`'s answer, at most two
/// structures deep (`Namespace.Id`).
pub(super) fn answer_path(model: &Model, operation: &str, member: &str) -> Option<String> {
    let output = model.operation(operation)?.output.as_ref()?;
    find(model, model.shape(&output.shape)?, member, 0)
}

fn find(model: &Model, shape: &Shape, member: &str, depth: usize) -> Option<String> {
    let string = |name: &str| {
        shape.members.iter().find(|(n, s)| {
            n.eq_ignore_ascii_case(name)
                && model
                    .shape(&s.shape)
                    .is_some_and(|s| s.kind == ShapeKind::String)
        })
    };
    if let Some((name, _)) = string(member) {
        return Some(name.clone());
    }
    if depth >= 2 {
        return None;
    }
    shape.members.iter().find_map(|(name, m)| {
        let inner = model
            .shape(&m.shape)
            .filter(|s| s.kind == ShapeKind::Structure)?;
        find(model, inner, member, depth + 1).map(|p| format!("{name}.{p}"))
    })
}

/// The request with each member that names a resource of the scenario's own given a name
/// carrying the run's prefix, where the member's constraints accept one (so that what a run
/// makes is found by its prefix, and never met by another run).
pub fn prefixed_names(model: &Model, operation: &str, request: &mut Map<String, Value>) {
    let Some(shape) = model.input_shape(operation) else {
        return;
    };
    let (_, rest, _) = parts(operation);
    let suffix: String = rest
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect();
    prefix_in(model, shape, request, &suffix, 0);
}

/// [`prefixed_names`] in one structure and, a few levels down, those it holds (a backup
/// plan's `BackupPlan.BackupPlanName`).
fn prefix_in(
    model: &Model,
    shape: &Shape,
    request: &mut Map<String, Value>,
    suffix: &str,
    depth: usize,
) {
    for (member, value) in request.iter_mut() {
        let Some(def) = shape
            .members
            .get(member)
            .and_then(|m| model.shape(&m.shape))
        else {
            continue;
        };
        if let (Value::Object(inner), ShapeKind::Structure) = (&mut *value, def.kind) {
            if depth < 3 {
                prefix_in(model, def, inner, suffix, depth + 1);
            }
            continue;
        }
        let named = member == "Name" || member.ends_with("Name") || member == "name";
        if !named || !value.is_string() {
            continue;
        }
        // As the template expands: `pc` and a run id, a scenario hash; then the suffix as it
        // is, in lower case, or none, the first the member's constraints take.
        let lower = suffix.to_ascii_lowercase();
        let fitting = [format!("-{suffix}"), format!("-{lower}"), String::new()]
            .into_iter()
            .find(|end| synth::accepts(def, &format!("pcabcdefgh-a1b2c3{end}")));
        if let Some(end) = fitting {
            *value = json!(format!("${{run.prefix}}{end}"));
        }
    }
}
