//! The setup and teardown a token operation needs, planned from the model: the steps that
//! make what it acts on, its request, and what undoes each thing made, last made first.

use serde_json::{Map, Value, json};

use super::fill::{Guess, Source, fill, fill_as, gives, names_a_resource, prefixed_names};
use super::words::{maker, makes, producer, undoer};
use crate::model::Model;
use crate::service::TokenOperation;

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
        let filled = fill_as(model, undo, &all, Guess::Never)
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
        let filled = fill_as(model, undo, &from, Guess::Never)
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
