//! What the model says a literal value may be, beyond its type: enum values, patterns, lengths,
//! ranges, list sizes, and a union's one member. `lint` finds these with the value's position,
//! so a scenario that breaks one is caught before anything is sent (a step that breaks the
//! schema on purpose says `invalid_request: true`).

use crate::model::{self, Shape, ShapeKind};

use super::node::{Node, NodeValue};

/// A model pattern, compiled once per process: lint meets the same few patterns in every file.
fn compiled(pattern: &str) -> Option<regex::Regex> {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    static CACHE: LazyLock<Mutex<HashMap<String, Option<regex::Regex>>>> =
        LazyLock::new(Default::default);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(pattern.to_string())
        .or_insert_with(|| {
            crate::model::usable_pattern(pattern).and_then(|p| regex::Regex::new(&p).ok())
        })
        .clone()
}

/// The model's constraints that `node` breaks, as (message, "did you mean" help) pairs.
pub fn broken(
    node: &Node,
    shape: &Shape,
    shape_name: &str,
    context: &str,
) -> Vec<(String, Option<String>)> {
    let mut found = Vec::new();
    let bounds = |what: &str, n: f64| -> Option<String> {
        match (shape.min, shape.max) {
            (Some(min), _) if n < min => Some(format!(
                "{context}: {what} {n} is below the minimum {min} of {shape_name}"
            )),
            (_, Some(max)) if n > max => Some(format!(
                "{context}: {what} {n} is above the maximum {max} of {shape_name}"
            )),
            _ => None,
        }
    };
    match (&shape.kind, &node.value) {
        (ShapeKind::String, NodeValue::Str(s)) if !s.contains("${") => {
            if let Some(values) = &shape.enum_values
                && !values.iter().any(|v| v == s)
            {
                let help = model::closest(s, values.iter().map(String::as_str))
                    .map(|h| format!("did you mean `{h}`?"));
                found.push((
                    format!(
                        "{context}: `{s}` is not a value of {shape_name} (one of {})",
                        values.join(", ")
                    ),
                    help,
                ));
            }
            let length = s.chars().count() as f64;
            if let Some(message) = bounds("the length", length) {
                found.push((message.replace("the length", "a length of"), None));
            }
            if let Some(pattern) = &shape.pattern
                && compiled(pattern).is_some_and(|re| !re.is_match(s))
            {
                found.push((
                    format!(
                        "{context}: `{s}` does not match the pattern {pattern} of {shape_name}"
                    ),
                    None,
                ));
            }
        }
        (ShapeKind::Integer | ShapeKind::Long, NodeValue::Int(n)) => {
            found.extend(bounds("the value", *n as f64).map(|m| (m, None)));
        }
        (ShapeKind::Double | ShapeKind::Float, NodeValue::Float(n)) => {
            found.extend(bounds("the value", *n).map(|m| (m, None)));
        }
        (ShapeKind::List, NodeValue::Seq(items)) => {
            if let Some(message) = bounds("a list of", items.len() as f64) {
                found.push((message + " item(s)", None));
            }
        }
        (ShapeKind::Structure, NodeValue::Map(entries)) if shape.union => {
            let set: Vec<&str> = entries
                .iter()
                .filter(|(_, v)| !matches!(v.value, NodeValue::Null))
                .map(|(k, _)| k.name.as_str())
                .collect();
            if set.len() != 1 {
                let members: Vec<&str> = shape.members.keys().map(String::as_str).collect();
                found.push((
                    format!(
                        "{context}: {shape_name} is a union and takes exactly one of {}, found {}",
                        members.join(", "),
                        if set.is_empty() {
                            "none".to_string()
                        } else {
                            set.join(" and ")
                        }
                    ),
                    None,
                ));
            }
        }
        _ => {}
    }
    found
}

/// Why a capture path like `widget.version` cannot exist in the shape
/// `root` (an operation's output), if it cannot; paths that are more than member names and
/// list indexes are left to run time.
pub fn impossible_path(
    model: &crate::model::Model,
    path: &str,
    root: &str,
) -> Option<(String, Option<String>)> {
    let simple = |segment: &str| {
        let name = segment.split('[').next().unwrap_or("");
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && segment[name.len()..].split_terminator(']').all(|i| {
                i.strip_prefix('[')
                    .is_some_and(|n| n.parse::<usize>().is_ok())
            })
    };
    let segments: Vec<&str> = path.split('.').collect();
    if !segments.iter().all(|s| simple(s)) {
        return None;
    }
    let mut shape_name = root.to_string();
    for segment in segments {
        let name = segment.split('[').next().unwrap_or("");
        let shape = model.shape(&shape_name)?;
        if shape.kind != ShapeKind::Structure {
            return Some((
                format!("`{path}` goes into `{name}`, but {shape_name} has no members"),
                None,
            ));
        }
        let Some(member) = shape.members.get(name) else {
            let help = model::closest(name, shape.members.keys().map(String::as_str))
                .map(|h| format!("did you mean `{h}`?"));
            return Some((
                format!("`{path}` cannot be in the answer: {shape_name} has no member `{name}`"),
                help,
            ));
        };
        shape_name = member.shape.clone();
        for _index in segment.matches('[') {
            let list = model.shape(&shape_name)?;
            if list.kind != ShapeKind::List {
                return Some((
                    format!("`{path}` indexes `{name}`, which is not a list"),
                    None,
                ));
            }
            shape_name = list.member.as_ref()?.shape.clone();
        }
    }
    None
}
