//! A listing's paginator (botocore's `paginators-1.json`): which answer members carry the
//! next page's tokens and which request members take them.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize, Clone)]
pub struct Paginator {
    /// The request members a page's tokens go to (S3's `ListObjectVersions` has two).
    #[serde(deserialize_with = "one_or_more")]
    pub input_token: Vec<String>,
    /// JMESPath expressions of the answer, one per input token
    /// (`NextMarker || Contents[-1].Key`).
    #[serde(deserialize_with = "one_or_more")]
    pub output_token: Vec<String>,
    pub limit_key: Option<String>,
    pub result_key: serde_json::Value,
}

impl Paginator {
    /// The request for the page after `answer`, if the answer says there is one: every input
    /// token set from its output token.
    pub fn next_page(&self, request: &Value, answer: &Value) -> Option<Value> {
        let tokens: Vec<Value> = self
            .output_token
            .iter()
            .map(|expr| token_at(expr, answer))
            .collect();
        if tokens.iter().all(|t| t.is_null()) {
            return None;
        }
        let mut next = request.clone();
        for (member, token) in self.input_token.iter().zip(tokens) {
            if !token.is_null() {
                next[member] = token;
            }
        }
        Some(next)
    }

    /// The answer members that are only tokens (not data), to drop from joined pages.
    pub fn token_members(&self) -> impl Iterator<Item = &str> {
        self.output_token
            .iter()
            .map(String::as_str)
            .filter(|t| t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    }
}

/// An output token's value in an answer: `Null` where there is none (nothing, or empty).
fn token_at(expression: &str, answer: &Value) -> Value {
    let found = jmespath::compile(expression).ok().and_then(|e| {
        let data = jmespath::Variable::from_serializable(answer).ok()?;
        serde_json::to_value(&*e.search(data).ok()?).ok()
    });
    match found {
        Some(Value::String(s)) if s.is_empty() => Value::Null,
        Some(v) => v,
        None => Value::Null,
    }
}

/// A paginator's token field: one name, or a list of them.
fn one_or_more<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMore {
        One(String),
        More(Vec<String>),
    }
    Ok(match OneOrMore::deserialize(d)? {
        OneOrMore::One(one) => vec![one],
        OneOrMore::More(more) => more,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_page_with_two_tokens_leads_to_the_next_and_the_last_to_none() {
        let versions: Paginator = serde_json::from_value(json!({
            "input_token": ["KeyMarker", "VersionIdMarker"],
            "output_token": ["NextKeyMarker", "NextVersionIdMarker"],
            "result_key": "Versions"
        }))
        .unwrap();
        let next = versions
            .next_page(
                &json!({ "Bucket": "b" }),
                &json!({ "NextKeyMarker": "k", "NextVersionIdMarker": "v" }),
            )
            .unwrap();
        assert_eq!(
            next,
            json!({ "Bucket": "b", "KeyMarker": "k", "VersionIdMarker": "v" })
        );
        assert_eq!(
            versions.next_page(&next, &json!({ "NextKeyMarker": "" })),
            None
        );
        let objects: Paginator = serde_json::from_value(json!({
            "input_token": "Marker",
            "output_token": "NextMarker || Contents[-1].Key",
            "result_key": "Contents"
        }))
        .unwrap();
        let next = objects.next_page(&json!({}), &json!({ "Contents": [{ "Key": "z" }] }));
        assert_eq!(next, Some(json!({ "Marker": "z" })));
        assert_eq!(objects.token_members().count(), 0);
    }
}
