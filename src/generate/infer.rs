//! What a token operation needs around it, found in the model as RESTler finds producers and
//! consumers in an API description: the operation that makes the resource an operation names
//! (`UpdateNamespace` needs what `CreateNamespace` makes) and the one that undoes it
//! (`CreateNamespace` is undone by `DeleteNamespace`), their required members filled from the
//! request and from the answers before them. Where inference stops, it says which member
//! stopped it: the pack then needs a fixture.

use serde_json::{Map, Value, json};

use crate::model::{Model, Shape, ShapeKind};
use crate::service::TokenOperation;
use crate::synth;

/// The verbs that make a resource, and those that undo what each makes.
const UNDO: &[(&str, &[&str])] = &[
    ("Create", &["Delete"]),
    ("Register", &["Deregister"]),
    ("Start", &["Stop"]),
    ("Run", &["Stop", "Terminate"]),
    ("Put", &["Delete"]),
    ("Request", &["Delete"]),
    ("Allocate", &["Release"]),
    ("Launch", &["Terminate"]),
    ("Import", &["Delete"]),
];

/// An operation's verb (its first word), what it acts on, and that thing's last word
/// (`CreateHttpNamespace`: `Create`, `HttpNamespace`, `Namespace`).
pub fn parts(operation: &str) -> (&str, &str, &str) {
    let split = |text: &str, from_end: bool| {
        let mut uppers = text
            .char_indices()
            .skip(1)
            .filter(|(_, c)| c.is_ascii_uppercase())
            .map(|(i, _)| i);
        if from_end {
            uppers.last()
        } else {
            uppers.next()
        }
    };
    let (verb, rest) = operation.split_at(split(operation, false).unwrap_or(operation.len()));
    let last = split(rest, true).map_or(rest, |i| &rest[i..]);
    (verb, rest, last)
}

/// Whether the operation makes a resource.
pub fn makes(operation: &str) -> bool {
    UNDO.iter().any(|(v, _)| *v == parts(operation).0)
}

/// The operation that undoes what `operation` makes (`DeleteX` for `CreateX`, else for the
/// last word of X).
pub fn undoer<'m>(model: &'m Model, operation: &str) -> Option<&'m str> {
    let (verb, rest, last) = parts(operation);
    let enders = UNDO.iter().find(|(v, _)| *v == verb)?.1;
    enders
        .iter()
        .flat_map(|e| [format!("{e}{rest}"), format!("{e}{last}")])
        .find_map(|name| {
            model
                .operations
                .get_key_value(&name)
                .map(|(k, _)| k.as_str())
        })
}

/// The operation that makes what `operation` acts on (`CreateX` for `UpdateX`), if it is not
/// one that makes things itself.
pub fn maker<'m>(model: &'m Model, operation: &str) -> Option<&'m str> {
    if makes(operation) {
        return None;
    }
    let (_, rest, last) = parts(operation);
    ["Create", "Register", "Put"]
        .iter()
        .flat_map(|v| [format!("{v}{rest}"), format!("{v}{last}")])
        .find_map(|name| {
            model
                .operations
                .get_key_value(&name)
                .map(|(k, _)| k.as_str())
        })
}

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

/// The required members of `operation`'s request, each from a source's request (the same
/// member), a source's answer (a member of that name, or of the source's noun and that name:
/// `Id` from `NamespaceId`), else synthesized when it names nothing; `Err` names the member
/// that stopped it.
pub fn fill(model: &Model, operation: &str, sources: &[Source]) -> Result<Filled, String> {
    let mut filled = Filled::default();
    let Some(shape) = model.input_shape(operation) else {
        return Ok(filled);
    };
    for member in &shape.required {
        // A maker's own token: one of the scenario's, never a value another scenario sends.
        if model.idempotency_token_member(operation) == Some(member.as_str()) {
            let def = shape
                .members
                .get(member)
                .and_then(|m| model.shape(&m.shape));
            let name = operation.to_ascii_lowercase();
            let token = super::scenarios::token_template(def, &name, "");
            filled.params.insert(member.clone(), Value::String(token));
            continue;
        }
        if let Some(value) = sources.iter().find_map(|s| from_request(s, member)) {
            filled.params.insert(member.clone(), value.clone());
            continue;
        }
        let from_answer = sources
            .iter()
            .find_map(|s| Some((s.step, from_answer(model, s, member)?)));
        if let Some((step, path)) = from_answer {
            let name = format!("{step}_{}", member.to_ascii_lowercase());
            filled
                .params
                .insert(member.clone(), Value::String(format!("${{{name}}}")));
            filled.captures.push((step.to_string(), name, path));
            continue;
        }
        // An operation that makes a thing may take the thing's own id from the caller
        // (RegisterInstance's `InstanceId`): a name of the scenario's own.
        let own = makes(operation) && member.starts_with(parts(operation).2);
        if own
            && let Some(def) = shape
                .members
                .get(member)
                .and_then(|m| model.shape(&m.shape))
                .filter(|d| d.kind == ShapeKind::String)
        {
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
            // Made by another service (an IAM role, a VPC): a value of its form, noted.
            if producer(model, member, operation).is_none() {
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

/// Whether a source gives a member, from its request or its answer.
fn gives(model: &Model, source: &Source, member: &str) -> bool {
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
fn own_identifier(model: &Model, operation: &str, kind: &str) -> Option<String> {
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
fn names_a_resource(member: &str) -> bool {
    ["Id", "Arn", "ARN", "Identifier"]
        .iter()
        .any(|e| member.ends_with(e))
}

/// The JMESPath of a string member named `member` in `operation`'s answer, at most two
/// structures deep (`Namespace.Id`).
fn answer_path(model: &Model, operation: &str, member: &str) -> Option<String> {
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
    for (member, value) in request.iter_mut() {
        let named = member == "Name" || member.ends_with("Name") || member == "name";
        let Some(def) = shape
            .members
            .get(member)
            .and_then(|m| model.shape(&m.shape))
            .filter(|_| named && value.is_string())
        else {
            continue;
        };
        // As the template expands: `pc` and a run id, a scenario hash, and the suffix.
        let sample = format!("pcabcdefgh-a1b2c3-{suffix}");
        if synth::accepts(def, &sample) {
            *value = json!(format!("${{run.prefix}}-{suffix}"));
        }
    }
}

/// The operation that makes what `member` names (`ServiceId`: `CreateService`, whose answer
/// carries `Service.Id`), other than `asking`: one whose verb makes things and whose answer
/// has the member, the one named after the member's noun first.
pub fn producer<'m>(model: &'m Model, member: &str, asking: &str) -> Option<&'m str> {
    let noun = ["Id", "Arn", "ARN", "Identifier", "Name"]
        .iter()
        .find_map(|end| member.strip_suffix(end))
        .filter(|n| !n.is_empty())?;
    let mut found: Vec<(bool, &str)> = model
        .operations
        .keys()
        .map(String::as_str)
        .filter(|op| *op != asking && makes(op))
        .filter(|op| {
            let last = parts(op).2;
            answer_path(model, op, member).is_some()
                || (last.eq_ignore_ascii_case(noun)
                    && own_identifier(model, op, &member[noun.len()..]).is_some())
        })
        .map(|op| (!parts(op).1.eq_ignore_ascii_case(noun), op))
        .collect();
    found.sort();
    found.first().map(|(_, op)| *op)
}

/// A step of the setup that makes what the token operation needs.
struct Made {
    id: String,
    operation: String,
    request: Map<String, Value>,
    /// What later steps take from its answer (name, JMESPath).
    captures: Map<String, Value>,
    /// Its members given a value of their form (see [`Filled::guessed`]).
    guessed: Vec<String>,
}

/// The made steps as sources of values, in order.
fn sources(made: &[Made]) -> Vec<Source<'_>> {
    made.iter()
        .map(|m| Source {
            step: &m.id,
            operation: &m.operation,
            request: &m.request,
        })
        .collect()
}

/// Adds the steps that make what `operation` needs, then `operation` itself, to `made`; at
/// most three levels of makers deep. `path`: the operations being provided for, outermost
/// first (a maker that needs what it makes itself is no maker).
fn provide(
    model: &Model,
    operation: &str,
    made: &mut Vec<Made>,
    path: &mut Vec<String>,
) -> Result<(), String> {
    if path.len() > 3 {
        return Err(format!(
            "what {} needs is made more than three steps away",
            path[0]
        ));
    }
    path.push(operation.to_string());
    let needed = needs(model, operation, made, path);
    path.pop();
    needed?;
    let mut filled = fill(model, operation, &sources(made))?;
    prefixed_names(model, operation, &mut filled.params);
    take_captures(made, filled.captures);
    let guessed = filled.guessed;
    let id = match made.len() {
        0 => "made".to_string(),
        n => format!("made{}", n + 1),
    };
    made.push(Made {
        id,
        operation: operation.to_string(),
        request: filled.params,
        captures: Map::new(),
        guessed,
    });
    Ok(())
}

/// Makes, before `operation`, what its required members name that nothing made yet gives.
fn needs(
    model: &Model,
    operation: &str,
    made: &mut Vec<Made>,
    path: &mut Vec<String>,
) -> Result<(), String> {
    let Some(shape) = model.input_shape(operation) else {
        return Ok(());
    };
    for member in shape.required.iter().filter(|m| names_a_resource(m)) {
        if sources(made).iter().any(|s| gives(model, s, member)) {
            continue;
        }
        let maker = producer(model, member, operation)
            .filter(|m| !path.iter().any(|p| p == m) && !made.iter().any(|d| d.operation == *m));
        if let Some(maker) = maker {
            provide(model, maker, made, path)?;
        }
    }
    Ok(())
}

/// Each capture a later step takes, onto the step whose answer it comes from.
fn take_captures(made: &mut [Made], captures: Vec<(String, String, String)>) {
    for (step, name, path) in captures {
        if let Some(m) = made.iter_mut().find(|m| m.id == step) {
            m.captures.insert(name, Value::String(path));
        }
    }
}

/// The token operation with what it needs around it, from the model: the steps that make
/// what it acts on (its maker, `CreateX` for `UpdateX`, and what the members it requires name),
/// its request (names carrying the run's prefix), and the teardown that undoes what they and
/// it made, last made first, with the captures the teardown needs. `Err` says why it cannot be
/// known without a fixture (what would be made could not be cleaned up).
pub fn surroundings(model: &Model, token: &TokenOperation) -> Result<TokenOperation, String> {
    let operation = token.operation.as_str();
    let mut token = token.clone();
    let mut made = Vec::new();
    let mut path = vec![operation.to_string()];
    if let Some(maker) = maker(model, operation) {
        provide(model, maker, &mut made, &mut path)?;
    }
    needs(model, operation, &mut made, &mut path)?;
    let mut request = fill(model, operation, &sources(&made))?;
    prefixed_names(model, operation, &mut request.params);
    take_captures(&mut made, request.captures);
    token.guessed = request.guessed;
    token
        .guessed
        .extend(made.iter().flat_map(|m| m.guessed.iter().cloned()));
    let mut teardown = Vec::new();
    let mut first_captures = Map::new();
    if makes(operation) {
        let undo = undoer(model, operation)
            .ok_or_else(|| format!("nothing in the model undoes what {operation} makes"))?;
        let first = Source {
            step: "first",
            operation,
            request: &request.params,
        };
        let mut all = vec![first];
        all.extend(sources(&made));
        let filled = fill(model, undo, &all)
            .map_err(|e| format!("what {operation} makes cannot be undone: {e}"))?;
        for (step, name, path) in &filled.captures {
            if step == "first" {
                first_captures.insert(name.clone(), Value::String(path.clone()));
            }
        }
        let rest: Vec<_> = filled
            .captures
            .into_iter()
            .filter(|(s, _, _)| s != "first")
            .collect();
        take_captures(&mut made, rest);
        teardown.push(json!({ "call": undo, "params": filled.params }));
    }
    for index in (0..made.len()).rev() {
        let m = &made[index];
        let undo = undoer(model, &m.operation)
            .ok_or_else(|| format!("nothing in the model undoes what {} makes", m.operation))?;
        // Undone from its own request and answer first, then from what made it possible.
        let mut from = sources(&made[index..=index]);
        from.extend(sources(&made[..index]));
        let filled = fill(model, undo, &from)
            .map_err(|e| format!("what {} makes cannot be undone: {e}", m.operation))?;
        take_captures(&mut made, filled.captures);
        teardown.push(json!({ "call": undo, "params": filled.params }));
    }
    let setup = made
        .iter()
        .map(|m| {
            let mut step = json!({ "id": m.id, "call": m.operation, "params": m.request });
            if !m.captures.is_empty() {
                step["capture"] = Value::Object(m.captures.clone());
            }
            step
        })
        .collect();
    token.input = Some(Value::Object(request.params));
    token.setup = setup;
    token.teardown = teardown;
    if !first_captures.is_empty() {
        token.capture = Some(Value::Object(first_captures));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_is_told_apart_into_verb_and_what_it_acts_on() {
        assert_eq!(
            parts("CreateHttpNamespace"),
            ("Create", "HttpNamespace", "Namespace")
        );
        assert_eq!(parts("RunTask"), ("Run", "Task", "Task"));
    }

    #[test]
    fn what_an_operation_makes_is_undone_by_its_counterpart() {
        let ecs = Model::bundled("ecs-2014-11-13").unwrap();
        assert_eq!(undoer(&ecs, "CreateService"), Some("DeleteService"));
        assert_eq!(undoer(&ecs, "RunTask"), Some("StopTask"));
        assert_eq!(maker(&ecs, "UpdateService"), Some("CreateService"));
        assert_eq!(maker(&ecs, "CreateService"), None);
    }

    #[test]
    fn a_member_comes_from_an_earlier_answer_or_stops_the_inference() {
        let ecs = Model::bundled("ecs-2014-11-13").unwrap();
        let request = json!({ "cluster": "${run.prefix}-c", "serviceName": "${run.prefix}-s" });
        let source = Source {
            step: "made",
            operation: "CreateService",
            request: request.as_object().unwrap(),
        };
        let filled = fill(&ecs, "DeleteService", &[source]).unwrap();
        // `cluster` is the request's own; `service` is what CreateService made: its name.
        assert_eq!(filled.params["cluster"], json!("${run.prefix}-c"));
        assert_eq!(filled.params["service"], json!("${run.prefix}-s"));
        let secrets = Model::bundled("secretsmanager-2017-10-17").unwrap();
        let stopped = fill(&secrets, "DeleteSecret", &[]).unwrap_err();
        assert!(stopped.contains("SecretId"), "{stopped}");
    }
}
