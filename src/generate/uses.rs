//! The clauses of a token's use: CT2 (a retry, and nothing more), CT3 (a mismatch), CT4 (the
//! window, from both sides), CT6 (no token).

use std::fmt::Write as _;

use serde_json::Value;

use super::effect;
use super::scenarios::{Writer, inline};
use crate::duration::parse_duration;
use crate::error::Error;
use crate::service::TokenOperation;

impl Writer<'_> {
    /// CT2: the same request again, and nothing more: what the service's reads show after the
    /// first call, they show after the retry too.
    pub(super) fn retry(&self) -> Result<Option<String>, Error> {
        let Some(retry) = TokenOperation::known(&self.token.retry) else {
            return Ok(None);
        };
        // `same A B`: the retry names the same resource by these members (the rest of the answer
        // is not stated).
        let same: Vec<&str> = retry
            .strip_prefix("same ")
            .map_or(Vec::new(), |m| m.split_whitespace().collect());
        // Where only the effect is stated, a retry that names another resource than the first
        // call did made a second one: the answer's identifiers, as one list, are the same.
        let identifiers = effect::answer_identifiers(&self.service.model, &self.token.operation);
        let named = (retry == "effect" && !identifiers.is_empty())
            .then(|| format!("[{}]", identifiers.join(", ")));
        let expect = match retry {
            "original" => "same_as: first, ".to_string(),
            _ if !same.is_empty() => {
                let paths: Vec<String> = same
                    .iter()
                    .map(|m| format!("{m}: \"${{first_{}}}\"", m.to_lowercase()))
                    .collect();
                format!("paths: {{ {} }}, ", paths.join(", "))
            }
            "effect" => match &named {
                Some(ids) => format!(
                    "paths: {{ {}: \"${{first_ids}}\" }}, ",
                    inline(&Value::String(ids.clone()))
                ),
                // Only the effect is stated: the retry succeeds, and its reads show one call.
                None => String::new(),
            },
            error => format!("error: {error}, "),
        };
        let request = self.params();
        let mut captures: Vec<(String, String)> = same
            .iter()
            .map(|m| (format!("first_{}", m.to_lowercase()), m.to_string()))
            .collect();
        captures.extend(
            named
                .iter()
                .map(|ids| ("first_ids".to_string(), ids.clone())),
        );
        let mut first = self.first_call_capturing(&request, &captures);
        if let Some(ids) = &named {
            // An answer that names nothing it made cannot show that a retry made another.
            let none = vec![Value::Null; identifiers.len()];
            let _ = writeln!(
                first,
                "    expect: {{ differs: {{ {}: {} }} }}",
                inline(&Value::String(ids.clone())),
                inline(&Value::Array(none))
            );
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
        if probe.is_none()
            && ((retry == "effect" && named.is_none()) || (retry == "original" && empty_answer))
        {
            return Ok(None);
        }
        if let Some(probe) = &probe {
            let _ = writeln!(
                first,
                "  - id: seen_after_first\n    call: {}\n    params: {}\n    paginate: true",
                probe.operation,
                inline(&probe.params),
            );
            let ids = inline(&Value::String(probe.ids.clone()));
            if let Some(nothing) = nothing_seen(&probe.ids) {
                let _ = writeln!(
                    first,
                    "    # A read that does not show the first call's effect cannot show a second one.\n    expect: {{ differs: {{ {ids}: {nothing} }} }}"
                );
            }
            let _ = writeln!(first, "    capture: {{ effect_after_first: {ids} }}");
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
    pub(super) fn no_token_twice(&self) -> Result<Option<String>, Error> {
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
    pub(super) fn mismatch(&self) -> Result<Option<String>, Error> {
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
    pub(super) fn window(&self) -> Result<Option<u64>, Error> {
        let window = match TokenOperation::known(&self.token.window) {
            None | Some("none") => return Ok(None),
            Some(w) => parse_duration(w).map_err(|e| e.context(format_args!("window {w:?}")))?,
        };
        Ok(TokenOperation::known(&self.token.mismatch).map(|_| window))
    }

    /// CT4: past the window, the same token with other parameters is a new request (it is not
    /// refused as a mismatch).
    pub(super) fn expiry(&self) -> Result<Option<String>, Error> {
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
    pub(super) fn inside_window(&self) -> Result<Option<String>, Error> {
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

/// What a probe's path reads when the first call's effect does not show: no identifiers, or
/// a count of none (a pack's own path may be neither: then it is not known).
fn nothing_seen(ids: &str) -> Option<&'static str> {
    if ids.starts_with("sort(") {
        Some("[]")
    } else if ids.starts_with("length(") {
        Some("0")
    } else {
        None
    }
}
