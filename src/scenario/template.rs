//! `${...}` templates in scenario strings: the run prefix, per-run tokens, variables and
//! captured values, with `upper`, `lower`, `uuid` and `len(N)` filters.
//!
//! A substituted value is never expanded again, and an expansion is capped in size, so a
//! template cannot explode.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::error::Error;
use serde_json::Value;

/// The largest string a single expansion may produce.
pub const MAX_EXPANSION_BYTES: usize = 64 * 1024;

/// A parsed template string.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Literal(String),
    Expr(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub reference: Reference,
    pub filters: Vec<Filter>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Reference {
    RunPrefix,
    RunId,
    /// A token unique to the run and scenario.
    Token(String),
    /// A variable or a captured value.
    Name(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Filter {
    Upper,
    Lower,
    /// Cut or extend (tokens: deterministically) to exactly N characters.
    Len(usize),
    /// A UUID's form: the first 32 characters (a token's hex digits) as 8-4-4-4-12.
    Uuid,
}

/// A syntax problem, with the byte offset in the string where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateError {
    pub offset: usize,
    pub message: String,
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        let mut offset = 0;
        while let Some(start) = rest.find('$') {
            literal.push_str(&rest[..start]);
            let after = &rest[start..];
            if let Some(stripped) = after.strip_prefix("$${") {
                literal.push_str("${");
                rest = stripped;
                offset += start + 3;
            } else if after.starts_with("${") {
                let end = after.find('}').ok_or_else(|| TemplateError {
                    offset: offset + start,
                    message: "`${` is never closed by `}`".into(),
                })?;
                if !literal.is_empty() {
                    parts.push(Part::Literal(std::mem::take(&mut literal)));
                }
                let expr = parse_expr(&after[2..end], offset + start)?;
                parts.push(Part::Expr(expr));
                rest = &after[end + 1..];
                offset += start + end + 1;
            } else {
                literal.push('$');
                rest = &after[1..];
                offset += start + 1;
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(Template { parts })
    }

    /// The expressions of the template.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        self.parts.iter().filter_map(|p| match p {
            Part::Expr(e) => Some(e),
            Part::Literal(_) => None,
        })
    }

    /// The fewest bytes the expansion can have, found without building it: `known` gives a
    /// variable's own fewest bytes (a capture, unknown before the run, counts 0). Saturates
    /// instead of overflowing, so a bomb of nested variables is measured, never built.
    pub fn min_len(&self, known: &dyn Fn(&str) -> usize) -> usize {
        self.parts.iter().fold(0usize, |total, part| {
            let len = match part {
                Part::Literal(text) => text.len(),
                Part::Expr(expr) => expr.min_len(known),
            };
            total.saturating_add(len)
        })
    }

    pub fn is_literal(&self) -> bool {
        self.exprs().next().is_none()
    }
}

impl Expr {
    fn min_len(&self, known: &dyn Fn(&str) -> usize) -> usize {
        // `len(N)` and `uuid` fix the length; `upper` and `lower` keep it.
        if let Some(n) = self.filters.iter().rev().find_map(|f| match f {
            Filter::Len(n) => Some(*n),
            Filter::Uuid => Some(36),
            _ => None,
        }) {
            return n;
        }
        match &self.reference {
            // `pc`, at least one character of run id, `-`, six hex digits.
            Reference::RunPrefix => 10,
            Reference::RunId => 1,
            Reference::Token(_) => 32,
            Reference::Name(name) => known(name),
        }
    }
}

/// The expression inside `${...}`; `at` is where the `${` starts, for its errors.
fn parse_expr(inner: &str, at: usize) -> Result<Expr, TemplateError> {
    let bad = |message: String| TemplateError {
        offset: at,
        message,
    };
    let mut pieces = inner.split('|').map(str::trim);
    let head = pieces.next().unwrap_or_default();
    let reference = match head.split_once('.') {
        Some(("run", "prefix")) => Reference::RunPrefix,
        Some(("run", "id")) => Reference::RunId,
        Some(("run", other)) => {
            return Err(bad(format!(
                "unknown `run.{other}`; expected `run.prefix` or `run.id`"
            )));
        }
        Some(("token", name)) if is_identifier(name) => Reference::Token(name.to_string()),
        Some(("token", name)) => {
            return Err(bad(format!("token name `{name}` is not an identifier")));
        }
        _ if is_identifier(head) => Reference::Name(head.to_string()),
        _ => {
            return Err(bad(format!(
                "`{head}` is not a reference; expected a variable, a capture, `run.prefix`, `run.id` or `token.NAME`"
            )));
        }
    };
    let filters = pieces
        .map(|p| parse_filter(p, at))
        .collect::<Result<_, _>>()?;
    Ok(Expr { reference, filters })
}

fn parse_filter(text: &str, at: usize) -> Result<Filter, TemplateError> {
    let bad = |message: String| TemplateError {
        offset: at,
        message,
    };
    match text {
        "upper" => Ok(Filter::Upper),
        "lower" => Ok(Filter::Lower),
        "uuid" => Ok(Filter::Uuid),
        _ => {
            let n = text
                .strip_prefix("len(")
                .and_then(|r| r.strip_suffix(')'))
                .and_then(|n| n.trim().parse::<usize>().ok())
                .ok_or_else(|| {
                    bad(format!(
                        "unknown filter `{text}`; expected `upper`, `lower`, `uuid` or `len(N)`"
                    ))
                })?;
            if n > 4096 {
                return Err(bad(format!("len({n}) is larger than 4096")));
            }
            Ok(Filter::Len(n))
        }
    }
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// The values templates expand to, for one scenario in one run.
#[derive(Debug, Clone)]
pub struct Bindings {
    pub run_id: String,
    pub run_prefix: String,
    /// Mixed into every token so that two runs or two scenarios never share one.
    pub token_seed: u64,
    pub values: HashMap<String, Value>,
}

impl Bindings {
    pub fn new(run_id: &str, scenario_key: &str) -> Self {
        let seed = hash_of(&(run_id, scenario_key));
        Self {
            run_id: run_id.to_string(),
            run_prefix: format!("pc{run_id}-{:06x}", seed & 0xff_ffff),
            token_seed: seed,
            values: HashMap::new(),
        }
    }

    /// The token for a name: 32 hex characters, unique per run, scenario and name.
    pub fn token(&self, name: &str, len: usize) -> String {
        let mut out = String::with_capacity(len.max(32));
        let mut round = 0u64;
        while out.len() < len.max(32) {
            out.push_str(&format!(
                "{:016x}",
                hash_of(&(self.token_seed, name, round))
            ));
            round += 1;
        }
        out
    }

    /// Expands a parsed template. A template that is exactly one reference to a captured
    /// non-string value keeps the value's JSON type.
    pub fn expand(&self, template: &Template) -> Result<Value, Error> {
        if let [Part::Expr(expr)] = template.parts.as_slice()
            && let (Reference::Name(name), []) = (&expr.reference, expr.filters.as_slice())
        {
            let value = self.lookup(name)?;
            if !value.is_string() {
                return Ok(value.clone());
            }
        }
        let mut out = String::new();
        for part in &template.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Expr(expr) => out.push_str(&self.expand_expr(expr)?),
            }
            if out.len() > MAX_EXPANSION_BYTES {
                return Err(Error::input(format!(
                    "expansion exceeds {MAX_EXPANSION_BYTES} bytes"
                )));
            }
        }
        Ok(Value::String(out))
    }

    /// Parses and expands a string.
    pub fn expand_str(&self, text: &str) -> Result<Value, Error> {
        let template = Template::parse(text).map_err(|e| Error::input(e.message))?;
        self.expand(&template)
    }

    /// Expands every string inside a JSON value (keys stay as written).
    pub fn expand_value(&self, value: &Value) -> Result<Value, Error> {
        match value {
            Value::String(s) => self.expand_str(s),
            Value::Array(items) => items
                .iter()
                .map(|i| self.expand_value(i))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| self.expand_value(v).map(|v| (k.clone(), v)))
                .collect::<Result<_, _>>()
                .map(Value::Object),
            other => Ok(other.clone()),
        }
    }

    fn lookup(&self, name: &str) -> Result<&Value, Error> {
        self.values.get(name).ok_or_else(|| {
            Error::input(format!(
                "`{name}` is not defined (no variable or earlier capture has this name)"
            ))
        })
    }

    fn expand_expr(&self, expr: &Expr) -> Result<String, Error> {
        let len = expr.filters.iter().rev().find_map(|f| match f {
            Filter::Len(n) => Some(*n),
            _ => None,
        });
        let mut text = match &expr.reference {
            Reference::RunPrefix => self.run_prefix.clone(),
            Reference::RunId => self.run_id.clone(),
            Reference::Token(name) => self.token(name, len.unwrap_or(32)),
            Reference::Name(name) => match self.lookup(name)? {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            },
        };
        for filter in &expr.filters {
            text = match filter {
                Filter::Upper => text.to_ascii_uppercase(),
                Filter::Lower => text.to_ascii_lowercase(),
                Filter::Len(n) => text.chars().cycle().take(*n).collect(),
                Filter::Uuid => {
                    let hex: String = text.chars().cycle().take(32).collect();
                    format!(
                        "{}-{}-{}-{}-{}",
                        &hex[..8],
                        &hex[8..12],
                        &hex[12..16],
                        &hex[16..20],
                        &hex[20..]
                    )
                }
            };
        }
        Ok(text)
    }
}

fn hash_of(value: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bindings() -> Bindings {
        let mut b = Bindings::new("abc123", "scenarios/x.yaml");
        b.values.insert("tpl".into(), json!("my-tpl"));
        b.values.insert("major".into(), json!(1));
        b
    }

    #[test]
    fn expands_references_and_filters() {
        let b = bindings();
        assert_eq!(b.expand_str("${tpl}-v").unwrap(), json!("my-tpl-v"));
        assert_eq!(b.expand_str("${major}").unwrap(), json!(1));
        assert_eq!(b.expand_str("v${major}").unwrap(), json!("v1"));
        assert_eq!(b.expand_str("$${literal}").unwrap(), json!("${literal}"));
        let token = b.expand_str("${token.a}").unwrap();
        assert_eq!(token.as_str().unwrap().len(), 32);
        assert_eq!(
            b.expand_str("${token.a | len(64)}")
                .unwrap()
                .as_str()
                .unwrap()
                .len(),
            64
        );
        assert_eq!(
            b.expand_str("${token.a | len(65)}")
                .unwrap()
                .as_str()
                .unwrap()
                .len(),
            65
        );
        let upper = b.expand_str("${token.a | upper}").unwrap();
        assert_eq!(
            upper.as_str().unwrap(),
            token.as_str().unwrap().to_ascii_uppercase()
        );
        assert!(
            b.expand_str("${run.prefix}")
                .unwrap()
                .as_str()
                .unwrap()
                .starts_with("pcabc123-")
        );
    }

    #[test]
    fn a_token_in_uuid_form_is_hex_in_8_4_4_4_12() {
        let b = Bindings::new("r1", "s1");
        let uuid = b.expand_str("${token.a | uuid}").unwrap();
        let uuid = uuid.as_str().unwrap();
        let re =
            regex::Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
        assert!(re.unwrap().is_match(uuid), "{uuid}");
        assert_eq!(uuid.replace('-', ""), b.token("a", 32));
    }

    #[test]
    fn tokens_differ_across_runs_scenarios_and_names() {
        let a = Bindings::new("r1", "s1").token("a", 32);
        assert_ne!(a, Bindings::new("r2", "s1").token("a", 32));
        assert_ne!(a, Bindings::new("r1", "s2").token("a", 32));
        assert_ne!(a, Bindings::new("r1", "s1").token("b", 32));
        assert_eq!(a, Bindings::new("r1", "s1").token("a", 32));
    }

    #[test]
    fn syntax_errors_say_what_was_expected() {
        assert!(
            Template::parse("${tpl")
                .unwrap_err()
                .message
                .contains("never closed")
        );
        assert!(
            Template::parse("${run.nope}")
                .unwrap_err()
                .message
                .contains("run.prefix")
        );
        assert!(
            Template::parse("${x | shout}")
                .unwrap_err()
                .message
                .contains("unknown filter")
        );
        assert!(
            bindings()
                .expand_str("${missing}")
                .unwrap_err()
                .message
                .contains("not defined")
        );
    }
}
