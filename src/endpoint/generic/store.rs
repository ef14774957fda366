//! What the generic endpoint made, so that the service's own read operations show it: a
//! performed create (`Create`, `Run`, `Request`, ...) makes a resource, a delete (`Delete`,
//! `Stop`, ...) ends it, and a read (`List`, `Describe`, `Get`) lists the live ones its request
//! scopes and answers its waiters as the resources' states say (a table ACTIVE while it lives,
//! ResourceNotFoundException once gone). A retry performed again shows as a second resource,
//! as on any endpoint.

use serde_json::{Map, Value};

use crate::model::{AcceptorState, Matcher, Model, ShapeKind};
use crate::synth;

/// Verbs that make a resource, end one, and read them.
const MAKERS: &[&str] = &[
    "Create", "Run", "Register", "Request", "Start", "Import", "Export", "Allocate", "Issue",
    "Launch", "Submit", "Transact", "Put",
];
const ENDERS: &[&str] = &[
    "Delete",
    "Stop",
    "Deregister",
    "Terminate",
    "Remove",
    "Release",
];
const READERS: &[&str] = &["List", "Describe", "Get", "Scan", "Query"];

/// Words in a waiter's name that say it waits for a resource to be gone.
const GONE: &[&str] = &["NotExist", "Deleted", "Inactive", "Stopped", "Terminated"];

/// One resource: the nouns it answers to and every named string its request and answer held.
struct Resource {
    nouns: Vec<String>,
    values: Vec<(String, String)>,
    alive: bool,
}

impl Resource {
    /// Its value of a member: by that name, else by its noun and that name (an analyzer's
    /// `name` is the `analyzerName` it was made with).
    fn value(&self, key: &str) -> Option<&str> {
        let named = |name: &str| {
            self.values
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        named(key).or_else(|| {
            self.nouns
                .iter()
                .find_map(|noun| named(&format!("{noun}{key}")))
        })
    }

    fn holds(&self, value: &str) -> bool {
        self.values.iter().any(|(_, v)| v == value)
    }

    fn answers_to(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.nouns.iter().any(|n| name.contains(n.as_str()))
    }
}

/// The resources the endpoint made, in the order it made them.
#[derive(Default)]
pub struct Store {
    resources: Vec<Resource>,
}

/// An operation's verb (its first word) and the rest.
fn verb(operation: &str) -> (&str, &str) {
    let end = operation
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_ascii_uppercase())
        .map_or(operation.len(), |(i, _)| i);
    operation.split_at(end)
}

/// The nouns a made resource answers to: what the operation names (`FileSystem`) and its last
/// word (`TransactWriteItems` makes items), and for an import or export the job itself.
fn nouns(operation: &str) -> Vec<String> {
    let (verb, rest) = verb(operation);
    let noun = |word: &str| word.to_ascii_lowercase().trim_end_matches('s').to_string();
    let mut nouns = vec![noun(rest)];
    let last = rest
        .char_indices()
        .rfind(|(_, c)| c.is_ascii_uppercase())
        .map_or(rest, |(i, _)| &rest[i..]);
    if last != rest {
        nouns.push(noun(last));
    }
    if verb == "Import" || verb == "Export" {
        nouns.push(verb.to_ascii_lowercase());
    }
    nouns.retain(|n| n.len() >= 3);
    nouns
}

/// Every string in a value with the name of the member that holds it (an item of a list is
/// named by the list).
fn strings(value: &Value, key: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => out.push((key.to_string(), s.clone())),
        Value::Array(items) => items.iter().for_each(|i| strings(i, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| strings(v, k, out)),
        _ => {}
    }
}

/// The strings of a read's request that scope what it reads (not its paging).
fn scope(input: &Value) -> Vec<String> {
    let mut found = Vec::new();
    strings(input, "", &mut found);
    found
        .into_iter()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            let paging = ["nexttoken", "marker", "startingtoken", "paginationtoken"];
            !paging.contains(&k.as_str())
                && !k.starts_with("exclusivestart")
                && !["sort", "order"].iter().any(|w| k.contains(w))
        })
        .map(|(_, v)| v)
        .collect()
}

impl Store {
    /// Notes what a performed call made or ended.
    pub fn performed(&mut self, operation: &str, input: &Value, answer: &Value) {
        let (verb, _) = verb(operation);
        if MAKERS.contains(&verb) {
            let mut values = Vec::new();
            strings(input, "", &mut values);
            strings(answer, "", &mut values);
            self.resources.push(Resource {
                nouns: nouns(operation),
                values,
                alive: true,
            });
        } else if ENDERS.contains(&verb) {
            let named = scope(input);
            let nouns = nouns(operation);
            for r in &mut self.resources {
                if r.nouns.iter().any(|n| nouns.contains(n)) && named.iter().any(|v| r.holds(v)) {
                    r.alive = false;
                }
            }
        }
    }

    /// A read's answer as the resources say: its lists hold the live ones its request scopes,
    /// and its waiters' acceptors see their states. An error when the resource it names is
    /// gone and a waiter says how the service tells that.
    pub fn show(
        &self,
        model: &Model,
        operation: &str,
        input: &Value,
        answer: &mut Value,
    ) -> Result<(), String> {
        if !READERS.contains(&verb(operation).0) {
            return Ok(());
        }
        let named = scope(input);
        let scoped = |r: &&Resource| named.iter().all(|v| r.holds(v));
        // Every listing is one page: it holds all the resources, and no token to a next one.
        if let (Some(paginator), Some(map)) =
            (model.paginators.get(operation), answer.as_object_mut())
        {
            for member in paginator.token_members() {
                map.remove(member);
            }
        }
        if let Some(shape) = model
            .operation(operation)
            .and_then(|o| o.output.as_ref())
            .and_then(|o| model.shape(&o.shape))
            && let Some(map) = answer.as_object_mut()
        {
            for (member, m) in &shape.members {
                let Some(list) = model.shape(&m.shape).filter(|s| s.kind == ShapeKind::List) else {
                    continue;
                };
                let item_shape = list
                    .member
                    .as_ref()
                    .map(|i| i.shape.clone())
                    .unwrap_or_default();
                // A listing shows what lives; a description also what it names that ended
                // (a stopped task, an inactive service).
                let listing = verb(operation).0 == "List";
                let shown: Vec<&Resource> = self
                    .resources
                    .iter()
                    .filter(|r| (r.alive || !listing) && r.answers_to(member))
                    .filter(scoped)
                    .collect();
                if shown.is_empty() && !self.resources.iter().any(|r| r.answers_to(member)) {
                    continue;
                }
                let items = shown
                    .iter()
                    .enumerate()
                    .map(|(i, r)| item(model, &item_shape, member, r, i as u64 + 1))
                    .collect();
                map.insert(member.clone(), Value::Array(items));
            }
        }
        self.waiter_states(model, operation, &named, answer)
    }

    /// Sets what the operation's waiters look at to the state of the resources the request
    /// names: a live one satisfies the waiters that wait for it to be there, a gone (or
    /// unknown) one those that wait for it to be gone.
    fn waiter_states(
        &self,
        model: &Model,
        operation: &str,
        named: &[String],
        answer: &mut Value,
    ) -> Result<(), String> {
        let waiters: Vec<(&String, &crate::model::Waiter)> = model
            .waiters
            .iter()
            .filter(|(_, w)| w.operation == operation)
            .collect();
        if waiters.is_empty() || named.is_empty() {
            return Ok(());
        }
        let nouns = nouns(operation);
        let alive = self.resources.iter().any(|r| {
            r.alive && r.nouns.iter().any(|n| nouns.contains(n)) && named.iter().all(|v| r.holds(v))
        });
        for (name, waiter) in waiters {
            let waits_for_gone = GONE.iter().any(|g| name.contains(g));
            if waits_for_gone == alive {
                continue;
            }
            for acceptor in waiter
                .acceptors
                .iter()
                .filter(|a| a.state == AcceptorState::Success)
            {
                match (acceptor.matcher, acceptor.argument.as_deref()) {
                    (Matcher::Error, _) => {
                        if let Some(error) = acceptor.expected.as_str() {
                            return Err(error.to_string());
                        }
                    }
                    (Matcher::Path | Matcher::PathAll | Matcher::PathAny, Some(path)) => {
                        set(answer, path, &acceptor.expected);
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

/// What a maker's answer says of what it made, as the request named it: a member of the
/// request's name, or of the thing's name (`Cluster.Name` for `ClusterName`), takes the
/// request's value, at its top level or one structure down, where its shape takes any string.
pub fn echo(model: &Model, operation: &str, input: &Value, answer: &mut Value) {
    if !MAKERS.contains(&verb(operation).0) {
        return;
    }
    let mut values = Vec::new();
    strings(input, "", &mut values);
    let made = Resource {
        nouns: nouns(operation),
        values,
        alive: true,
    };
    let Some(shape) = model
        .operation(operation)
        .and_then(|o| o.output.as_ref())
        .and_then(|o| model.shape(&o.shape))
    else {
        return;
    };
    let Some(map) = answer.as_object_mut() else {
        return;
    };
    fill(model, shape, map, &made);
    for (name, member) in &shape.members {
        if let (Some(inner), Some(Value::Object(nested))) = (
            model
                .shape(&member.shape)
                .filter(|s| s.kind == ShapeKind::Structure),
            map.get_mut(name),
        ) {
            fill(model, inner, nested, &made);
        }
    }
}

/// One item of a list: the resource's own value for a list of strings (a list `taskArns`
/// holds each `taskArn`), else a synthesized item whose members the resource fills by name.
fn item(model: &Model, shape: &str, member: &str, resource: &Resource, serial: u64) -> Value {
    let is_string = model
        .shape(shape)
        .is_some_and(|s| s.kind == ShapeKind::String);
    if is_string {
        let one = member.trim_end_matches('s');
        let value = resource
            .value(one)
            .or_else(|| {
                resource
                    .values
                    .iter()
                    .find(|(k, _)| k.ends_with("Arn") || k.ends_with("ARN"))
                    .map(|(_, v)| v.as_str())
            })
            .or_else(|| resource.value("Name"))
            .unwrap_or_default();
        return Value::String(value.to_string());
    }
    let mut value = synth::output(model, shape, serial);
    if let (Some(map), Some(def)) = (value.as_object_mut(), model.shape(shape)) {
        fill(model, def, map, resource);
    }
    value
}

/// The resource's values into the item's string members of the same name (its ARN, id, name):
/// at its top level, and only where the member's shape takes any string (a `Type` enum of a
/// nested structure is not the `Type` the request gave elsewhere).
fn fill(
    model: &Model,
    def: &crate::model::Shape,
    map: &mut Map<String, Value>,
    resource: &Resource,
) {
    for (key, v) in map.iter_mut() {
        let free = def
            .members
            .get(key)
            .and_then(|m| model.shape(&m.shape))
            .is_some_and(|s| s.kind == ShapeKind::String && s.enum_values.is_none());
        if let (true, Value::String(s), Some(own)) = (free, &mut *v, resource.value(key)) {
            *s = own.to_string();
        }
    }
}

/// Sets the value at a simple path (`Table.TableStatus`, `tasks[].lastStatus`); any other
/// expression is left alone.
fn set(value: &mut Value, path: &str, expected: &Value) {
    let Some((head, rest)) = path.split_once('.').map_or(Some((path, "")), Some) else {
        return;
    };
    let (name, each) = match head.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (head, false),
    };
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return;
    }
    let Some(map) = value.as_object_mut() else {
        return;
    };
    let slot = map.entry(name.to_string()).or_insert(Value::Null);
    match (rest.is_empty(), each) {
        (true, false) => *slot = expected.clone(),
        (true, true) => {
            if let Value::Array(items) = slot {
                items.iter_mut().for_each(|i| *i = expected.clone());
            }
        }
        (false, false) => {
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            set(slot, rest, expected);
        }
        (false, true) => {
            if let Value::Array(items) = slot {
                items.iter_mut().for_each(|i| set(i, rest, expected));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn verbs_and_nouns() {
        assert_eq!(verb("CreateFileSystem"), ("Create", "FileSystem"));
        assert_eq!(nouns("RunTask"), ["task"]);
        assert_eq!(
            nouns("ExportTableToPointInTime"),
            ["tabletopointintime", "time", "export"]
        );
        assert_eq!(nouns("TransactWriteItems"), ["writeitem", "item"]);
    }

    #[test]
    fn simple_paths_are_set_and_others_left() {
        let mut v = json!({ "tasks": [{ "lastStatus": "RUNNING" }, {}] });
        set(&mut v, "tasks[].lastStatus", &json!("STOPPED"));
        assert_eq!(
            v,
            json!({ "tasks": [{ "lastStatus": "STOPPED" }, { "lastStatus": "STOPPED" }] })
        );
        let mut v = json!({});
        set(&mut v, "Table.TableStatus", &json!("ACTIVE"));
        assert_eq!(v, json!({ "Table": { "TableStatus": "ACTIVE" } }));
        let mut v = json!({});
        set(&mut v, "length(services[?x]) == `0`", &json!(true));
        assert_eq!(v, json!({}));
    }
}
