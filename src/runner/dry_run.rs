//! `run --dry-run`: the requests each scenario would send, with every template that can be
//! known before sending expanded (captured values stay `${name}`), and nothing sent.

use serde_json::{Map, Value};

use crate::model::Model;
use crate::scenario::template::Bindings;
use crate::scenario::{Action, Scenario};

/// One line per step, in order: setup, steps, teardown.
pub fn plan(model: &Model, scenario: &Scenario, run_id: &str) -> Vec<String> {
    let mut bindings = Bindings::new(run_id, &scenario.file);
    for (name, node) in &scenario.vars {
        if let Ok(v) = bindings.expand_value(&node.to_json()) {
            bindings.values.insert(name.clone(), v);
        }
    }
    let mut sent: std::collections::HashMap<String, (String, Value)> = Default::default();
    let mut lines = Vec::new();
    for (phase, steps) in [
        ("setup", &scenario.setup),
        ("steps", &scenario.steps),
        ("teardown", &scenario.teardown),
    ] {
        for step in steps {
            let line = match &step.action {
                Action::Call { operation, params } => {
                    let mut body = params.as_ref().map_or(Value::Object(Map::new()), |p| {
                        expand(&bindings, &p.to_json())
                    });
                    // As the real request carries it.
                    super::execute::tag_with_run(model, operation, &mut body, &bindings.run_prefix);
                    if let Some(id) = &step.id {
                        sent.insert(id.clone(), (operation.clone(), body.clone()));
                    }
                    let copies = if step.parallel > 1 {
                        format!(" x{}", step.parallel)
                    } else {
                        String::new()
                    };
                    format!("{operation}{copies} {body}")
                }
                Action::Repeat { step: id, with } => match sent.get(id) {
                    Some((operation, original)) => {
                        let mut body = original.clone();
                        if let (Some(with), Some(object)) = (with, body.as_object_mut())
                            && let Value::Object(changes) = expand(&bindings, &with.to_json())
                        {
                            for (k, v) in changes {
                                if v.is_null() {
                                    object.remove(&k);
                                } else {
                                    object.insert(k, v);
                                }
                            }
                        }
                        format!("{operation} {body}")
                    }
                    None => format!("repeat {id}"),
                },
                Action::Advance { seconds } => {
                    format!("POST /_conformance/clock {{\"advanceSeconds\":{seconds}}}")
                }
                Action::Wait { waiter, params, .. } => {
                    let body = params
                        .as_ref()
                        .map_or(Value::Null, |p| expand(&bindings, &p.to_json()));
                    format!("wait {waiter} {body}")
                }
                Action::Poll(p) => {
                    let body = p
                        .params
                        .as_ref()
                        .map_or(Value::Null, |b| expand(&bindings, &b.to_json()));
                    format!("poll {} {body} every {}s", p.operation, p.interval)
                }
                Action::Inject(i) => format!(
                    "POST /_conformance/faults inject into {} (status {}, {})",
                    i.operation, i.status, i.action
                ),
                Action::Snapshot { step } => format!("snapshot {step} (nothing sent)"),
                Action::Client(call) => format!(
                    "client {} x{} (the driver under test sends it)",
                    call.operation, call.calls
                ),
            };
            lines.push(format!("{phase}: {line}"));
        }
    }
    lines
}

/// Expands what can be; a string whose templates name an unknown capture stays as written.
fn expand(bindings: &Bindings, value: &Value) -> Value {
    match value {
        Value::String(s) => bindings
            .expand_str(s)
            .unwrap_or_else(|_| Value::String(s.clone())),
        Value::Array(items) => Value::Array(items.iter().map(|i| expand(bindings, i)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), expand(bindings, v)))
                .collect(),
        ),
        other => other.clone(),
    }
}
