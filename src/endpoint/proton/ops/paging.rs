//! List pagination: `maxResults` and an opaque `nextToken` (an offset).

use serde_json::{Map, Value, json};

use crate::endpoint::proton::error::ErrorAnswer;

const DEFAULT_PAGE: usize = 100;

/// Cuts `items` into the page the input asks for; returns the page and the next token.
pub fn page(
    items: Vec<Value>,
    input: &Map<String, Value>,
) -> Result<(Vec<Value>, Option<String>), ErrorAnswer> {
    let size = input
        .get("maxResults")
        .and_then(Value::as_u64)
        .map_or(DEFAULT_PAGE, |n| n as usize);
    let start = match input.get("nextToken").and_then(Value::as_str) {
        None => 0,
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| ErrorAnswer::validation(format!("nextToken {token:?} is not valid")))?,
    };
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(start).take(size).collect();
    let next = (start + page.len() < total).then(|| (start + page.len()).to_string());
    Ok((page, next))
}

/// `{ key: page, nextToken?: ... }`
pub fn listing(
    key: &str,
    items: Vec<Value>,
    input: &Map<String, Value>,
) -> Result<Value, ErrorAnswer> {
    let (page, next) = page(items, input)?;
    let mut out = json!({ key: page });
    if let Some(next) = next {
        out["nextToken"] = json!(next);
    }
    Ok(out)
}
