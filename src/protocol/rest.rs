//! restJson1's HTTP bindings: members bound to the URI (labels, greedy labels), the query
//! string, headers and prefixed headers, the status code, or the whole body (`payload`); the
//! rest go in a JSON body.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};

use super::json::{from_wire, to_wire};
use super::time::{self, Format};
use super::{HttpRequest, HttpResponse};
use crate::error::Error;
use crate::model::{Member, Model, Operation, ShapeKind};

/// RFC 3986's unreserved characters stay; everything else is escaped.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// A greedy label keeps its slashes.
const GREEDY: &AsciiSet = &UNRESERVED.remove(b'/');

fn encode(text: &str, set: &'static AsciiSet) -> String {
    utf8_percent_encode(text, set).to_string()
}

/// A scalar as text in a URI, query or header, timestamps in `default` unless the model says.
pub(super) fn scalar_text(
    model: &Model,
    member: &Member,
    shape: &str,
    value: &Value,
    default: Format,
) -> String {
    let def = model.shape(shape);
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) if def.is_some_and(|d| d.kind == ShapeKind::Timestamp) => {
            let format = member
                .timestamp_format
                .as_deref()
                .or(def.and_then(|d| d.timestamp_format.as_deref()))
                .and_then(Format::named)
                .unwrap_or(default);
            match format.format(n.as_f64().unwrap_or_default()) {
                Value::String(s) => s,
                other => other.to_string(),
            }
        }
        other => other.to_string(),
    }
}

/// A header list's items, quoted where they hold a comma or a quote.
fn header_item(text: String) -> String {
    if text.contains(',') || text.contains('"') {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        text
    }
}

pub fn request(model: &Model, op: &Operation, params: &Value) -> Result<HttpRequest, Error> {
    let empty = Map::new();
    let params = params.as_object().unwrap_or(&empty);
    let input = op.input.as_ref().and_then(|i| model.shape(&i.shape));
    let (template, static_query) = match op.http.request_uri.split_once('?') {
        Some((path, query)) => (path.to_string(), Some(query.to_string())),
        None => (op.http.request_uri.clone(), None),
    };
    let mut path = template;
    let mut query: Vec<(String, String)> = Vec::new();
    if let Some(q) = static_query {
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            query.push((k.to_string(), v.to_string()));
        }
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut body_members = Map::new();
    let mut payload: Option<Vec<u8>> = None;
    let mut content_type: Option<&str> = None;
    let mut host_prefix = op.endpoint.as_ref().map(|e| e.host_prefix.clone());
    let Some(input) = input else {
        let mut request = HttpRequest::new(&op.http.method, &path, headers, Vec::new());
        request.host_prefix = host_prefix;
        return Ok(request);
    };
    // Query maps go last: a member that names a key wins over a map entry with that key.
    let mut ordered: Vec<(&String, &Value)> = params.iter().filter(|(_, v)| !v.is_null()).collect();
    ordered.sort_by_key(|(name, _)| {
        input.members.get(*name).is_some_and(|m| {
            m.location.as_deref() == Some("querystring")
                && model
                    .shape(&m.shape)
                    .is_some_and(|s| s.kind == ShapeKind::Map)
        })
    });
    for (name, value) in ordered {
        let Some(member) = input.members.get(name) else {
            body_members.insert(name.clone(), value.clone());
            continue;
        };
        let location_name = member.location_name.as_deref().unwrap_or(name);
        if member.host_label
            && let Some(prefix) = &mut host_prefix
        {
            let text = scalar_text(model, member, &member.shape, value, Format::Iso8601);
            *prefix = prefix.replace(&format!("{{{name}}}"), &text);
        }
        match member.location.as_deref() {
            Some("uri") => {
                let text = scalar_text(model, member, &member.shape, value, Format::Iso8601);
                let greedy = format!("{{{location_name}+}}");
                path = if path.contains(&greedy) {
                    path.replace(&greedy, &encode(&text, GREEDY))
                } else {
                    path.replace(&format!("{{{location_name}}}"), &encode(&text, UNRESERVED))
                };
            }
            Some("querystring") => query_values(model, member, location_name, value, &mut query),
            Some("header") => {
                if let Some(text) = header_value(model, member, value) {
                    headers.push((location_name.to_string(), text));
                }
            }
            Some("headers") => {
                for (k, v) in value.as_object().into_iter().flatten() {
                    let text = v.as_str().map_or(v.to_string(), str::to_string);
                    headers.push((format!("{location_name}{k}"), text));
                }
            }
            Some(_) => {}
            None if input.payload.as_deref() == Some(name.as_str()) => {
                let (bytes, kind) = payload_bytes(model, &member.shape, value)?;
                payload = Some(bytes);
                content_type = Some(kind);
            }
            None => {
                body_members.insert(name.clone(), value.clone());
            }
        }
    }
    let body = match (&input.payload, payload) {
        (_, Some(bytes)) => bytes,
        // An absent structure payload is an empty JSON object; an absent blob or union, no body.
        (Some(name), None) => match input.members.get(name).and_then(|m| model.shape(&m.shape)) {
            Some(s) if s.kind == ShapeKind::Structure && !s.document && !s.union => {
                content_type = Some("application/json");
                b"{}".to_vec()
            }
            _ => Vec::new(),
        },
        (None, None) => {
            let has_body = input.members.values().any(|m| m.location.is_none());
            if has_body || !body_members.is_empty() {
                content_type = Some("application/json");
                let shape = &op
                    .input
                    .as_ref()
                    .map(|i| i.shape.clone())
                    .unwrap_or_default();
                let wire = to_wire(model, shape, &Value::Object(body_members), None);
                serde_json::to_vec(&wire).unwrap_or_default()
            } else {
                Vec::new()
            }
        }
    };
    if let Some(kind) = content_type
        && !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("Content-Type".into(), kind.into()));
    }
    let query = query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k, UNRESERVED), encode(v, UNRESERVED)))
        .collect::<Vec<_>>()
        .join("&");
    let uri = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    let mut request = HttpRequest::new(&op.http.method, &uri, headers, body);
    request.host_prefix = host_prefix;
    Ok(request)
}

fn query_values(
    model: &Model,
    member: &Member,
    key: &str,
    value: &Value,
    query: &mut Vec<(String, String)>,
) {
    let def = model.shape(&member.shape);
    match (def.map(|d| d.kind), value) {
        (Some(ShapeKind::List), Value::Array(items)) => {
            let item_shape = def.and_then(|d| d.member.as_ref()).map(|m| m.shape.clone());
            for item in items {
                let shape = item_shape.as_deref().unwrap_or_default();
                query.push((
                    key.into(),
                    scalar_text(model, member, shape, item, Format::Iso8601),
                ));
            }
        }
        // A map bound to the query string: its entries are parameters, unless a member names
        // the same key.
        (Some(ShapeKind::Map), Value::Object(map)) => {
            for (k, v) in map {
                if query.iter().any(|(q, _)| q == k) {
                    continue;
                }
                match v {
                    Value::Array(items) => {
                        for item in items {
                            let text = item.as_str().map_or(item.to_string(), str::to_string);
                            query.push((k.clone(), text));
                        }
                    }
                    other => {
                        let text = other.as_str().map_or(other.to_string(), str::to_string);
                        query.push((k.clone(), text));
                    }
                }
            }
        }
        _ => query.push((
            key.into(),
            scalar_text(model, member, &member.shape, value, Format::Iso8601),
        )),
    }
}

pub(super) fn header_value(model: &Model, member: &Member, value: &Value) -> Option<String> {
    let def = model.shape(&member.shape);
    if member.json_value || def.is_some_and(|d| d.document) {
        let text = value.as_str().map_or(value.to_string(), str::to_string);
        return Some(BASE64.encode(text));
    }
    match (def.map(|d| d.kind), value) {
        (Some(ShapeKind::List), Value::Array(items)) => {
            let item_shape = def.and_then(|d| d.member.as_ref()).map(|m| m.shape.clone());
            let shape = item_shape.unwrap_or_default();
            let texts: Vec<String> = items
                .iter()
                .map(|i| scalar_text(model, member, &shape, i, Format::HttpDate))
                .map(|t| {
                    let is_time = model
                        .shape(&shape)
                        .is_some_and(|s| s.kind == ShapeKind::Timestamp);
                    if is_time { t } else { header_item(t) }
                })
                .collect();
            Some(texts.join(", "))
        }
        (_, Value::Null) => None,
        _ => Some(scalar_text(
            model,
            member,
            &member.shape,
            value,
            Format::HttpDate,
        )),
    }
}

pub(super) fn payload_bytes(
    model: &Model,
    shape: &str,
    value: &Value,
) -> Result<(Vec<u8>, &'static str), Error> {
    let def = model.shape(shape);
    Ok(match (def.map(|d| d.kind), value) {
        (Some(ShapeKind::Blob), Value::String(encoded)) => {
            let bytes = BASE64
                .decode(encoded)
                .map_err(|e| Error::input(format!("a blob payload is not base64: {e}")))?;
            (bytes, "application/octet-stream")
        }
        (Some(ShapeKind::String), Value::String(text)) => (text.clone().into_bytes(), "text/plain"),
        _ => {
            let wire = to_wire(model, shape, value, None);
            (
                serde_json::to_vec(&wire).unwrap_or_default(),
                "application/json",
            )
        }
    })
}

/// Splits a header list: commas outside quotes; a timestamp list every second comma (an HTTP
/// date holds one).
pub(super) fn header_items(text: &str, timestamps: bool) -> Vec<String> {
    if timestamps {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        return parts.chunks(2).map(|c| c.join(", ")).collect();
    }
    let mut items = Vec::new();
    let (mut current, mut quoted, mut escaped) = (String::new(), false, false);
    for c in text.chars() {
        match c {
            _ if escaped => {
                current.push(c);
                escaped = false;
            }
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => items.push(std::mem::take(&mut current).trim().to_string()),
            _ => current.push(c),
        }
    }
    items.push(current.trim().to_string());
    items
}

/// A scalar header's text as its shape's JSON value.
pub(super) fn header_scalar(model: &Model, shape: &str, text: &str) -> Value {
    match model.shape(shape).map(|d| d.kind) {
        Some(ShapeKind::Integer | ShapeKind::Long | ShapeKind::Short | ShapeKind::Byte) => text
            .parse::<i64>()
            .map_or(Value::String(text.into()), Value::from),
        Some(ShapeKind::Float | ShapeKind::Double) => match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Value::from(n),
            _ => Value::String(text.into()),
        },
        Some(ShapeKind::Boolean) => text
            .parse::<bool>()
            .map_or(Value::String(text.into()), Value::Bool),
        Some(ShapeKind::Timestamp) => time::parse(text)
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::String(text.into()), Value::Number),
        _ => Value::String(text.into()),
    }
}

/// The members of `shape` bound to the status code, headers and payload, then the body.
pub fn response_members(model: &Model, shape: &str, response: &HttpResponse) -> Value {
    let Some(def) = model.shape(shape) else {
        return Value::Object(Map::new());
    };
    let body_json = || -> Value {
        if response.body.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Map::new())
        } else {
            serde_json::from_slice(response.body).unwrap_or(Value::Null)
        }
    };
    let mut out = match &def.payload {
        Some(_) => Map::new(),
        None => match from_wire(model, shape, &body_json()) {
            Value::Object(map) => map,
            _ => Map::new(),
        },
    };
    for (name, member) in &def.members {
        let location_name = member.location_name.as_deref().unwrap_or(name);
        match member.location.as_deref() {
            Some("statusCode") => {
                out.insert(name.clone(), Value::from(response.status));
            }
            Some("header") => {
                let Some(text) = response.header(location_name) else {
                    continue;
                };
                let value = header_member(model, member, text);
                out.insert(name.clone(), value);
            }
            Some("headers") => {
                let prefix = location_name.to_ascii_lowercase();
                let map: Map<String, Value> = response
                    .headers
                    .iter()
                    .filter_map(|(k, v)| {
                        let key = k.to_ascii_lowercase();
                        let rest = key.strip_prefix(&prefix)?;
                        Some((
                            k[k.len() - rest.len()..].to_string(),
                            Value::String(v.clone()),
                        ))
                    })
                    .collect();
                if !map.is_empty() {
                    out.insert(name.clone(), Value::Object(map));
                }
            }
            None if def.payload.as_deref() == Some(name.as_str()) => {
                let kind = model.shape(&member.shape).map(|s| (s.kind, s.document));
                match kind {
                    Some((ShapeKind::Blob, _)) if !response.body.is_empty() => {
                        out.insert(name.clone(), Value::String(BASE64.encode(response.body)));
                    }
                    Some((ShapeKind::String, _)) if !response.body.is_empty() => {
                        let text = String::from_utf8_lossy(response.body).into_owned();
                        out.insert(name.clone(), Value::String(text));
                    }
                    Some((ShapeKind::Blob | ShapeKind::String, _)) => {}
                    _ => {
                        let value = body_json();
                        let empty = value.as_object().is_some_and(Map::is_empty);
                        if !empty && !value.is_null() {
                            out.insert(name.clone(), from_wire(model, &member.shape, &value));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Value::Object(out)
}

pub(super) fn header_member(model: &Model, member: &Member, text: &str) -> Value {
    let def = model.shape(&member.shape);
    if member.json_value || def.is_some_and(|d| d.document) {
        return BASE64
            .decode(text.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map_or(Value::String(text.into()), Value::String);
    }
    match def.map(|d| (d.kind, d.member.as_ref())) {
        Some((ShapeKind::List, Some(item))) => {
            let timestamps = model
                .shape(&item.shape)
                .is_some_and(|s| s.kind == ShapeKind::Timestamp);
            header_items(text, timestamps)
                .iter()
                .map(|i| header_scalar(model, &item.shape, i))
                .collect()
        }
        _ => header_scalar(model, &member.shape, text),
    }
}
