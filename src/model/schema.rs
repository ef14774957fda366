//! JSON Schema (2020-12) derivation from model shapes.
//!
//! Inputs are closed (an unknown member is a mistake in a scenario); outputs are open, so an
//! endpoint that answers with members newer than our model stays conformant.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::service::{Model, Shape, ShapeKind};

/// Which side of the wire a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// A request body: unknown members are rejected.
    Input,
    /// A response body (success or error): unknown members are allowed.
    Output,
}

/// A self-contained schema document for `root` and every shape it reaches, under `$defs`.
pub fn shape_schema(model: &Model, root: &str, direction: Direction) -> Value {
    let mut defs = Map::new();
    let mut pending = vec![root.to_string()];
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(shape) = model.shape(&name) else {
            // A dangling reference would be a model defect; accept anything rather than panic.
            defs.insert(name, json!({}));
            continue;
        };
        pending.extend(referenced_shapes(shape));
        defs.insert(name, shape_definition(shape, direction));
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": reference(root),
        "$defs": defs,
    })
}

fn reference(shape: &str) -> String {
    format!("#/$defs/{shape}")
}

fn referenced_shapes(shape: &Shape) -> Vec<String> {
    let mut out: Vec<String> = shape.members.values().map(|m| m.shape.clone()).collect();
    for r in [&shape.member, &shape.key, &shape.value]
        .into_iter()
        .flatten()
    {
        out.push(r.shape.clone());
    }
    out
}

fn shape_definition(shape: &Shape, direction: Direction) -> Value {
    let mut def = Map::new();
    match shape.kind {
        ShapeKind::String => {
            def.insert("type".into(), "string".into());
            bound(&mut def, "minLength", shape.min);
            bound(&mut def, "maxLength", shape.max);
            // A pattern the regex engine cannot read (some models write Java's UTF-16
            // escapes) is left unchecked rather than failing the whole schema.
            if let Some(pattern) = shape.pattern.as_deref().and_then(usable_pattern) {
                def.insert("pattern".into(), pattern.into());
            }
            if let Some(values) = &shape.enum_values {
                def.insert("enum".into(), json!(values));
            }
        }
        ShapeKind::Integer
        | ShapeKind::Long
        | ShapeKind::Byte
        | ShapeKind::Short
        | ShapeKind::BigInteger => {
            def.insert("type".into(), "integer".into());
            number_bounds(&mut def, shape, direction);
        }
        ShapeKind::Double | ShapeKind::Float | ShapeKind::BigDecimal => {
            def.insert("type".into(), "number".into());
            number_bounds(&mut def, shape, direction);
        }
        ShapeKind::Boolean => {
            def.insert("type".into(), "boolean".into());
        }
        // awsJson1_0 sends timestamps as epoch seconds, possibly fractional.
        ShapeKind::Timestamp => {
            def.insert("type".into(), "number".into());
        }
        // Blobs travel base64-encoded.
        ShapeKind::Blob => {
            def.insert("type".into(), "string".into());
        }
        ShapeKind::List => {
            def.insert("type".into(), "array".into());
            if let Some(member) = &shape.member {
                def.insert("items".into(), json!({ "$ref": reference(&member.shape) }));
            }
            bound(&mut def, "minItems", shape.min);
            bound(&mut def, "maxItems", shape.max);
        }
        ShapeKind::Map => {
            def.insert("type".into(), "object".into());
            if let Some(key) = &shape.key {
                def.insert(
                    "propertyNames".into(),
                    json!({ "$ref": reference(&key.shape) }),
                );
            }
            if let Some(value) = &shape.value {
                def.insert(
                    "additionalProperties".into(),
                    json!({ "$ref": reference(&value.shape) }),
                );
            }
            bound(&mut def, "minProperties", shape.min);
            bound(&mut def, "maxProperties", shape.max);
        }
        ShapeKind::Structure => {
            def.insert("type".into(), "object".into());
            let properties: Map<String, Value> = shape
                .members
                .iter()
                .map(|(name, m)| (name.clone(), json!({ "$ref": reference(&m.shape) })))
                .collect();
            def.insert("properties".into(), properties.into());
            if !shape.required.is_empty() {
                def.insert("required".into(), json!(shape.required));
            }
            if direction == Direction::Input {
                def.insert("additionalProperties".into(), false.into());
                if shape.union {
                    // A union carries exactly one of its members.
                    def.insert("minProperties".into(), 1.into());
                    def.insert("maxProperties".into(), 1.into());
                }
            }
        }
    }
    def.into()
}

fn bound(def: &mut Map<String, Value>, keyword: &str, value: Option<f64>) {
    if let Some(v) = value {
        // Model bounds are whole numbers; keep them integral so schemas read naturally.
        def.insert(keyword.into(), json!(v as i64));
    }
}

/// A number's range binds requests only: services answer outside their models' ranges (a
/// DynamoDB table's `NumberOfDecreasesToday` is 0 where the model says at least 1) and no SDK
/// checks an answer's range, so an answer is never judged on one.
fn number_bounds(def: &mut Map<String, Value>, shape: &Shape, direction: Direction) {
    if direction == Direction::Input {
        bound(def, "minimum", shape.min);
        bound(def, "maximum", shape.max);
    }
}

/// A model's pattern as a regex the engines here read: Java's UTF-16 surrogate pair range
/// (`\uD800\uDC00-\uDBFF\uDFFF`, every supplementary character) written as code points; `None`
/// when it still does not compile.
/// Remembered per process: compiling a pattern to see that it compiles is the costly part of
/// building a schema (Unicode classes with bounded repetition), and every schema that reaches a
/// shape asks again.
pub fn usable_pattern(pattern: &str) -> Option<String> {
    static SEEN: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<String, Option<String>>>,
    > = std::sync::OnceLock::new();
    let seen = SEEN.get_or_init(Default::default);
    if let Some(known) = seen.lock().unwrap_or_else(|e| e.into_inner()).get(pattern) {
        return known.clone();
    }
    let usable = pattern.replace(r"\uD800\uDC00-\uDBFF\uDFFF", r"\x{10000}-\x{10FFFF}");
    let usable = regex::Regex::new(&usable).ok().map(|_| usable);
    seen.lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(pattern.to_string(), usable.clone());
    usable
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def<'a>(schema: &'a Value, shape: &str) -> &'a Value {
        &schema["$defs"][shape]
    }

    #[test]
    fn strings_carry_length_pattern_and_enum() {
        let m = &Model::bundled("proton-2020-07-20").unwrap();
        let s = shape_schema(m, "CreateEnvironmentTemplateVersionInput", Direction::Input);
        assert_eq!(
            def(&s, "ClientToken"),
            &json!({"type": "string", "minLength": 0, "maxLength": 64, "pattern": "^[!-~]*$"})
        );
        let out = shape_schema(m, "GetEnvironmentTemplateVersionOutput", Direction::Output);
        let status = def(&out, "TemplateVersionStatus");
        assert_eq!(status["type"], "string");
        assert!(status["enum"].as_array().unwrap().contains(&json!("DRAFT")));
    }

    #[test]
    fn inputs_are_closed_and_outputs_open() {
        let m = &Model::bundled("proton-2020-07-20").unwrap();
        let input = shape_schema(m, "CreateEnvironmentTemplateInput", Direction::Input);
        let root = def(&input, "CreateEnvironmentTemplateInput");
        assert_eq!(root["additionalProperties"], false);
        assert_eq!(root["required"], json!(["name"]));
        let output = shape_schema(m, "EnvironmentTemplate", Direction::Output);
        let root = def(&output, "EnvironmentTemplate");
        assert!(root.get("additionalProperties").is_none());
        assert_eq!(
            root["required"],
            json!(["arn", "createdAt", "lastModifiedAt", "name"])
        );
        assert_eq!(def(&output, "Timestamp"), &json!({"type": "number"}));
    }

    #[test]
    fn unions_take_exactly_one_member_and_lists_keep_bounds() {
        let m = &Model::bundled("proton-2020-07-20").unwrap();
        let s = shape_schema(m, "CreateEnvironmentTemplateVersionInput", Direction::Input);
        let source = def(&s, "TemplateVersionSourceInput");
        assert_eq!(source["minProperties"], 1);
        assert_eq!(source["maxProperties"], 1);
        let tags = def(&s, "TagList");
        assert_eq!(tags["type"], "array");
        assert_eq!(tags["items"], json!({"$ref": "#/$defs/Tag"}));
        assert_eq!(tags["maxItems"], 50);
    }
}
