//! Minimal valid values synthesized from a shape's constraints: the required members only,
//! each the smallest value its shape accepts (an enum's first value, a string of the minimum
//! length that matches the pattern, a number at the minimum, a list of the minimum size).
//! Deterministic: the same shape gives the same value. A string whose pattern none of the
//! candidates meets cannot be synthesized: it needs a fixture (`Err` names the member).

use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::model::{Model, Shape, ShapeKind, usable_pattern};

/// How deep structures nest before the synthesizer stops (a recursive shape).
const MAX_DEPTH: usize = 12;

/// Strings tried, in order, against a member's pattern and length bounds.
const CANDIDATES: &[&str] = &[
    "pc-conform",
    "pcconform",
    "pc_conform",
    "a",
    "A",
    "1",
    "0",
    "pc-conform-1",
    "us-east-1",
    "123456789012",
    "arn:aws:iam::123456789012:role/pc-conform",
    "pc-conform.example.com",
    "pc-conform@example.com",
    "/pc-conform",
    "{}",
];

/// Why a member cannot be synthesized, about the member's path: it needs a fixture.
fn needs_fixture(path: &str, why: String) -> Error {
    Error::input(why).at_member(path)
}

/// A minimal valid value of `shape`, or the path of the member that needs a fixture.
pub fn minimal(model: &Model, shape: &str) -> Result<Value, Error> {
    value(model, shape, "", 0)
}

fn value(model: &Model, shape: &str, path: &str, depth: usize) -> Result<Value, Error> {
    let def = model
        .shape(shape)
        .ok_or_else(|| needs_fixture(path, format!("shape {shape} is not in the model")))?;
    if depth > MAX_DEPTH {
        return Err(needs_fixture(path, "nests too deep to synthesize".into()));
    }
    Ok(match def.kind {
        ShapeKind::Structure if def.document => json!({}),
        ShapeKind::Structure if def.union => {
            let (name, member) = def
                .members
                .iter()
                .next()
                .ok_or_else(|| needs_fixture(path, "an empty union".into()))?;
            let child = value(model, &member.shape, &join(path, name), depth + 1)?;
            json!({ name: child })
        }
        ShapeKind::Structure => {
            let mut out = Map::new();
            for name in &def.required {
                let member = def.members.get(name).ok_or_else(|| {
                    needs_fixture(path, format!("required {name} is not a member"))
                })?;
                out.insert(
                    name.clone(),
                    value(model, &member.shape, &join(path, name), depth + 1)?,
                );
            }
            Value::Object(out)
        }
        ShapeKind::String => string(def, path, &model.metadata.endpoint_prefix)?,
        ShapeKind::Integer
        | ShapeKind::Long
        | ShapeKind::Short
        | ShapeKind::Byte
        | ShapeKind::BigInteger => json!(bounded(def, 1.0) as i64),
        ShapeKind::Float | ShapeKind::Double | ShapeKind::BigDecimal => json!(bounded(def, 1.0)),
        ShapeKind::Boolean => json!(false),
        ShapeKind::Timestamp => json!(1_767_225_600),
        // "pc", base64-encoded, repeated to the minimum length.
        ShapeKind::Blob => json!("cGM=".repeat(def.min.map_or(1, |m| (m as usize).div_ceil(2)))),
        ShapeKind::List => {
            let count = def.min.unwrap_or(0.0) as usize;
            let member = def
                .member
                .as_ref()
                .ok_or_else(|| needs_fixture(path, "a list without a member".into()))?;
            let item = if count > 0 {
                Some(value(
                    model,
                    &member.shape,
                    &format!("{path}[]"),
                    depth + 1,
                )?)
            } else {
                None
            };
            Value::Array(item.into_iter().cycle().take(count).collect())
        }
        // A map that must hold entries holds one: a key and a value of their shapes.
        ShapeKind::Map if def.min.is_some_and(|m| m >= 1.0) => {
            let (Some(key), Some(item)) = (def.key.as_ref(), def.value.as_ref()) else {
                return Err(needs_fixture(
                    path,
                    "a map without a key or value shape".into(),
                ));
            };
            let key = value(model, &key.shape, &format!("{path}{{}}"), depth + 1)?;
            let key = key.as_str().unwrap_or("pc-conform").to_string();
            let item = value(model, &item.shape, &format!("{path}.{key}"), depth + 1)?;
            json!({ key: item })
        }
        ShapeKind::Map => json!({}),
    })
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn bounded(def: &Shape, preferred: f64) -> f64 {
    let low = def.min.unwrap_or(f64::MIN);
    let high = def.max.unwrap_or(f64::MAX);
    preferred.clamp(low, high)
}

/// Whether a string shape's constraints accept `value`: its length bounds and its pattern (as
/// the model's schemas read it).
pub fn accepts(def: &Shape, value: &str) -> bool {
    let len = value.chars().count();
    let pattern = def
        .pattern
        .as_deref()
        .and_then(usable_pattern)
        .and_then(|p| regex::Regex::new(&p).ok());
    def.enum_values.is_none()
        && def.min.is_none_or(|m| len as f64 >= m)
        && def.max.is_none_or(|m| len as f64 <= m)
        && pattern.is_none_or(|p| p.is_match(value))
}

/// The first candidate that meets the enum, the length bounds and the pattern.
fn string(def: &Shape, path: &str, service: &str) -> Result<Value, Error> {
    if let Some(first) = def.enum_values.as_ref().and_then(|v| v.first()) {
        return Ok(json!(first));
    }
    let min = def.min.unwrap_or(0.0) as usize;
    let max = def.max.map_or(usize::MAX, |m| m as usize);
    // A pattern the regex engine cannot read (look-arounds) is not checked by the schemas
    // either; the candidates below are plain enough to meet such patterns in practice.
    let pattern = def
        .pattern
        .as_deref()
        .and_then(usable_pattern)
        .and_then(|p| regex::Regex::new(&p).ok());
    let fits = |s: &str| {
        let len = s.chars().count();
        len >= min && len <= max && pattern.as_ref().is_none_or(|p| p.is_match(s))
    };
    let padded = |s: &str| -> String {
        let mut out = s.to_string();
        while out.chars().count() < min {
            out.push('a');
        }
        out
    };
    // ARNs of the service's own form come after the plain candidates.
    let arns = [
        format!("arn:aws:{service}:us-east-1:123456789012:pc-conform"),
        format!("arn:aws:{service}:us-east-1:123456789012:pc-conform/pc-conform"),
    ];
    let sampled = pattern.as_ref().and_then(|p| sample(p.as_str(), 0));
    CANDIDATES
        .iter()
        .map(|c| c.to_string())
        .chain(arns)
        .chain(sampled)
        .map(|c| padded(&c))
        .find(|c| fits(c))
        .map(Value::String)
        .ok_or_else(|| {
            needs_fixture(
                path,
                "no synthesized string meets its pattern; give a fixture".into(),
            )
        })
}

/// A shortest string the pattern matches, its digit runs spelling `serial` (so that two
/// resources differ): literals as written, a class's first character (a digit of `serial` for
/// a class of digits), each repetition its minimum, an alternation's first branch.
pub fn sample(pattern: &str, serial: u64) -> Option<String> {
    use regex_syntax::hir::{Class, HirKind};
    /// The characters, each marked when a digit may stand there.
    fn walk(hir: &regex_syntax::hir::Hir, out: &mut Vec<(char, bool)>) -> Option<()> {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(l) => {
                out.extend(std::str::from_utf8(&l.0).ok()?.chars().map(|c| (c, false)));
            }
            HirKind::Class(Class::Unicode(c)) => {
                let digits = c
                    .ranges()
                    .iter()
                    .any(|r| r.start() <= '0' && '9' <= r.end());
                out.push((c.ranges().first()?.start(), digits));
            }
            HirKind::Class(Class::Bytes(c)) => {
                out.push((char::from(c.ranges().first()?.start()), false))
            }
            HirKind::Repetition(r) => {
                for _ in 0..r.min {
                    walk(&r.sub, out)?;
                }
            }
            HirKind::Capture(c) => walk(&c.sub, out)?,
            HirKind::Concat(parts) => {
                for part in parts {
                    walk(part, out)?;
                }
            }
            HirKind::Alternation(branches) => walk(branches.first()?, out)?,
        }
        Some(())
    }
    let hir = regex_syntax::parse(pattern).ok()?;
    let mut chars = Vec::new();
    walk(&hir, &mut chars)?;
    // The serial's digits take the last places a digit may stand, the others a 0.
    let mut digits: Vec<char> = serial.to_string().chars().collect();
    for (c, digit) in chars.iter_mut().rev() {
        if *digit {
            *c = digits.pop().unwrap_or('0');
        }
    }
    let out: String = chars.into_iter().map(|(c, _)| c).collect();
    let check = regex::Regex::new(pattern).ok()?;
    check.is_match(&out).then_some(out)
}

/// An answer of `shape` for the reference endpoint: every member down to three levels (a list
/// with one item), then the required ones; strings carry `serial` where the pattern allows, so
/// that two resources' answers differ.
pub fn output(model: &Model, shape: &str, serial: u64) -> Value {
    full(model, shape, serial, 0).unwrap_or_else(|| json!({}))
}

fn full(model: &Model, shape: &str, serial: u64, depth: usize) -> Option<Value> {
    let def = model.shape(shape)?;
    if depth > 3 {
        return value(model, shape, "", depth).ok();
    }
    match def.kind {
        ShapeKind::Structure if !def.document && !def.union => {
            let mut out = Map::new();
            for (name, member) in &def.members {
                if member.location.is_some() {
                    continue;
                }
                if let Some(v) = full(model, &member.shape, serial, depth + 1) {
                    out.insert(name.clone(), v);
                } else if def.required.contains(name) {
                    return None;
                }
            }
            Some(Value::Object(out))
        }
        ShapeKind::List => {
            let member = def.member.as_ref()?;
            let count = (def.min.unwrap_or(0.0) as usize).max(1);
            let max = def.max.map_or(usize::MAX, |m| m as usize);
            let item = full(model, &member.shape, serial, depth + 1)?;
            Some(Value::Array(vec![item; count.min(max)]))
        }
        ShapeKind::String if def.enum_values.is_none() => {
            unique(def, serial, &model.metadata.endpoint_prefix)
        }
        _ => value(model, shape, "", depth).ok(),
    }
}

/// A string that names resource `serial`, where the shape's constraints allow one.
fn unique(def: &Shape, serial: u64, service: &str) -> Option<Value> {
    let base = string(def, "", service).ok()?;
    let base = base.as_str()?;
    let pattern = def
        .pattern
        .as_deref()
        .and_then(usable_pattern)
        .and_then(|p| regex::Regex::new(&p).ok());
    let max = def.max.map_or(usize::MAX, |m| m as usize);
    let min = def.min.map_or(0, |m| m as usize);
    let fits = |s: &str| {
        let len = s.chars().count();
        len <= max && len >= min && pattern.as_ref().is_none_or(|p| p.is_match(s))
    };
    let sampled = pattern.as_ref().and_then(|p| sample(p.as_str(), serial));
    // The base with its end spelling the serial, for a shape whose length is fixed.
    let digits = serial.to_string();
    let ending = base
        .char_indices()
        .rev()
        .nth(digits.len().saturating_sub(1))
        .map(|(i, _)| format!("{}{digits}", &base[..i]));
    [format!("{base}-{serial}"), format!("{base}{serial}")]
        .into_iter()
        .chain(sampled)
        .chain(ending)
        .find(|s| fits(s))
        .or_else(|| Some(base.to_string()))
        .map(Value::String)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_matches_its_pattern_and_spells_the_serial() {
        let id = sample(
            "^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:file-system/fs-[0-9a-f]{8,40}|fs-[0-9a-f]{8,40})$",
            42,
        );
        assert_eq!(
            id.as_deref(),
            Some("arn:aws:elasticfilesystem:0:file-system/fs-00000042")
        );
        assert_eq!(sample("^[a-z]+$", 7).as_deref(), Some("a"));
        assert_ne!(sample("^fs-[0-9]{3}$", 1), sample("^fs-[0-9]{3}$", 2));
    }

    #[test]
    fn required_members_only_each_at_its_smallest_valid_value() {
        let model = Model::bundled("proton-2020-07-20").unwrap();
        for op in [
            "CreateEnvironmentTemplate",
            "CreateEnvironmentTemplateVersion",
        ] {
            let shape = &model.operation(op).unwrap().input.as_ref().unwrap().shape;
            let value = minimal(&model, shape).unwrap();
            let violations = model.check_input(op, &value).unwrap();
            assert!(violations.is_empty(), "{op}: {value} {violations:?}");
            assert_eq!(value, minimal(&model, shape).unwrap(), "deterministic");
        }
        let input = minimal(&model, "CreateEnvironmentTemplateInput").unwrap();
        assert_eq!(input, json!({"name": "pc-conform"}));
    }

    #[test]
    fn every_token_operation_of_the_bundled_models_synthesizes_or_names_its_fixture() {
        for files in crate::model::BUNDLED_MODELS {
            let model = Model::bundled(files.uid).unwrap();
            for (name, op) in &model.operations {
                if model.idempotency_token_member(name).is_none() {
                    continue;
                }
                let shape = &op.input.as_ref().unwrap().shape;
                match minimal(&model, shape) {
                    Ok(value) => {
                        let violations = model.check_input(name, &value).unwrap();
                        assert!(
                            violations.is_empty(),
                            "{} {name}: {violations:?}",
                            files.uid
                        );
                    }
                    Err(path) => {
                        let why = path.to_string();
                        assert!(why.contains("fixture") || why.contains("deep"), "{why}")
                    }
                }
            }
        }
    }
}
