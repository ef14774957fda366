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
        if let Some(value) = sources.iter().find_map(|s| from_request(s, member)) {
            filled.params.insert(member.clone(), value.clone());
            continue;
        }
        let from_answer = sources.iter().find_map(|s| {
            let noun = parts(s.operation).2;
            let path = answer_path(model, s.operation, member)
                .or_else(|| answer_path(model, s.operation, &format!("{noun}{member}")))?;
            Some((s.step, path))
        });
        if let Some((step, path)) = from_answer {
            let name = format!("{step}_{}", member.to_ascii_lowercase());
            filled
                .params
                .insert(member.clone(), Value::String(format!("${{{name}}}")));
            filled.captures.push((step.to_string(), name, path));
            continue;
        }
        if names_a_resource(member) {
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

/// The token operation with what it needs around it, from the model: its request (names
/// carrying the run's prefix), the step that makes what it acts on (`made`), and the teardown
/// that undoes what it and that step made, with the captures the teardown needs. `Err` says
/// why it cannot be known without a fixture (what would be made could not be cleaned up).
pub fn surroundings(model: &Model, token: &TokenOperation) -> Result<TokenOperation, String> {
    let operation = token.operation.as_str();
    let mut token = token.clone();
    let mut setup = Vec::new();
    let mut teardown = Vec::new();
    let mut sources_made = Vec::new();
    let made_request;
    if let Some(maker) = maker(model, operation) {
        let mut filled = fill(model, maker, &[])?;
        prefixed_names(model, maker, &mut filled.params);
        made_request = filled.params;
        sources_made.push(Source {
            step: "made",
            operation: maker,
            request: &made_request,
        });
    }
    let mut request = fill(model, operation, &sources_made)?;
    prefixed_names(model, operation, &mut request.params);
    let made_captures = |extra: &[(String, String, String)]| -> Map<String, Value> {
        request
            .captures
            .iter()
            .chain(extra)
            .filter(|(step, _, _)| step == "made")
            .map(|(_, name, path)| (name.clone(), Value::String(path.clone())))
            .collect()
    };
    let first = Source {
        step: "first",
        operation,
        request: &request.params,
    };
    let mut first_captures = Map::new();
    if makes(operation) {
        let undo = undoer(model, operation)
            .ok_or_else(|| format!("nothing in the model undoes what {operation} makes"))?;
        let filled = fill(model, undo, std::slice::from_ref(&first))
            .map_err(|e| format!("what {operation} makes cannot be undone: {e}"))?;
        for (_, name, path) in &filled.captures {
            first_captures.insert(name.clone(), Value::String(path.clone()));
        }
        teardown.push(json!({ "call": undo, "params": filled.params }));
    }
    if let Some(made) = sources_made.first() {
        let undo = undoer(model, made.operation)
            .ok_or_else(|| format!("nothing in the model undoes what {} makes", made.operation))?;
        let filled = fill(model, undo, &sources_made)
            .map_err(|e| format!("what {} makes cannot be undone: {e}", made.operation))?;
        let captures = made_captures(&filled.captures);
        let mut step = json!({ "id": "made", "call": made.operation, "params": made.request });
        if !captures.is_empty() {
            step["capture"] = Value::Object(captures);
        }
        setup.push(step);
        teardown.push(json!({ "call": undo, "params": filled.params }));
    }
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
