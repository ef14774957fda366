//! An SDK's four duties toward an idempotency token, judged from the requests the endpoint
//! logged: fill a token when the caller gives none, keep it across the SDK's own retries, send
//! the caller's token unchanged, and put it where the model binds it.

use serde::Serialize;
use serde_json::Value;

use crate::endpoint::scripted::Logged;
use crate::model::Model;

/// Where the model binds an operation's token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// A member of the JSON body, by its JSON name.
    Body(String),
    /// A query-string parameter.
    Query(String),
    /// A header (lower case).
    Header(String),
}

impl Place {
    /// The token member's place, from the model.
    pub fn of(model: &Model, operation: &str, member: &str) -> Option<Place> {
        let m = model.input_shape(operation)?.members.get(member)?;
        let name = m
            .location_name
            .clone()
            .unwrap_or_else(|| member.to_string());
        Some(match m.location.as_deref() {
            Some("querystring") => Place::Query(name),
            Some("header") => Place::Header(name.to_ascii_lowercase()),
            _ => Place::Body(name),
        })
    }

    /// `body`, `query` or `header`: the columns of the tables.
    pub fn kind(&self) -> &'static str {
        match self {
            Place::Body(_) => "body",
            Place::Query(_) => "query",
            Place::Header(_) => "header",
        }
    }

    /// The token an attempt carries here.
    fn read(&self, request: &Logged) -> Option<String> {
        match self {
            Place::Body(key) => serde_json::from_str::<Value>(&request.body)
                .ok()?
                .get(key)?
                .as_str()
                .map(str::to_string),
            Place::Query(key) => query_pairs(&request.uri)
                .into_iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v),
            Place::Header(name) => request.header(name).map(str::to_string),
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Body(k) => write!(f, "body member `{k}`"),
            Place::Query(k) => write!(f, "query parameter `{k}`"),
            Place::Header(k) => write!(f, "header `{k}`"),
        }
    }
}

/// How one duty came out for one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", content = "why", rename_all = "snake_case")]
pub enum Finding {
    Kept,
    Broken(String),
    /// The calls did not put the duty to the test (an SDK that did not retry).
    NotExercised(String),
}

impl Finding {
    pub fn is_broken(&self) -> bool {
        matches!(self, Finding::Broken(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duties {
    pub fill: Finding,
    pub keep_on_retry: Finding,
    pub caller_token: Finding,
    pub placement: Finding,
}

impl Duties {
    /// The duties by name, in the order of the tables.
    pub fn named(&self) -> [(&'static str, &Finding); 4] {
        [
            ("fill", &self.fill),
            ("keep on retry", &self.keep_on_retry),
            ("caller's token", &self.caller_token),
            ("placement", &self.placement),
        ]
    }

    /// The duties broken, each by name with why.
    pub fn broken(&self) -> Vec<(&'static str, &str)> {
        self.named()
            .into_iter()
            .filter_map(|(name, finding)| match finding {
                Finding::Broken(why) => Some((name, why.as_str())),
                _ => None,
            })
            .collect()
    }
}

/// Headers an SDK sends on every request, whose values may look like tokens.
const SDK_HEADERS: &[&str] = &[
    "amz-sdk-invocation-id",
    "amz-sdk-request",
    "authorization",
    "x-amz-date",
    "x-amz-content-sha256",
    "x-amz-user-agent",
    "user-agent",
    "x-amzn-trace-id",
];

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Where else a token shows up: the place holding `wanted` (or, with none wanted, a value
/// that looks generated: a UUID), other than `place`.
fn elsewhere(request: &Logged, place: &Place, wanted: Option<&str>) -> Option<(Place, String)> {
    let matches = |v: &str| wanted.map_or(is_uuid(v), |w| v == w);
    let body = serde_json::from_str::<Value>(&request.body).ok();
    let in_body = body.as_ref().and_then(Value::as_object).and_then(|map| {
        map.iter()
            .filter_map(|(k, v)| Some((k, v.as_str()?)))
            .find(|(_, v)| matches(v))
            .map(|(k, v)| (Place::Body(k.clone()), v.to_string()))
    });
    let in_query = query_pairs(&request.uri)
        .into_iter()
        .find(|(_, v)| matches(v))
        .map(|(k, v)| (Place::Query(k), v));
    let in_header = request
        .headers
        .iter()
        .filter(|(k, _)| !SDK_HEADERS.contains(&k.as_str()))
        .find(|(_, v)| matches(v))
        .map(|(k, v)| (Place::Header(k.clone()), v.clone()));
    [in_body, in_query, in_header]
        .into_iter()
        .flatten()
        .find(|(p, _)| p != place)
}

/// The token an attempt carries: at its place, else found elsewhere (and where).
fn token_of(request: &Logged, place: &Place, wanted: Option<&str>) -> Seen {
    match place.read(request) {
        Some(t) => Seen::AtPlace(t),
        None => match elsewhere(request, place, wanted) {
            Some((p, t)) => Seen::Elsewhere(p, t),
            None => Seen::Missing,
        },
    }
}

enum Seen {
    AtPlace(String),
    Elsewhere(Place, String),
    Missing,
}

impl Seen {
    fn value(&self) -> Option<&str> {
        match self {
            Seen::AtPlace(t) | Seen::Elsewhere(_, t) => Some(t),
            Seen::Missing => None,
        }
    }
}

/// Judges the two calls: `generated` (the caller gave no token) and `given` (the caller gave
/// `caller_token`); each slice holds the attempts of the operation, in order.
pub fn judge(
    place: &Place,
    generated: &[&Logged],
    given: &[&Logged],
    caller_token: &str,
) -> Duties {
    let seen_generated: Vec<Seen> = generated.iter().map(|r| token_of(r, place, None)).collect();
    let seen_given: Vec<Seen> = given
        .iter()
        .map(|r| token_of(r, place, Some(caller_token)))
        .collect();

    let fill = match seen_generated.first() {
        None => Finding::NotExercised("the SDK sent no request without a caller's token".into()),
        Some(Seen::Missing) => Finding::Broken(format!(
            "the caller gave no token and the first attempt carries none (looked at the {place}, then everywhere)"
        )),
        Some(_) => Finding::Kept,
    };

    let keep_on_retry = keep(&seen_generated, &seen_given);

    let caller_token = match seen_given.iter().enumerate().find_map(|(i, s)| match s {
        Seen::Missing => Some(format!(
            "attempt {} does not carry the caller's token",
            i + 1
        )),
        Seen::AtPlace(t) | Seen::Elsewhere(_, t) if t != caller_token => Some(format!(
            "attempt {} carries {t:?} instead of the caller's {caller_token:?}",
            i + 1
        )),
        _ => None,
    }) {
        _ if seen_given.is_empty() => {
            Finding::NotExercised("the SDK sent no request with the caller's token".into())
        }
        Some(why) => Finding::Broken(why),
        None => Finding::Kept,
    };

    let misplaced = seen_generated
        .iter()
        .chain(&seen_given)
        .find_map(|s| match s {
            Seen::Elsewhere(p, _) => Some(p.clone()),
            _ => None,
        });
    let any_seen = seen_generated
        .iter()
        .chain(&seen_given)
        .any(|s| s.value().is_some());
    let placement = match misplaced {
        Some(p) => Finding::Broken(format!(
            "the token is sent as the {p}, the model binds it to the {place}"
        )),
        None if any_seen => Finding::Kept,
        None => Finding::NotExercised("no attempt carries a token".into()),
    };

    Duties {
        fill,
        keep_on_retry,
        caller_token,
        placement,
    }
}

/// Every retry of a call carries its first attempt's token.
fn keep(generated: &[Seen], given: &[Seen]) -> Finding {
    let mut retried = false;
    for (call, seen) in [
        ("without a caller's token", generated),
        ("with the caller's token", given),
    ] {
        let Some(first) = seen.first() else { continue };
        for (i, later) in seen.iter().enumerate().skip(1) {
            retried = true;
            if later.value() != first.value() {
                return Finding::Broken(format!(
                    "the call {call}: attempt 1 carries {:?}, its retry (attempt {}) {:?}",
                    first.value().unwrap_or("no token"),
                    i + 1,
                    later.value().unwrap_or("no token")
                ));
            }
        }
    }
    if retried {
        Finding::Kept
    } else {
        Finding::NotExercised("the SDK did not retry the scripted errors".into())
    }
}

/// A URI's query parameters, percent-decoded.
fn query_pairs(uri: &str) -> Vec<(String, String)> {
    let Some((_, query)) = uri.split_once('?') else {
        return Vec::new();
    };
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', "%20"))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(uri: &str, body: &str) -> Logged {
        Logged {
            method: "POST".into(),
            uri: uri.into(),
            headers: vec![(
                "amz-sdk-invocation-id".into(),
                "11111111-2222-4333-8444-555555555555".into(),
            )],
            body: body.into(),
            for_operation: true,
            answer: None,
        }
    }

    const A: &str = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    const B: &str = "bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee";

    #[test]
    fn a_faithful_sdk_keeps_all_four() {
        let place = Place::Body("clientToken".into());
        let g1 = attempt("/", &format!(r#"{{"clientToken":"{A}"}}"#));
        let g2 = g1.clone();
        let c1 = attempt("/", r#"{"clientToken":"caller-1"}"#);
        let c2 = c1.clone();
        let d = judge(&place, &[&g1, &g2], &[&c1, &c2], "caller-1");
        assert!(d.named().iter().all(|(_, f)| **f == Finding::Kept), "{d:?}");
    }

    #[test]
    fn a_new_token_per_retry_breaks_keep_only() {
        let place = Place::Body("clientToken".into());
        let g1 = attempt("/", &format!(r#"{{"clientToken":"{A}"}}"#));
        let g2 = attempt("/", &format!(r#"{{"clientToken":"{B}"}}"#));
        let c1 = attempt("/", r#"{"clientToken":"caller-1"}"#);
        let d = judge(&place, &[&g1, &g2], &[&c1], "caller-1");
        assert!(d.keep_on_retry.is_broken(), "{d:?}");
        assert!(!d.fill.is_broken() && !d.caller_token.is_broken() && !d.placement.is_broken());
    }

    #[test]
    fn an_unfilled_query_token_breaks_fill_only_and_the_sdk_header_is_no_token() {
        let place = Place::Query("clientToken".into());
        let g1 = attempt("/things", "{}");
        let g2 = g1.clone();
        let c1 = attempt("/things?clientToken=caller-1", "{}");
        let c2 = c1.clone();
        let d = judge(&place, &[&g1, &g2], &[&c1, &c2], "caller-1");
        assert!(d.fill.is_broken(), "{d:?}");
        assert_eq!(d.keep_on_retry, Finding::Kept);
        assert_eq!(d.caller_token, Finding::Kept);
        assert_eq!(d.placement, Finding::Kept);
    }

    #[test]
    fn a_token_in_the_body_when_the_model_says_query_breaks_placement() {
        let place = Place::Query("clientToken".into());
        let g1 = attempt("/things", &format!(r#"{{"clientToken":"{A}"}}"#));
        let c1 = attempt("/things", r#"{"clientToken":"caller-1"}"#);
        let d = judge(&place, &[&g1], &[&c1], "caller-1");
        assert_eq!(d.fill, Finding::Kept);
        assert!(d.placement.is_broken(), "{d:?}");
        assert!(matches!(d.keep_on_retry, Finding::NotExercised(_)));
    }

    #[test]
    fn a_changed_caller_token_breaks_the_caller_duty() {
        let place = Place::Header("x-amzn-client-token".into());
        let mut c1 = attempt("/", "{}");
        c1.headers.push(("x-amzn-client-token".into(), A.into()));
        let d = judge(&place, &[], &[&c1], "caller-1");
        assert!(d.caller_token.is_broken(), "{d:?}");
    }
}
