//! insta's `.snap` format: a YAML header between `---` lines, then the body.

use serde_json::Value;

use crate::error::Error;

/// One snapshot file.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapFile {
    /// The scenario file the snapshot comes from.
    pub source: String,
    /// The step it records.
    pub expression: String,
    pub body: Value,
}

pub fn render_snap(snap: &SnapFile) -> String {
    let body = serde_json::to_string_pretty(&snap.body).unwrap_or_default();
    format!(
        "---\nsource: {}\nexpression: {}\n---\n{body}\n",
        yaml_scalar(&snap.source),
        yaml_scalar(&snap.expression)
    )
}

fn yaml_scalar(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// A snapshot file's text; a file that is not one is an input error (someone edited it).
pub fn parse_snap(text: &str) -> Result<SnapFile, Error> {
    let rest = text
        .strip_prefix("---\n")
        .ok_or_else(|| Error::input("a snapshot starts with `---`"))?;
    let (header, body) = rest
        .split_once("\n---\n")
        .ok_or_else(|| Error::input("a snapshot header ends with `---`"))?;
    let field = |name: &str| {
        header
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .map(|v| serde_json::from_str::<String>(v).unwrap_or_else(|_| v.to_string()))
            .unwrap_or_default()
    };
    let body = serde_json::from_str(body.trim())
        .map_err(|e| Error::input(format!("the snapshot body is not JSON: {e}")))?;
    Ok(SnapFile {
        source: field("source"),
        expression: field("expression"),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips() {
        let snap = SnapFile {
            source: "scenarios/a b.yaml".into(),
            expression: "retry".into(),
            body: json!({"response": {"status": 200}}),
        };
        let text = render_snap(&snap);
        assert!(
            text.starts_with("---\nsource: \"scenarios/a b.yaml\"\nexpression: retry\n---\n{"),
            "{text}"
        );
        assert_eq!(parse_snap(&text).unwrap(), snap);
        assert!(parse_snap("nope").is_err());
    }
}
