//! Scenarios generated from a service pack and its model: for each operation that takes a
//! token, one scenario per clause its documentation decides (CT2: a retry with the same token;
//! CT3: the same token with other parameters; CT4: past the window). Inputs come from the pack
//! (`input`, `change`, `setup`) or are synthesized from the model. Deterministic, written as
//! ordinary scenario files a person can read and edit. A point the documentation leaves open
//! generates nothing; an input that cannot be synthesized is reported as needing a fixture.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::duration::parse_duration;
use crate::error::Error;
use crate::service::{Service, TokenOperation};
use crate::synth;

use super::effect;

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
}

/// Every scenario the pack's token contract gives, and what became of each operation x clause.
pub fn generate(service: &Service) -> (Vec<Generated>, Vec<(String, &'static str, Coverage)>) {
    let mut files = Vec::new();
    let mut coverage = Vec::new();
    for token in &service.pack.tokens {
        let decided = [&token.retry, &token.mismatch, &token.window]
            .iter()
            .any(|p| TokenOperation::known(p).is_some());
        let input = match base_input(service, token) {
            Ok(input) => input,
            Err(why) => {
                for clause in ["CT1", "CT2", "CT3", "CT4", "CT6"] {
                    let status = if decided {
                        Coverage::NeedsFixture(why.to_string())
                    } else {
                        Coverage::Unknown
                    };
                    coverage.push((token.operation.clone(), clause, status));
                }
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
                    files.push(Generated {
                        file: file.clone(),
                        text,
                    });
                    Coverage::Generated(file)
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

struct Writer<'a> {
    service: &'a Service,
    token: &'a TokenOperation,
    input: Map<String, Value>,
}

impl Writer<'_> {
    fn params(&self) -> Value {
        let mut params = self.input.clone();
        let member = self
            .service
            .token_member(&self.token.operation)
            .unwrap_or_default();
        params.insert(member.to_string(), Value::String("${token.a}".into()));
        Value::Object(params)
    }

    /// The members a mismatch changes: the pack's, else the first string member given.
    fn change(&self) -> Result<Value, Error> {
        if let Some(change) = &self.token.change {
            return Ok(change.clone());
        }
        self.input
            .iter()
            .find_map(|(k, v)| v.as_str().map(|s| (k, s)))
            .map(|(k, s)| serde_json::json!({ k: format!("{s}-changed") }))
            .ok_or_else(|| Error::input("no string member to change for a mismatch; give `change`"))
    }

    fn header(&self, name: &str, clause: &str) -> String {
        let op = &self.token.operation;
        let mut text = String::new();
        let _ = writeln!(
            text,
            "# Generated by `proton-conform generate --service {}` from src/packs/{}.yaml and the\n# model. Source: {}",
            self.service.name(),
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
    fn setup(&self, text: &mut String, first: &str) {
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
    fn footer(&self, text: &mut String) {
        let steps: Vec<String> = self.token.teardown.iter().map(inline).collect();
        if !steps.is_empty() {
            text.push_str("teardown:\n");
            for step in steps {
                let _ = writeln!(text, "  - {step}");
            }
        }
    }

    /// The call that binds the token (`id: first`) with `params`, as a setup step.
    fn first_call(&self, params: &Value) -> String {
        let mut text = format!(
            "  - id: first\n    call: {}\n    params: {}\n",
            self.token.operation,
            inline(params)
        );
        if let Some(capture) = &self.token.capture {
            let _ = writeln!(text, "    capture: {}", inline(capture));
        }
        text
    }

    /// CT1: a token longer than the model allows is refused. Generated where the request is
    /// known to work otherwise (the documentation decides its retry), so that only the token
    /// can make it fail.
    fn too_long(&self) -> Result<Option<String>, Error> {
        if TokenOperation::known(&self.token.retry).is_none() {
            return Ok(None);
        }
        let model_max = self.token_shape().and_then(|s| s.max).map(|m| m as u64);
        let (max, whose) = match (model_max, self.token.token_max) {
            (Some(m), _) => (m, "the model's"),
            (None, Some(m)) => (m, "the documented"),
            (None, None) => return Ok(None),
        };
        let long = format!("${{token.long | len({})}}", max + 1);
        let name = format!(
            "a token of {} characters, past {whose} {max}, is refused",
            max + 1
        );
        Ok(Some(self.refused_token(&name, &long, model_max.is_some())))
    }

    /// CT1: a token outside the pattern the model gives it is refused.
    fn off_pattern(&self) -> Result<Option<String>, Error> {
        if TokenOperation::known(&self.token.retry).is_none() {
            return Ok(None);
        }
        let Some(shape) = self.token_shape() else {
            return Ok(None);
        };
        let Some(pattern) = shape
            .pattern
            .as_deref()
            .and_then(crate::model::usable_pattern)
            .and_then(|p| regex::Regex::new(&p).ok())
        else {
            return Ok(None);
        };
        let (min, max) = (
            shape.min.unwrap_or(1.0) as usize,
            shape.max.unwrap_or(64.0) as usize,
        );
        // Each a token the pattern refuses anywhere in it (as the model's schemas read a
        // pattern), at a length the model allows.
        let off = [
            "pc conform token",
            "pc!conform!token",
            "pc/conform/token",
            "pc\u{e9}conform",
            "!!!!!!!!",
            "--------",
        ]
        .into_iter()
        .find(|t| (min..=max).contains(&t.chars().count()) && !pattern.is_match(t));
        let Some(off) = off else {
            return Ok(None);
        };
        let name = format!("a token outside the model's pattern (`{off}`) is refused");
        Ok(Some(self.refused_token(&name, off, true)))
    }

    /// A CT1 scenario: the request with `token` is refused with an error. `breaks_model`: the
    /// token is one the model's own constraints refuse (else only the documentation does).
    fn refused_token(&self, name: &str, token: &str, breaks_model: bool) -> String {
        let member = self
            .service
            .token_member(&self.token.operation)
            .unwrap_or_default();
        let mut params = self.input.clone();
        params.insert(member.to_string(), Value::String(token.into()));
        let mut text = self.header(name, "CT1");
        self.setup(&mut text, "");
        let _ = writeln!(
            text,
            "steps:\n  - call: {}\n    params: {}{}\n    expect: {{ error: any, clause: CT1 }}",
            self.token.operation,
            inline(&Value::Object(params)),
            if breaks_model {
                "\n    invalid_request: true"
            } else {
                ""
            }
        );
        // Should the endpoint accept the token after all, what it made is captured and deleted.
        if let Some(capture) = &self.token.capture {
            let _ = writeln!(text, "    capture: {}", inline(capture));
        }
        self.footer(&mut text);
        text
    }

    /// The token member's shape.
    fn token_shape(&self) -> Option<&crate::model::Shape> {
        let model = &self.service.model;
        let member = self.service.token_member(&self.token.operation)?;
        model
            .input_shape(&self.token.operation)
            .and_then(|s| s.members.get(member))
            .and_then(|m| model.shape(&m.shape))
    }

    /// CT2: the same request again, and nothing more: what the service's reads show after the
    /// first call, they show after the retry too.
    fn retry(&self) -> Result<Option<String>, Error> {
        let Some(retry) = TokenOperation::known(&self.token.retry) else {
            return Ok(None);
        };
        // `same A B`: the retry names the same resource by these members (the rest of the answer
        // is not stated).
        let same: Vec<&str> = retry
            .strip_prefix("same ")
            .map_or(Vec::new(), |m| m.split_whitespace().collect());
        let expect = match retry {
            "original" => "same_as: first, ".to_string(),
            // Only the effect is stated: the retry succeeds, and its reads show one call.
            "effect" => String::new(),
            _ if !same.is_empty() => {
                let paths: Vec<String> = same
                    .iter()
                    .map(|m| format!("{m}: \"${{first_{}}}\"", m.to_lowercase()))
                    .collect();
                format!("paths: {{ {} }}, ", paths.join(", "))
            }
            error => format!("error: {error}, "),
        };
        let request = self.params();
        let mut first = self.first_call(&request);
        if !same.is_empty() {
            let captures: Vec<String> = same
                .iter()
                .map(|m| format!("first_{}: {m}", m.to_lowercase()))
                .collect();
            let _ = writeln!(first, "    capture: {{ {} }}", captures.join(", "));
        }
        let probe = request
            .as_object()
            .and_then(|r| effect::probe(&self.service.model, self.token, r));
        // A retry whose answer holds nothing and whose effect cannot be read says nothing: where
        // only the effect is stated, or the answer is empty by the model (`{}`).
        let model = &self.service.model;
        let empty_answer = model
            .operation(&self.token.operation)
            .and_then(|o| o.output.as_ref())
            .and_then(|o| model.shape(&o.shape))
            .is_none_or(|s| s.members.is_empty());
        if probe.is_none() && (retry == "effect" || (retry == "original" && empty_answer)) {
            return Ok(None);
        }
        if let Some(probe) = &probe {
            let _ = writeln!(
                first,
                "  - id: seen_after_first\n    call: {}\n    params: {}\n    paginate: true\n    capture: {{ effect_after_first: {} }}",
                probe.operation,
                inline(&probe.params),
                inline(&Value::String(probe.ids.clone()))
            );
        }
        let mut text = self.header("a retry with the same token and parameters", "CT2");
        self.setup(&mut text, &first);
        let _ = writeln!(
            text,
            "steps:\n  - repeat: first\n    expect: {{ {expect}clause: CT2 }}"
        );
        if let Some(probe) = &probe {
            let _ = writeln!(
                text,
                "  - repeat: seen_after_first\n    paginate: true\n    expect: {{ paths: {{ {}: \"${{effect_after_first}}\" }}, clause: CT2 }}",
                inline(&Value::String(probe.ids.clone()))
            );
        }
        self.footer(&mut text);
        Ok(Some(text))
    }

    /// CT6: the same request twice without a token.
    fn no_token_twice(&self) -> Result<Option<String>, Error> {
        let Some(outcome) = TokenOperation::known(&self.token.no_token_twice) else {
            return Ok(None);
        };
        let expect = match outcome {
            "two" => "new_resource: first".to_string(),
            error => format!("error: {error}"),
        };
        let mut text = self.header("the same request twice without a token", "CT6");
        let first = self.first_call(&Value::Object(self.input.clone()));
        self.setup(&mut text, &first);
        let _ = writeln!(
            text,
            "steps:\n  - repeat: first\n    expect: {{ {expect}, clause: CT6 }}"
        );
        self.footer(&mut text);
        Ok(Some(text))
    }

    /// CT3: the same token with other parameters.
    fn mismatch(&self) -> Result<Option<String>, Error> {
        let Some(error) = TokenOperation::known(&self.token.mismatch) else {
            return Ok(None);
        };
        let change = self.change()?;
        let mut text = self.header("the same token with other parameters", "CT3");
        self.setup(&mut text, &self.first_call(&self.params()));
        let _ = writeln!(
            text,
            "steps:\n  - repeat: first\n    with: {}\n    expect: {{ error: {error}, clause: CT3 }}",
            inline(&change)
        );
        self.footer(&mut text);
        Ok(Some(text))
    }

    /// The documented window in seconds, where it is stated and a mismatch is too (which is
    /// what tells a binding token from an expired one).
    fn window(&self) -> Result<Option<u64>, Error> {
        let window = match TokenOperation::known(&self.token.window) {
            None | Some("none") => return Ok(None),
            Some(w) => parse_duration(w).map_err(|e| e.context(format_args!("window {w:?}")))?,
        };
        Ok(TokenOperation::known(&self.token.mismatch).map(|_| window))
    }

    /// CT4: past the window, the same token with other parameters is a new request (it is not
    /// refused as a mismatch).
    fn expiry(&self) -> Result<Option<String>, Error> {
        let Some(window) = self.window()? else {
            return Ok(None);
        };
        let change = self.change()?;
        let mut text = self.header(
            "past the token's window, a changed request is a new one",
            "CT4",
        );
        self.setup(&mut text, &self.first_call(&self.params()));
        let _ = writeln!(
            text,
            "steps:\n  - advance: {}s\n  - repeat: first\n    with: {}\n    expect: {{ clause: CT4 }}",
            window + 1,
            inline(&change)
        );
        self.footer(&mut text);
        Ok(Some(text))
    }

    /// CT4: just inside the window, the token still binds: a changed request is still a
    /// mismatch (a window that is too short is caught here).
    fn inside_window(&self) -> Result<Option<String>, Error> {
        let (Some(window), Some(error)) =
            (self.window()?, TokenOperation::known(&self.token.mismatch))
        else {
            return Ok(None);
        };
        let change = self.change()?;
        let inside = if window > 120 {
            window - 60
        } else {
            window / 2
        };
        let mut text = self.header(
            "just inside the token's window, a changed request is still a mismatch",
            "CT4",
        );
        self.setup(&mut text, &self.first_call(&self.params()));
        let _ = writeln!(
            text,
            "steps:\n  - advance: {inside}s\n  - repeat: first\n    with: {}\n    expect: {{ error: {error}, clause: CT4 }}",
            inline(&change)
        );
        self.footer(&mut text);
        Ok(Some(text))
    }
}

/// A value as one line of YAML (JSON is YAML's flow style).
fn inline(value: &Value) -> String {
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
                let point = match *clause {
                    "CT2" => &token.retry,
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
