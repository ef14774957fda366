//! Redaction for snapshots, decided per kind of value so that the redacted form depends only on
//! what the endpoint means, never on chance or timing:
//! - ARNs, generated ids and client tokens become numbered placeholders by role
//!   (`<arn:environment-template:1>`, `<id:2>`, `<token:1>`). Two of them are equal only when
//!   the endpoint names the same thing, so the numbering keeps identity ("the retry returned
//!   the first call's ARN") and is the same in every run.
//! - Timestamps become `<timestamp>`, unnumbered: whether two fall in the same millisecond is
//!   chance, and the contract's one equality of times (a retry returns the original) is
//!   checked by `same_as`, not by snapshots.
//! - Account ids, regions and the run prefix become `<account>`, `<region>`, `<prefix>`.
//! - Members the model marks sensitive (error messages among them) become a stable hash of
//!   their text after every per-run value quoted inside it (a token, an ARN, an id, the prefix)
//!   was replaced by its placeholder, so the hash changes only when the wording does.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use serde_json::{Map, Value, json};

use crate::client::{Body, Exchange, Outcome};
use crate::error::Error;
use crate::model::ShapeKind;
use crate::service::Service;

/// Members that carry a client token, whatever their shape says.
const TOKEN_MEMBERS: &[&str] = &["clientToken", "lastClientRequestToken"];

/// User rules (`snapshots/redactions.yaml`), beside the built-in ones.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A member name, at any depth.
    #[serde(default)]
    pub member: Option<String>,
    /// A regex matched against whole string values.
    #[serde(default)]
    pub pattern: Option<String>,
    pub role: String,
    /// `pattern`, anchored and compiled once when the rules are loaded.
    #[serde(skip)]
    compiled: Option<regex::Regex>,
}

impl Rules {
    /// Reads a rules file; a missing file means no extra rules.
    pub fn load(path: &std::path::Path) -> Result<Rules, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Rules::default()),
            Err(e) => return Err(Error::input(format!("cannot read {}: {e}", path.display()))),
        };
        let invalid = |message: String| Error::input(message).at_file(path, None);
        let mut rules: Rules = serde_saphyr::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        for rule in &mut rules.rules {
            if let Some(p) = &rule.pattern {
                let anchored = regex::Regex::new(&format!("^(?:{p})$"))
                    .map_err(|e| invalid(format!("invalid pattern {p:?}: {e}")))?;
                rule.compiled = Some(anchored);
            }
            if rule.member.is_none() && rule.pattern.is_none() {
                return Err(invalid("a rule needs `member` or `pattern`".into()));
            }
        }
        Ok(rules)
    }

    fn role_for(&self, member: Option<&str>, value: &str) -> Option<&str> {
        self.rules
            .iter()
            .find(|r| {
                r.member.as_deref().is_some_and(|m| Some(m) == member)
                    || r.compiled.as_ref().is_some_and(|re| re.is_match(value))
            })
            .map(|r| r.role.as_str())
    }
}

/// Redaction state for one scenario: placeholders are numbered by role in order of first sight.
#[derive(Debug)]
pub struct Redactor {
    /// The model gives each value its shape (timestamps, sensitive members); the pack says
    /// which members name resources.
    service: Arc<Service>,
    run_prefix: String,
    rules: Rules,
    seen: HashMap<(String, String), usize>,
    counts: HashMap<String, usize>,
}

impl Redactor {
    pub fn new(service: Arc<Service>, run_prefix: &str) -> Self {
        Self {
            service,
            run_prefix: run_prefix.to_string(),
            rules: Rules::default(),
            seen: HashMap::new(),
            counts: HashMap::new(),
        }
    }

    pub fn with_rules(mut self, rules: Rules) -> Self {
        self.rules = rules;
        self
    }

    fn placeholder(&mut self, role: &str, value: &str) -> String {
        let key = (role.to_string(), value.to_string());
        let n = match self.seen.get(&key) {
            Some(n) => *n,
            None => {
                let n = self.counts.entry(role.to_string()).or_insert(0);
                *n += 1;
                self.seen.insert(key, *n);
                *n
            }
        };
        format!("<{role}:{n}>")
    }

    /// The request and its answer as one redacted document.
    pub fn exchange(&mut self, exchange: &Exchange) -> Value {
        let service = self.service.clone();
        let model = &service.model;
        let operation = model.operation(&exchange.operation);
        let input = operation
            .and_then(|o| o.input.as_ref())
            .map(|s| s.shape.as_str());
        let output = operation
            .and_then(|o| o.output.as_ref())
            .map(|s| s.shape.as_str());
        let request = self.value(&exchange.request, input, None);
        let response = match &exchange.outcome {
            Outcome::Transport(e) => json!({ "transport_error": e.kind_text() }),
            Outcome::Response(r) => match &r.body {
                Body::Success(body) => {
                    json!({ "status": r.status, "body": self.value(body, output, None) })
                }
                Body::Error(e) => {
                    let body = self.value(&e.body, Some(e.error_type.as_str()), None);
                    json!({ "status": r.status, "error": e.error_type, "body": body })
                }
                Body::Malformed(reason) => json!({ "status": r.status, "malformed": reason }),
            },
        };
        json!({ "operation": exchange.operation, "request": request, "response": response })
    }

    /// Redacts a value whose model shape is `shape` (when known), held by `member`.
    pub fn value(&mut self, value: &Value, shape: Option<&str>, member: Option<&str>) -> Value {
        let service = self.service.clone();
        let model = &service.model;
        let def = shape.and_then(|s| model.shape(s));
        match value {
            Value::Object(map) => {
                let out: Map<String, Value> = map
                    .iter()
                    .map(|(k, v)| {
                        let child = def.and_then(|d| match d.kind {
                            ShapeKind::Structure => d.members.get(k).map(|m| m.shape.as_str()),
                            // Some models have no map shapes; others do.
                            ShapeKind::Map => d.value.as_ref().map(|v| v.shape.as_str()),
                            _ => None,
                        });
                        (k.clone(), self.value(v, child, Some(k)))
                    })
                    .collect();
                Value::Object(out)
            }
            Value::Array(items) => {
                let child = def
                    .and_then(|d| d.member.as_ref())
                    .map(|m| m.shape.as_str());
                let own: Vec<&Value> = items
                    .iter()
                    .filter(|i| !self.belongs_to_another_scenario(i))
                    .collect();
                Value::Array(
                    own.into_iter()
                        .map(|i| self.value(i, child, member))
                        .collect(),
                )
            }
            Value::Number(_) if def.is_some_and(|d| d.kind == ShapeKind::Timestamp) => {
                Value::String(TIMESTAMP.into())
            }
            Value::String(s) => {
                if member.is_some_and(|m| TOKEN_MEMBERS.contains(&m)) {
                    return Value::String(self.placeholder("token", s));
                }
                if let Some(role) = self.rules.role_for(member, s).map(str::to_string) {
                    return Value::String(self.placeholder(&role, s));
                }
                if def.is_some_and(|d| d.sensitive) {
                    let text = self.normalise_quoted(s);
                    Value::String(format!("<sensitive:{:016x}>", fnv1a(&text)))
                } else {
                    Value::String(self.text(s))
                }
            }
            other => other.clone(),
        }
    }

    /// On a shared endpoint a list shows every scenario's resources; those whose names lack
    /// this scenario's prefix are someone else's and not part of this recording.
    fn belongs_to_another_scenario(&self, item: &Value) -> bool {
        if self.run_prefix.is_empty() {
            return false;
        }
        self.service
            .pack
            .resource_name_members
            .iter()
            .find_map(|m| item.get(m).and_then(Value::as_str))
            .is_some_and(|name| !name.contains(&self.run_prefix))
    }

    /// Identity redaction of one string: an ARN, a UUID, or text holding the run prefix.
    fn text(&mut self, s: &str) -> String {
        if let Some(rest) = s.strip_prefix("arn:") {
            let resource = rest.splitn(5, ':').nth(4).unwrap_or("");
            let kind = resource.split(['/', ':']).next().unwrap_or("resource");
            let kind: String = kind
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            return self.placeholder(&format!("arn:{kind}"), s);
        }
        if is_uuid(s) {
            return self.placeholder("id", s);
        }
        // Account ids and regions are fixed placeholders: they say where, not what.
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            return "<account>".into();
        }
        if is_region(s) {
            return "<region>".into();
        }
        if !self.run_prefix.is_empty() && s.contains(&self.run_prefix) {
            return s.replace(&self.run_prefix, "<prefix>");
        }
        s.to_string()
    }
}

impl Redactor {
    /// A free text with every per-run value it quotes replaced by its placeholder: values
    /// already redacted in this scenario (the request's token, say), then ARNs and UUIDs
    /// anywhere in it, then the run prefix.
    fn normalise_quoted(&mut self, s: &str) -> String {
        let mut known: Vec<(&(String, String), &usize)> = self
            .seen
            .iter()
            .filter(|((_, value), _)| value.len() >= MIN_QUOTED_LEN)
            .collect();
        // Longest first, so a value never loses its tail to a shorter one it contains; the
        // sort is total, so the result does not depend on the map's order.
        known.sort_by(|a, b| b.0.1.len().cmp(&a.0.1.len()).then(a.cmp(b)));
        let mut text = s.to_string();
        for ((role, value), n) in known {
            if text.contains(value.as_str()) {
                text = text.replace(value.as_str(), &format!("<{role}:{n}>"));
            }
        }
        let text = QUOTED_ID
            .replace_all(&text, |c: &regex::Captures| self.text(&c[0]))
            .into_owned();
        if self.run_prefix.is_empty() {
            text
        } else {
            text.replace(&self.run_prefix, "<prefix>")
        }
    }
}

/// What every timestamp becomes.
pub const TIMESTAMP: &str = "<timestamp>";

/// Shorter values are not looked for inside texts: they would match ordinary words.
const MIN_QUOTED_LEN: usize = 6;

/// An ARN or a UUID inside a longer text.
static QUOTED_ID: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"arn:[A-Za-z0-9-]+:[A-Za-z0-9-]*:[a-z0-9-]*:[0-9]*:[A-Za-z0-9/:._+=@-]*[A-Za-z0-9/_+=@-]|\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b",
    )
    .expect("a valid pattern")
});

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `us-east-1`, `eu-west-3`, `us-gov-west-1`, `cn-north-1`.
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    (3..=4).contains(&parts.len())
        && parts[0].len() == 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
        && parts
            .last()
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
}

/// FNV-1a: a tiny hash that is the same on every platform and Rust version.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether a string is a placeholder this module writes.
pub fn is_placeholder(s: &str) -> bool {
    placeholder_role(s).is_some()
}

/// `<arn:environment-template:3>` is of role `arn:environment-template`.
pub fn placeholder_role(s: &str) -> Option<&str> {
    let inner = s.strip_prefix('<')?.strip_suffix('>')?;
    let (role, n) = inner.rsplit_once(':')?;
    (n.parse::<usize>().is_ok() && !role.is_empty() && role != "sensitive").then_some(role)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proton() -> Arc<Service> {
        Arc::new(Service::proton())
    }

    #[test]
    fn same_value_same_placeholder_by_role() {
        let mut r = Redactor::new(proton(), "pcrun1-abc");
        let doc = json!({"environmentTemplate": {
            "arn": "arn:aws:proton:us-east-1:123456789012:environment-template/pcrun1-abc-tpl",
            "name": "pcrun1-abc-tpl",
            "createdAt": 1796025998.725,
            "lastModifiedAt": 1796025998.725,
            "description": "made by pcrun1-abc",
        }});
        let a = r.value(&doc, Some("GetEnvironmentTemplateOutput"), None);
        let t = &a["environmentTemplate"];
        assert_eq!(t["arn"], "<arn:environment-template:1>");
        assert_eq!(t["name"], "<prefix>-tpl");
        assert_eq!(t["createdAt"], TIMESTAMP);
        assert_eq!(t["lastModifiedAt"], TIMESTAMP);
        let sensitive = t["description"].as_str().unwrap().to_string();
        assert!(sensitive.starts_with("<sensitive:"), "{sensitive}");
        // Another run, another prefix: the same redacted document.
        let mut other = Redactor::new(proton(), "pcrun2-xyz");
        let doc2 =
            serde_json::from_str::<Value>(&doc.to_string().replace("pcrun1-abc", "pcrun2-xyz"))
                .unwrap();
        assert_eq!(
            other.value(&doc2, Some("GetEnvironmentTemplateOutput"), None),
            a
        );
        // A real change to a sensitive member changes its hash.
        let mut third = Redactor::new(proton(), "pcrun1-abc");
        let mut changed = doc.clone();
        changed["environmentTemplate"]["description"] = json!("made by someone else");
        let c = third.value(&changed, Some("GetEnvironmentTemplateOutput"), None);
        assert_ne!(c["environmentTemplate"]["description"], t["description"]);
    }

    #[test]
    fn list_items_of_other_scenarios_are_left_out() {
        let mut r = Redactor::new(proton(), "pcrun-aaa");
        let v = r.value(
            &json!({"templates": [{"name": "pcrun-aaa-t"}, {"name": "pcrun-bbb-t"}]}),
            None,
            None,
        );
        assert_eq!(v, json!({"templates": [{"name": "<prefix>-t"}]}));
    }

    #[test]
    fn accounts_regions_and_user_rules() {
        let rules = Rules {
            rules: vec![Rule {
                member: Some("buildId".into()),
                pattern: None,
                role: "build".into(),
                compiled: None,
            }],
        };
        let mut r = Redactor::new(proton(), "p").with_rules(rules);
        let v = r.value(&json!({"managementAccountId": "210987654321", "region": "eu-west-3", "buildId": "b-77", "other": "b-77"}), None, None);
        assert_eq!(
            v,
            json!({"managementAccountId": "<account>", "region": "<region>", "buildId": "<build:1>", "other": "b-77"})
        );
        assert!(!is_region("hello-world-x"));
    }

    #[test]
    fn tokens_and_ids_become_placeholders() {
        let mut r = Redactor::new(proton(), "p");
        let v = r.value(
            &json!({"clientToken": "abc", "id": "0f8fad5b-d9cb-469f-a165-70867728950e"}),
            None,
            None,
        );
        assert_eq!(v, json!({"clientToken": "<token:1>", "id": "<id:1>"}));
        assert_eq!(
            placeholder_role("<arn:environment-template:12>"),
            Some("arn:environment-template")
        );
        assert_eq!(placeholder_role("<sensitive:00ff>"), None);
        assert_eq!(placeholder_role("plain"), None);
    }

    #[test]
    fn equal_and_unequal_timestamps_redact_alike() {
        let doc = |created: f64, modified: f64| json!({"environmentTemplate": {"createdAt": created, "lastModifiedAt": modified}});
        let shape = Some("GetEnvironmentTemplateOutput");
        let same = Redactor::new(proton(), "p").value(&doc(1.5, 1.5), shape, None);
        let apart = Redactor::new(proton(), "p").value(&doc(1.5, 1.501), shape, None);
        assert_eq!(same, apart);
        assert_eq!(same["environmentTemplate"]["createdAt"], TIMESTAMP);
    }

    #[test]
    fn messages_hash_the_same_whatever_per_run_values_they_quote() {
        let message = |token: &str, prefix: &str, id: &str| {
            let mut r = Redactor::new(proton(), prefix);
            r.value(&json!({"clientToken": token}), None, None);
            let text = format!(
                "token {token} of {prefix}-t was used with other parameters for \
                 arn:aws:proton:us-east-1:123456789012:environment-template/{prefix}-t (request {id})"
            );
            r.value(&json!({"message": text}), Some("ValidationException"), None)["message"].clone()
        };
        let a = message(
            "tok-run1-aaaa",
            "pcrun1",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
        );
        let b = message(
            "tok-run2-bbbb",
            "pcrun2",
            "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        );
        assert!(a.as_str().unwrap().starts_with("<sensitive:"), "{a}");
        assert_eq!(a, b);
        // Other wording is another hash.
        let mut r = Redactor::new(proton(), "pcrun1");
        let other = r.value(
            &json!({"message": "token tok-run1-aaaa was never seen"}),
            Some("ValidationException"),
            None,
        );
        assert_ne!(other["message"], a);
    }

    #[test]
    fn transport_errors_carry_no_address() {
        use crate::client::{Exchange, Outcome, TransportError};
        let exchange = |port: u16| Exchange {
            operation: "GetEnvironmentTemplate".into(),
            request: json!({}),
            outcome: Outcome::Transport(TransportError::Connect(format!(
                "tcp connect error: 127.0.0.1:{port}: Connection refused (os error 111)"
            ))),
            duration: std::time::Duration::ZERO,
        };
        let a = Redactor::new(proton(), "p").exchange(&exchange(4566));
        assert_eq!(a, Redactor::new(proton(), "p").exchange(&exchange(39211)));
        assert!(!a.to_string().contains("4566"), "{a}");
    }

    #[test]
    fn a_missing_rules_file_means_no_rules_and_an_unreadable_one_is_an_error() {
        let missing = std::env::temp_dir().join("pc-no-such-redactions.yaml");
        assert!(Rules::load(&missing).unwrap().rules.is_empty());
        let dir = std::env::temp_dir();
        let err = Rules::load(&dir).unwrap_err();
        assert!(err.to_string().starts_with("cannot read"), "{err}");
    }

    #[test]
    fn only_timestamp_members_become_timestamps() {
        let mut r = Redactor::new(proton(), "p");
        let v = r.value(
            &json!({"maxResults": 5}),
            Some("ListEnvironmentTemplatesInput"),
            None,
        );
        assert_eq!(v, json!({"maxResults": 5}));
    }

    #[test]
    fn an_arn_role_is_its_resource_kind_in_letters_digits_and_dashes() {
        let mut r = Redactor::new(proton(), "p");
        let v = r.value(
            &json!("arn:aws:proton:us-east-1:123456789012:environment_template.v2/x"),
            None,
            None,
        );
        assert_eq!(v, json!("<arn:environment-template-v2:1>"));
    }

    #[test]
    fn no_prefix_changes_no_text_and_look_alikes_stay_as_they_are() {
        let mut r = Redactor::new(proton(), "");
        assert_eq!(
            r.value(&json!("plain text"), None, None),
            json!("plain text")
        );
        // Twelve characters that are not all digits are no account; eleven digits neither.
        assert_eq!(
            r.value(&json!("12345678901x"), None, None),
            json!("12345678901x")
        );
        assert_eq!(
            r.value(&json!("12345678901"), None, None),
            json!("12345678901")
        );
        for not_a_region in [
            "us-east",
            "u-east-1",
            "us-East-1",
            "us-east-x",
            "us--1",
            "a-b-c-d-e-1",
        ] {
            assert!(!is_region(not_a_region), "{not_a_region}");
        }
        for region in ["us-east-1", "us-gov-west-1", "cn-north-1"] {
            assert!(is_region(region), "{region}");
        }
    }

    #[test]
    fn placeholders_are_numbered_roles_and_nothing_else() {
        assert!(is_placeholder("<id:3>"));
        assert!(!is_placeholder("<id>"));
        assert!(!is_placeholder("<:3>"), "a role is needed");
        assert!(!is_placeholder("<id:x>"), "a number is needed");
        assert!(
            !is_placeholder("<sensitive:12>"),
            "hashes are compared as they are"
        );
        assert!(!is_placeholder(TIMESTAMP));
        assert!(!is_placeholder("id:3"));
    }
}
