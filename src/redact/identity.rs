//! Identity-keeping redaction for snapshots. ARNs, ids, tokens, timestamps and the run prefix
//! become placeholders by role (`<arn:environment-template:1>`, `<timestamp:2>`): the same
//! value is always the same placeholder within a scenario, so "the retry returned the first
//! call's ARN" survives redaction. Members the model marks sensitive become a stable hash of
//! their text taken after identity redaction, so a run prefix inside a description does not
//! churn it and a real change is still seen.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::client::{Body, Exchange, Outcome};
use crate::model::{Model, ShapeKind};

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
    pub fn load(path: &std::path::Path) -> Result<Rules, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Rules::default()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let mut rules: Rules =
            serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for rule in &mut rules.rules {
            if let Some(p) = &rule.pattern {
                let anchored = regex::Regex::new(&format!("^(?:{p})$"))
                    .map_err(|e| format!("{}: invalid pattern {p:?}: {e}", path.display()))?;
                rule.compiled = Some(anchored);
            }
            if rule.member.is_none() && rule.pattern.is_none() {
                return Err(format!(
                    "{}: a rule needs `member` or `pattern`",
                    path.display()
                ));
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
#[derive(Debug, Default)]
pub struct Redactor {
    run_prefix: String,
    rules: Rules,
    seen: HashMap<(String, String), usize>,
    counts: HashMap<String, usize>,
}

impl Redactor {
    pub fn new(run_prefix: &str) -> Self {
        Self {
            run_prefix: run_prefix.to_string(),
            ..Self::default()
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
        let model = Model::get();
        let operation = model.operation(&exchange.operation);
        let input = operation
            .and_then(|o| o.input.as_ref())
            .map(|s| s.shape.as_str());
        let output = operation
            .and_then(|o| o.output.as_ref())
            .map(|s| s.shape.as_str());
        let request = self.value(&exchange.request, input, None);
        let response = match &exchange.outcome {
            Outcome::Transport(e) => json!({ "transport_error": e.to_string() }),
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
        let model = Model::get();
        let def = shape.and_then(|s| model.shape(s));
        match value {
            Value::Object(map) => {
                let out: Map<String, Value> = map
                    .iter()
                    .map(|(k, v)| {
                        let child = def.and_then(|d| match d.kind {
                            ShapeKind::Structure => d.members.get(k).map(|m| m.shape.as_str()),
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
            Value::Number(n) if def.is_some_and(|d| d.kind == ShapeKind::Timestamp) => {
                Value::String(self.placeholder("timestamp", &n.to_string()))
            }
            Value::String(s) => {
                if member.is_some_and(|m| TOKEN_MEMBERS.contains(&m)) {
                    return Value::String(self.placeholder("token", s));
                }
                if let Some(role) = self.rules.role_for(member, s).map(str::to_string) {
                    return Value::String(self.placeholder(&role, s));
                }
                let text = self.text(s);
                if def.is_some_and(|d| d.sensitive) {
                    Value::String(format!("<sensitive:{:016x}>", fnv1a(&text)))
                } else {
                    Value::String(text)
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
        ["name", "templateName", "environmentName"]
            .iter()
            .find_map(|m| item.get(*m).and_then(Value::as_str))
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

    #[test]
    fn same_value_same_placeholder_by_role() {
        let mut r = Redactor::new("pcrun1-abc");
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
        assert_eq!(t["createdAt"], "<timestamp:1>");
        assert_eq!(t["lastModifiedAt"], "<timestamp:1>");
        let sensitive = t["description"].as_str().unwrap().to_string();
        assert!(sensitive.starts_with("<sensitive:"), "{sensitive}");
        // Another run, another prefix: the same redacted document.
        let mut other = Redactor::new("pcrun2-xyz");
        let doc2 =
            serde_json::from_str::<Value>(&doc.to_string().replace("pcrun1-abc", "pcrun2-xyz"))
                .unwrap();
        assert_eq!(
            other.value(&doc2, Some("GetEnvironmentTemplateOutput"), None),
            a
        );
        // A real change to a sensitive member changes its hash.
        let mut third = Redactor::new("pcrun1-abc");
        let mut changed = doc.clone();
        changed["environmentTemplate"]["description"] = json!("made by someone else");
        let c = third.value(&changed, Some("GetEnvironmentTemplateOutput"), None);
        assert_ne!(c["environmentTemplate"]["description"], t["description"]);
    }

    #[test]
    fn list_items_of_other_scenarios_are_left_out() {
        let mut r = Redactor::new("pcrun-aaa");
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
        let mut r = Redactor::new("p").with_rules(rules);
        let v = r.value(&json!({"managementAccountId": "210987654321", "region": "eu-west-3", "buildId": "b-77", "other": "b-77"}), None, None);
        assert_eq!(
            v,
            json!({"managementAccountId": "<account>", "region": "<region>", "buildId": "<build:1>", "other": "b-77"})
        );
        assert!(!is_region("hello-world-x"));
    }

    #[test]
    fn tokens_and_ids_become_placeholders() {
        let mut r = Redactor::new("p");
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
}
