//! What a sweep calls: every token operation of the models, with minimal valid input and a
//! caller's token, and what it leaves out (with why).

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::duties::Place;
use crate::error::Error;
use crate::model::Model;
use crate::synth;

/// One operation to call.
pub struct Planned {
    /// The SDKs' name of the service (botocore's directory name).
    pub service: String,
    pub model: Arc<Model>,
    pub operation: String,
    pub place: Place,
    /// Minimal valid input, without the token.
    pub params: Value,
    pub token_member: String,
    /// A token the caller gives, valid for the member's shape.
    pub caller_token: String,
}

impl Planned {
    pub fn protocol(&self) -> String {
        protocol_label(&self.model)
    }
}

/// `json 1.0`, `json 1.1`, `rest-json`, or the model's protocol name.
pub fn protocol_label(model: &Model) -> String {
    match (
        model.metadata.preferred_protocol(),
        &model.metadata.json_version,
    ) {
        ("json", Some(v)) => format!("json {v}"),
        (p, _) => p.to_string(),
    }
}

/// An operation the sweep does not call, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub service: String,
    pub operation: String,
    pub protocol: String,
    pub reason: String,
}

#[derive(Default)]
pub struct Plan {
    pub targets: Vec<Planned>,
    pub skipped: Vec<Skipped>,
}

/// The token operations of `models` (name, model), those of `only` when given (service,
/// operation pairs; an unknown pair is an error).
pub fn plan(
    models: &[(String, Arc<Model>)],
    only: Option<&[(String, String)]>,
) -> Result<Plan, Error> {
    let mut plan = Plan::default();
    let wanted = |service: &str, op: &str| {
        only.is_none_or(|o| o.iter().any(|(s, p)| s == service && p == op))
    };
    for (service, model) in models {
        for operation in model.operations.keys() {
            let Some(member) = model.idempotency_token_member(operation) else {
                continue;
            };
            if !wanted(service, operation) {
                continue;
            }
            let skip = |reason: String| Skipped {
                service: service.clone(),
                operation: operation.clone(),
                protocol: protocol_label(model),
                reason,
            };
            // The SDKs send their service's preferred protocol, which the sweep's endpoint
            // must then speak.
            if !crate::model::SPOKEN.contains(&model.metadata.preferred_protocol()) {
                plan.skipped
                    .push(skip("the harness does not speak this protocol yet".into()));
                continue;
            }
            match target(service, model, operation, member) {
                Ok(t) => plan.targets.push(t),
                Err(reason) => plan.skipped.push(skip(reason.to_string())),
            }
        }
    }
    if let Some(only) = only {
        let known = |s: &String, o: &String| {
            models
                .iter()
                .any(|(name, m)| name == s && m.idempotency_token_member(o).is_some())
        };
        if let Some((s, o)) = only.iter().find(|(s, o)| !known(s, o)) {
            return Err(Error::input(format!(
                "`{s} {o}` is not a token operation of the models the sweep has"
            )));
        }
    }
    Ok(plan)
}

fn target(
    service: &str,
    model: &Arc<Model>,
    operation: &str,
    member: &str,
) -> Result<Planned, Error> {
    let input = model
        .operation(operation)
        .and_then(|o| o.input.as_ref())
        .ok_or_else(|| Error::input("no input shape"))?;
    let mut params = synth::minimal(model, &input.shape)
        .map_err(|e| Error::input(format!("no minimal input could be synthesized ({e})")))?;
    if let Some(map) = params.as_object_mut() {
        map.remove(member);
    }
    let place = Place::of(model, operation, member)
        .ok_or_else(|| Error::input("the token member has no place"))?;
    let shape = &model
        .input_shape(operation)
        .ok_or_else(|| Error::input("no input shape"))?
        .members[member]
        .shape;
    Ok(Planned {
        service: service.to_string(),
        model: model.clone(),
        operation: operation.to_string(),
        place,
        params,
        token_member: member.to_string(),
        caller_token: caller_token(model, shape),
    })
}

/// A caller's token the member's shape accepts, unlike anything an SDK generates.
fn caller_token(model: &Model, shape: &str) -> String {
    const CANDIDATES: &[&str] = &[
        "pc-sweep-callers-token-0001",
        "pcsweepcallerstoken0001",
        "PcSweepCallersToken0001",
        "0c0ffee0-cafe-4bad-8bad-ca11e5700001",
    ];
    let def = model.shape(shape);
    let fits = |c: &str| {
        let Some(def) = def else { return true };
        let len = c.chars().count() as f64;
        def.min.is_none_or(|m| len >= m)
            && def.max.is_none_or(|m| len <= m)
            && def
                .pattern
                .as_deref()
                .and_then(crate::model::usable_pattern)
                .and_then(|p| regex::Regex::new(&p).ok())
                .is_none_or(|r| r.is_match(c))
    };
    CANDIDATES
        .iter()
        .map(|c| c.to_string())
        .chain(CANDIDATES.iter().map(|c| format!("{c}{}", "x".repeat(64))))
        .find(|c| fits(c))
        .or_else(|| {
            synth::minimal(model, shape)
                .ok()?
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_else(|| CANDIDATES[0].to_string())
}
