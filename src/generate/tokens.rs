//! CT1, what a token is: past its length, outside its pattern, in another case, each refused
//! or told apart as the model and the documentation say.

use std::fmt::Write as _;

use serde_json::Value;

use super::scenarios::{Writer, inline};
use crate::error::Error;
use crate::service::TokenOperation;

impl Writer<'_> {
    /// CT1: where the documentation says tokens are case sensitive, a token that differs only
    /// in case is another token: the same request under it is a new one. What it made is
    /// captured under the pack's names with `_case` added and cleaned up as the first.
    pub(super) fn other_case(&self) -> Result<Option<String>, Error> {
        if !self.token.guessed.is_empty() {
            return Ok(None);
        }
        if !self.token.case_sensitive || TokenOperation::known(&self.token.retry).is_none() {
            return Ok(None);
        }
        let member = self
            .service
            .token_member(&self.token.operation)
            .unwrap_or_default();
        let mut text = self.header("a token that differs only in case is another token", "CT1");
        self.setup(&mut text, &self.first_call(&self.params()));
        let upper = serde_json::json!({ member: self.token_ref(" | upper") });
        let _ = writeln!(
            text,
            "steps:\n  - repeat: first\n    with: {}\n    expect: {{ new_resource: first, clause: CT1 }}",
            inline(&upper)
        );
        let names: Vec<String> = self
            .token
            .capture
            .as_ref()
            .and_then(Value::as_object)
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default();
        if let Some(capture) = self.token.capture.as_ref().and_then(Value::as_object) {
            let renamed: serde_json::Map<String, Value> = capture
                .iter()
                .map(|(k, v)| (format!("{k}_case"), v.clone()))
                .collect();
            let _ = writeln!(text, "    capture: {}", inline(&Value::Object(renamed)));
        }
        // The pack's teardown steps that clean up what the token's call made, once more for
        // what the second call made; then the pack's teardown.
        let again: Vec<String> = self
            .token
            .teardown
            .iter()
            .map(inline)
            .filter(|step| names.iter().any(|n| step.contains(&format!("${{{n}}}"))))
            .map(|step| {
                names.iter().fold(step, |step, n| {
                    step.replace(&format!("${{{n}}}"), &format!("${{{n}_case}}"))
                })
            })
            .collect();
        if !again.is_empty() || !self.token.teardown.is_empty() {
            text.push_str("teardown:\n");
            for step in again
                .iter()
                .chain(&self.token.teardown.iter().map(inline).collect::<Vec<_>>())
            {
                let _ = writeln!(text, "  - {step}");
            }
        }
        Ok(Some(text))
    }

    /// CT1: a token longer than the model (or its documentation) allows is refused. Generated
    /// where the request is known to work otherwise (the documentation decides its retry), so
    /// that only the token can make it fail.
    pub(super) fn too_long(&self) -> Result<Option<String>, Error> {
        if !self.token.guessed.is_empty() {
            return Ok(None);
        }
        if TokenOperation::known(&self.token.retry).is_none() {
            return Ok(None);
        }
        let model_max = self.token_shape().and_then(|s| s.max).map(|m| m as u64);
        let (max, whose) = match (model_max, self.token.token_max) {
            (Some(m), _) => (m, "the model's"),
            (None, Some(m)) => (m, "the documented"),
            (None, None) => return Ok(None),
        };
        // A token past 4,096 characters is a request of its own size, not a token's.
        if max >= 4096 {
            return Ok(None);
        }
        let long = format!("${{token.long | len({})}}", max + 1);
        let name = format!(
            "a token of {} characters, past {whose} {max}, is refused",
            max + 1
        );
        Ok(Some(self.refused_token(&name, &long, model_max.is_some())))
    }

    /// CT1: a token outside the pattern the model gives it is refused.
    pub(super) fn off_pattern(&self) -> Result<Option<String>, Error> {
        if !self.token.guessed.is_empty() {
            return Ok(None);
        }
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
    pub(super) fn refused_token(&self, name: &str, token: &str, breaks_model: bool) -> String {
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
    pub(super) fn token_shape(&self) -> Option<&crate::model::Shape> {
        let model = &self.service.model;
        let member = self.service.token_member(&self.token.operation)?;
        model
            .input_shape(&self.token.operation)
            .and_then(|s| s.members.get(member))
            .and_then(|m| model.shape(&m.shape))
    }
}
