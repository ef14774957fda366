//! restJson1 from the server's side, for an endpoint that serves a model (the generic
//! reference): which operation a request is for and its input, and an answer with its bindings.

use serde_json::{Map, Value};

use super::HttpResponse;
use super::json::to_wire;
use super::rest::{header_scalar, header_value, payload_bytes, response_members};
use crate::model::{Model, ShapeKind};

/// The operation a restJson request is for, and its input in JSON form: the server's side of
/// [`request`], for an endpoint that serves a model (the generic reference). Among templates
/// that match, the one with the most literal segments (and fixed query
/// keys) wins.
pub fn decode_request(
    model: &Model,
    method: &str,
    uri: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Option<(String, Value)> {
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let query = query_pairs(query);
    let segments: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let mut best: Option<(usize, &String, Map<String, Value>)> = None;
    for (name, op) in &model.operations {
        if !op.http.method.eq_ignore_ascii_case(method) {
            continue;
        }
        let (template, static_query) = op
            .http
            .request_uri
            .split_once('?')
            .unwrap_or((&op.http.request_uri, ""));
        let needed = query_pairs(static_query);
        if !needed
            .iter()
            .all(|(k, _)| query.iter().any(|(q, _)| q == k))
        {
            continue;
        }
        let Some((literals, labels)) = match_path(template, &segments) else {
            continue;
        };
        // A template's fixed query (`?operation=create-attendees`, `?sync`) is as literal as a
        // path segment: it tells apart operations on one path.
        let literals = literals + needed.len();
        if best.as_ref().is_none_or(|(l, _, _)| literals > *l) {
            best = Some((literals, name, labels));
        }
    }
    let (_, operation, labels) = best?;
    let op = model.operation(operation)?;
    let input = match op.input.as_ref().and_then(|i| model.shape(&i.shape)) {
        Some(shape) => {
            let response = HttpResponse {
                status: 0,
                headers,
                body,
            };
            let shape_name = &op.input.as_ref()?.shape;
            let mut members = match response_members(model, shape_name, &response) {
                Value::Object(map) => map,
                _ => Map::new(),
            };
            for (name, member) in &shape.members {
                let key = member.location_name.as_deref().unwrap_or(name);
                match member.location.as_deref() {
                    Some("uri") => {
                        if let Some(v) = labels.get(key) {
                            let text = v.as_str().unwrap_or_default();
                            members.insert(name.clone(), header_scalar(model, &member.shape, text));
                        }
                    }
                    Some("querystring") => {
                        let values: Vec<&String> = query
                            .iter()
                            .filter(|(k, _)| k == key)
                            .map(|(_, v)| v)
                            .collect();
                        let kind = model.shape(&member.shape).map(|s| s.kind);
                        match (kind, values.as_slice()) {
                            (_, []) => {}
                            (Some(ShapeKind::List), _) => {
                                let item = model
                                    .shape(&member.shape)
                                    .and_then(|s| s.member.as_ref())
                                    .map(|m| m.shape.clone())
                                    .unwrap_or_default();
                                let list = values
                                    .iter()
                                    .map(|v| header_scalar(model, &item, v))
                                    .collect();
                                members.insert(name.clone(), list);
                            }
                            (_, [first, ..]) => {
                                members.insert(
                                    name.clone(),
                                    header_scalar(model, &member.shape, first),
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
            Value::Object(members)
        }
        None => Value::Object(Map::new()),
    };
    Some((operation.clone(), input))
}

/// Whether a URI template's path matches the request's segments: its literal segment count
/// and the labels' values.
fn match_path(template: &str, segments: &[&str]) -> Option<(usize, Map<String, Value>)> {
    let parts: Vec<&str> = template
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let mut labels = Map::new();
    let mut literals = 0;
    let mut i = 0;
    for (n, part) in parts.iter().enumerate() {
        if let Some(label) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            if let Some(greedy) = label.strip_suffix('+') {
                if n + 1 != parts.len() || i >= segments.len() {
                    return None;
                }
                let rest = segments[i..]
                    .iter()
                    .map(|s| decode(s))
                    .collect::<Vec<_>>()
                    .join("/");
                labels.insert(greedy.to_string(), Value::String(rest));
                i = segments.len();
                continue;
            }
            let segment = segments.get(i)?;
            labels.insert(label.to_string(), Value::String(decode(segment)));
        } else {
            if segments.get(i) != Some(part) {
                return None;
            }
            literals += 1;
        }
        i += 1;
    }
    (i == segments.len()).then_some((literals, labels))
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(&v.replace('+', "%20")))
        })
        .collect()
}

/// An answer in restJson: members bound to headers and the status code go there, a payload
/// member is the body, the rest a JSON body. Returns the status, headers and body.
pub fn encode_response(
    model: &Model,
    shape: &str,
    value: &Value,
    status: u16,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let empty = Map::new();
    let map = value.as_object().unwrap_or(&empty);
    let mut headers = Vec::new();
    let mut status = status;
    let mut body_members = Map::new();
    // An operation without output answers with an empty body, as AWS does.
    let Some(def) = model.shape(shape) else {
        return (status, headers, Vec::new());
    };
    for (name, v) in map {
        let Some(member) = def.members.get(name) else {
            body_members.insert(name.clone(), v.clone());
            continue;
        };
        let key = member.location_name.as_deref().unwrap_or(name);
        match member.location.as_deref() {
            Some("header") => {
                if let Some(text) = header_value(model, member, v) {
                    headers.push((key.to_string(), text));
                }
            }
            Some("statusCode") => status = v.as_u64().map_or(status, |s| s as u16),
            Some(_) => {}
            None if def.payload.as_deref() == Some(name.as_str()) => {
                if let Ok((bytes, content_type)) = payload_bytes(model, &member.shape, v) {
                    headers.push(("Content-Type".into(), content_type.into()));
                    return (status, headers, bytes);
                }
                return (status, headers, Vec::new());
            }
            None => {
                body_members.insert(name.clone(), v.clone());
            }
        }
    }
    let wire = to_wire(model, shape, &Value::Object(body_members), None);
    headers.push(("Content-Type".into(), "application/json".into()));
    (
        status,
        headers,
        serde_json::to_vec(&wire).unwrap_or_default(),
    )
}
