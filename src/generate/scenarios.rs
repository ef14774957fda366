//! Scenarios generated from a service pack and its model: for each operation that takes a
//! token, one scenario per clause its documentation decides (CT2: a retry with the same token;
//! CT3: the same token with other parameters; CT4: past the window). Inputs come from the pack
//! (`input`, `change`, `setup`) or are synthesized from the model. Deterministic, written as
//! ordinary scenario files a person can read and edit. A point the documentation leaves open
//! generates nothing; an input that cannot be synthesized is reported as needing a fixture.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::service::{Service, TokenOperation};
use crate::synth;

/// One generated scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The file name (`create-secret-ct2.yaml`).
    pub file: String,
    pub text: String,
}

/// What became of one operation and clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    Generated(String),
    /// The documentation does not decide the point.
    Unknown,
    /// The input cannot be synthesized: the pack needs a fixture (why).
    NeedsFixture(String),
    /// The harness does not speak the service's protocol yet (why).
    Unspoken(String),
}

/// Each clause of an operation whose scenarios cannot be written: those its contract decides
/// need a fixture (`why`), the others are unknown. The token's form (CT1) is judged where a
/// retry is known to work.
fn not_written(token: &TokenOperation, why: &str) -> Vec<(String, &'static str, Coverage)> {
    [
        ("CT1", &token.retry),
        ("CT2", &token.retry),
        ("CT3", &token.mismatch),
        ("CT4", &token.window),
        ("CT6", &token.no_token_twice),
    ]
    .into_iter()
    .map(|(clause, point)| {
        let decided = TokenOperation::known(point).is_some();
        let status = if decided {
            Coverage::NeedsFixture(why.to_string())
        } else {
            Coverage::Unknown
        };
        (token.operation.clone(), clause, status)
    })
    .collect()
}

/// Every scenario the pack's token contract gives, and what became of each operation x clause.
pub fn generate(service: &Service) -> (Vec<Generated>, Vec<(String, &'static str, Coverage)>) {
    let mut files = Vec::new();
    let mut coverage = Vec::new();
    if let Some(why) = service.unspoken() {
        for token in &service.pack.tokens {
            coverage.push((
                token.operation.clone(),
                "CT2",
                Coverage::Unspoken(why.clone()),
            ));
        }
        return (files, coverage);
    }
    for token in &service.pack.tokens {
        // Where the pack gives no fixture, what the operation needs around it comes from the
        // model: what makes the resource it acts on, and what undoes what it makes.
        let inferred;
        let token = if token.input.is_none() && token.setup.is_empty() && token.teardown.is_empty()
        {
            match super::infer::surroundings(&service.model, token) {
                Ok(t) => {
                    inferred = t;
                    &inferred
                }
                Err(why) => {
                    coverage.extend(not_written(token, &why));
                    continue;
                }
            }
        } else {
            token
        };
        let input = match base_input(service, token) {
            Ok(input) => input,
            Err(why) => {
                coverage.extend(not_written(token, &why.to_string()));
                continue;
            }
        };
        let writer = Writer {
            service,
            token,
            input,
        };
        for (clause, suffix, scenario) in [
            ("CT1", "", writer.too_long()),
            ("CT1", "-pattern", writer.off_pattern()),
            ("CT1", "-case", writer.other_case()),
            ("CT2", "", writer.retry()),
            ("CT3", "", writer.mismatch()),
            ("CT4", "", writer.expiry()),
            ("CT4", "-inside", writer.inside_window()),
            ("CT6", "", writer.no_token_twice()),
        ] {
            // A second scenario of a clause adds to the first: nothing is said of it alone.
            if !suffix.is_empty() && !matches!(scenario, Ok(Some(_))) {
                continue;
            }
            let status = match scenario {
                Ok(Some(text)) => {
                    let file = format!(
                        "{}-{}{suffix}.yaml",
                        kebab(&token.operation),
                        clause.to_lowercase()
                    );
                    // A scenario the model refuses is none: what was inferred needs a fixture.
                    match crate::scenario::parse(&text, &file, service) {
                        Err(problems) => Coverage::NeedsFixture(format!(
                            "the scenario inferred for it does not fit the model: {}",
                            problems.first().map_or("", |p| p.message.as_str())
                        )),
                        Ok(_) => {
                            files.push(Generated {
                                file: file.clone(),
                                text,
                            });
                            Coverage::Generated(file)
                        }
                    }
                }
                Ok(None) => Coverage::Unknown,
                Err(why) => Coverage::NeedsFixture(why.to_string()),
            };
            coverage.push((token.operation.clone(), clause, status));
        }
    }
    (files, coverage)
}

/// The request without its token: the pack's fixture, else synthesized from the model.
fn base_input(service: &Service, token: &TokenOperation) -> Result<Map<String, Value>, Error> {
    let member = service.token_member(&token.operation).unwrap_or_default();
    let mut input = match &token.input {
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return Err(Error::input("`input` is not a mapping")),
        None => {
            let shape = service
                .model
                .operation(&token.operation)
                .and_then(|o| o.input.as_ref())
                .map(|s| s.shape.clone())
                .unwrap_or_default();
            match synth::minimal(&service.model, &shape)? {
                Value::Object(map) => map,
                _ => Map::new(),
            }
        }
    };
    input.remove(member);
    Ok(input)
}

/// A token template (`${token.NAME}`) in a form `shape` takes: a UUID where it takes one and
/// not plain hex, else hex at a length within its bounds; `more` filters after.
pub(super) fn token_template(
    shape: Option<&crate::model::Shape>,
    name: &str,
    more: &str,
) -> String {
    let min = shape.and_then(|s| s.min).unwrap_or(0.0) as usize;
    let max = shape.and_then(|s| s.max).map_or(usize::MAX, |m| m as usize);
    let hex = "0123456789abcdef0123456789abcdef";
    let uuid = "01234567-89ab-cdef-0123-456789abcdef";
    let form = match (min > 32, max < 32) {
        _ if shape.is_some_and(|s| !synth::accepts(s, hex) && synth::accepts(s, uuid)) => {
            " | uuid".to_string()
        }
        (true, _) => format!(" | len({})", min.min(max)),
        (_, true) => format!(" | len({max})"),
        _ => String::new(),
    };
    format!("${{token.{name}{form}{more}}}")
}

/// `CreateSecret` as `create-secret`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

pub(super) struct Writer<'a> {
    pub(super) service: &'a Service,
    pub(super) token: &'a TokenOperation,
    pub(super) input: Map<String, Value>,
}

impl Writer<'_> {
    pub(super) fn params(&self) -> Value {
        let mut params = self.input.clone();
        let member = self
            .service
            .token_member(&self.token.operation)
            .unwrap_or_default();
        params.insert(member.to_string(), Value::String(self.token_ref("")));
        Value::Object(params)
    }

    /// The scenario's token (`${token.a}`) in a form the token's shape takes, with `more`
    /// filters after (`| upper`).
    pub(super) fn token_ref(&self, more: &str) -> String {
        token_template(self.token_shape(), "a", more)
    }

    /// The members a mismatch changes: the pack's, else the first string member given.
    pub(super) fn change(&self) -> Result<Value, Error> {
        if let Some(change) = &self.token.change {
            return Ok(change.clone());
        }
        self.input
            .iter()
            .find_map(|(k, v)| v.as_str().map(|s| (k, s)))
            .map(|(k, s)| serde_json::json!({ k: format!("{s}-changed") }))
            .ok_or_else(|| Error::input("no string member to change for a mismatch; give `change`"))
    }

    pub(super) fn header(&self, name: &str, clause: &str) -> String {
        let op = &self.token.operation;
        let mut text = String::new();
        let from = match &self.service.pack.origin {
            Some(origin) if self.service.pack.documented => {
                format!("{} and the\n# model", origin.file)
            }
            _ => "the model alone\n# (no pack)".to_string(),
        };
        let _ = writeln!(
            text,
            "# Generated by `proton-conform generate --service {}` from {from}. Source: {}",
            self.service.name(),
            self.token.source
        );
        let _ = writeln!(text, "name: \"{op}: {name}\"");
        let _ = writeln!(text, "contract: [{clause}]");
        let _ = writeln!(text, "operations: [{op}]");
        let _ = writeln!(text, "tags: [generated, {}]", self.service.name());
        text
    }

    /// The setup: the pack's steps, then `first` (the call that binds the token, and what it
    /// needs read before the retry). A failure there is the scenario's (not reached), never
    /// the clause's: the clause is judged in the steps that follow.
    pub(super) fn setup(&self, text: &mut String, first: &str) {
        if self.token.setup.is_empty() && first.is_empty() {
            return;
        }
        text.push_str("setup:\n");
        for step in &self.token.setup {
            let _ = writeln!(text, "  - {}", inline(step));
        }
        text.push_str(first);
    }

    /// The pack's teardown. A step that needs a value an answer gives is skipped by the runner
    /// when the answer did not give it (an error, as expected).
    pub(super) fn footer(&self, text: &mut String) {
        let steps: Vec<String> = self.token.teardown.iter().map(inline).collect();
        if !steps.is_empty() {
            text.push_str("teardown:\n");
            for step in steps {
                let _ = writeln!(text, "  - {step}");
            }
        }
    }

    /// The call that binds the token (`id: first`) with `params`, as a setup step.
    pub(super) fn first_call(&self, params: &Value) -> String {
        self.first_call_capturing(params, &[])
    }

    /// The first call, capturing the pack's captures and `more` (name, path).
    pub(super) fn first_call_capturing(&self, params: &Value, more: &[(String, String)]) -> String {
        let mut text = format!(
            "  - id: first\n    call: {}\n    params: {}\n",
            self.token.operation,
            inline(params)
        );
        let mut captures = match &self.token.capture {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        };
        for (name, path) in more {
            captures.insert(name.clone(), Value::String(path.clone()));
        }
        if !captures.is_empty() {
            let _ = writeln!(text, "    capture: {}", inline(&Value::Object(captures)));
        }
        text
    }
}

/// A value as one line of YAML (JSON is YAML's flow style).
pub(super) fn inline(value: &Value) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_scenario_parses_and_unknown_points_generate_nothing() {
        for bundled in crate::service::BUNDLED {
            let service = Service::bundled(bundled.name).unwrap();
            let (files, coverage) = generate(&service);
            for file in &files {
                crate::scenario::parse(&file.text, &file.file, &service)
                    .unwrap_or_else(|d| panic!("{}: {}\n{}", file.file, d[0].message, file.text));
            }
            for (op, clause, status) in &coverage {
                let token = service
                    .pack
                    .tokens
                    .iter()
                    .find(|t| &t.operation == op)
                    .unwrap();
                // CT1 is written where the retry is known (the request works otherwise).
                let point = match *clause {
                    "CT1" | "CT2" => &token.retry,
                    "CT3" => &token.mismatch,
                    _ => &token.window,
                };
                if point == "unknown" {
                    assert_eq!(status, &Coverage::Unknown, "{op} {clause}");
                }
            }
            assert_eq!(generate(&service).0, files, "deterministic");
        }
        let ecs = crate::service::BUNDLED
            .iter()
            .find(|b| b.name == "ecs")
            .unwrap();
        let text = ecs.pack.replace(
            "    window: 24h\n",
            "    window: 24h\n    no_token_twice: two\n",
        );
        let model = crate::model::Model::bundled("ecs-2014-11-13").unwrap();
        let pack = crate::service::Pack::parse(&text).unwrap();
        let ecs = Service::new(model, pack).unwrap();
        let (files, _) = generate(&ecs);
        let ct6 = files
            .iter()
            .find(|f| f.file == "run-task-ct6.yaml")
            .expect("CT6 generated");
        assert!(
            ct6.text.contains("new_resource: first, clause: CT6"),
            "{}",
            ct6.text
        );
        assert!(!ct6.text.contains("clientToken"), "{}", ct6.text);
        crate::scenario::parse(&ct6.text, &ct6.file, &ecs).unwrap();
        let secrets = Service::bundled("secretsmanager").unwrap();
        let (files, _) = generate(&secrets);
        let names: Vec<&str> = files.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(
            names,
            [
                "create-secret-ct1.yaml",
                "create-secret-ct2.yaml",
                "create-secret-ct3.yaml",
                "put-secret-value-ct1.yaml",
                "put-secret-value-ct2.yaml",
                "put-secret-value-ct3.yaml"
            ]
        );
    }
}
