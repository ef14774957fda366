//! JSON bodies, driven by the model: a value in the harness's JSON form to the wire (member
//! names to their JSON names, timestamps to their format) and back. Values of the wrong JSON
//! type for their shape, and members the model does not know, go as given: a scenario may
//! send an invalid request on purpose.
//!
//! The JSON form is what a scenario writes and a schema checks: the body's own encoding, with
//! timestamps as epoch seconds and blobs as base64. The SDK form (the protocol test suites'
//! parameters and results) has blobs as raw text; `sdk_input` and `sdk_output` convert.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};

use super::time::{self, Format};
use crate::model::{Member, Model, ShapeKind};

/// The wire JSON of `value`, a value of shape `shape`.
pub fn to_wire(model: &Model, shape: &str, value: &Value, format: Option<&str>) -> Value {
    let Some(def) = model.shape(shape) else {
        return value.clone();
    };
    match (def.kind, value) {
        (ShapeKind::Structure, Value::Object(map)) if !def.document => {
            let mut out = Map::new();
            for (name, v) in map {
                match def.members.get(name) {
                    // An unset member is absent, never `null`.
                    Some(_) if v.is_null() => {}
                    Some(member) if member.location.is_some() => {}
                    Some(member) => {
                        let key = member.location_name.clone().unwrap_or(name.clone());
                        out.insert(key, member_to_wire(model, member, v));
                    }
                    None => {
                        out.insert(name.clone(), v.clone());
                    }
                }
            }
            Value::Object(out)
        }
        (ShapeKind::List, Value::Array(items)) => match &def.member {
            Some(m) => items
                .iter()
                .map(|i| to_wire(model, &m.shape, i, None))
                .collect(),
            None => value.clone(),
        },
        (ShapeKind::Map, Value::Object(map)) => match &def.value {
            Some(v) => Value::Object(
                map.iter()
                    .map(|(k, x)| (k.clone(), to_wire(model, &v.shape, x, None)))
                    .collect(),
            ),
            None => value.clone(),
        },
        (ShapeKind::Timestamp, Value::Number(n)) => {
            let format = format
                .or(def.timestamp_format.as_deref())
                .and_then(Format::named)
                .unwrap_or(Format::EpochSeconds);
            n.as_f64()
                .map_or(value.clone(), |epoch| format.format(epoch))
        }
        _ => value.clone(),
    }
}

fn member_to_wire(model: &Model, member: &Member, value: &Value) -> Value {
    to_wire(
        model,
        &member.shape,
        value,
        member.timestamp_format.as_deref(),
    )
}

/// The JSON form of a wire value of shape `shape`: JSON names back to member names, timestamps
/// in any format to epoch seconds; members the model does not know are dropped, as an SDK
/// drops them.
pub fn from_wire(model: &Model, shape: &str, value: &Value) -> Value {
    let Some(def) = model.shape(shape) else {
        return value.clone();
    };
    match (def.kind, value) {
        (ShapeKind::Structure, Value::Object(map)) if !def.document => {
            let mut out = Map::new();
            for (name, member) in &def.members {
                if member.location.is_some() {
                    continue;
                }
                let key = member.location_name.as_deref().unwrap_or(name);
                if let Some(v) = map.get(key).filter(|v| !v.is_null()) {
                    out.insert(name.clone(), from_wire(model, &member.shape, v));
                }
            }
            Value::Object(out)
        }
        (ShapeKind::List, Value::Array(items)) => match &def.member {
            Some(m) => items
                .iter()
                .map(|i| from_wire(model, &m.shape, i))
                .collect(),
            None => value.clone(),
        },
        // A dense map drops null values, as an SDK reads it.
        (ShapeKind::Map, Value::Object(map)) => match &def.value {
            Some(v) => Value::Object(
                map.iter()
                    .filter(|(_, x)| !x.is_null())
                    .map(|(k, x)| (k.clone(), from_wire(model, &v.shape, x)))
                    .collect(),
            ),
            None => value.clone(),
        },
        (ShapeKind::Timestamp, Value::String(text)) => time::parse(text)
            .and_then(serde_json::Number::from_f64)
            .map_or(value.clone(), Value::Number),
        _ => value.clone(),
    }
}

/// An SDK's parameters in the JSON form: blobs base64-encoded, and an absent idempotency token
/// filled by `token`, as an SDK fills it.
pub fn sdk_input(model: &Model, shape: &str, value: &Value, token: &dyn Fn() -> String) -> Value {
    let Some(def) = model.shape(shape) else {
        return value.clone();
    };
    match (def.kind, value) {
        (ShapeKind::Structure, Value::Object(map)) if !def.document => {
            let mut out: Map<String, Value> = map
                .iter()
                .map(|(k, v)| {
                    let child = def.members.get(k).map(|m| m.shape.as_str());
                    let v = child.map_or(v.clone(), |c| sdk_input(model, c, v, token));
                    (k.clone(), v)
                })
                .collect();
            for (name, member) in &def.members {
                if member.idempotency_token && !out.contains_key(name) {
                    out.insert(name.clone(), Value::String(token()));
                }
            }
            Value::Object(out)
        }
        (ShapeKind::List, Value::Array(items)) => match &def.member {
            Some(m) => items
                .iter()
                .map(|i| sdk_input(model, &m.shape, i, token))
                .collect(),
            None => value.clone(),
        },
        (ShapeKind::Map, Value::Object(map)) => match &def.value {
            Some(v) => Value::Object(
                map.iter()
                    .map(|(k, x)| (k.clone(), sdk_input(model, &v.shape, x, token)))
                    .collect(),
            ),
            None => value.clone(),
        },
        (ShapeKind::Blob, Value::String(raw)) => Value::String(BASE64.encode(raw)),
        _ => value.clone(),
    }
}

/// A parsed answer in an SDK's form: blobs decoded to their text.
pub fn sdk_output(model: &Model, shape: &str, value: &Value) -> Value {
    let Some(def) = model.shape(shape) else {
        return value.clone();
    };
    match (def.kind, value) {
        (ShapeKind::Structure, Value::Object(map)) if !def.document => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let child = def.members.get(k).map(|m| m.shape.as_str());
                    (
                        k.clone(),
                        child.map_or(v.clone(), |c| sdk_output(model, c, v)),
                    )
                })
                .collect(),
        ),
        (ShapeKind::List, Value::Array(items)) => match &def.member {
            Some(m) => items
                .iter()
                .map(|i| sdk_output(model, &m.shape, i))
                .collect(),
            None => value.clone(),
        },
        (ShapeKind::Map, Value::Object(map)) => match &def.value {
            Some(v) => Value::Object(
                map.iter()
                    .map(|(k, x)| (k.clone(), sdk_output(model, &v.shape, x)))
                    .collect(),
            ),
            None => value.clone(),
        },
        (ShapeKind::Blob, Value::String(encoded)) => BASE64
            .decode(encoded)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map_or(value.clone(), Value::String),
        _ => value.clone(),
    }
}
