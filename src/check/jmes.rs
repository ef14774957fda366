//! JMESPath over serde_json values (the waiters' syntax, used for captures and paths too).

use serde_json::Value;

use crate::error::Error;

/// Evaluates `path` against `document`; `Null` when nothing matches. A path that is not
/// JMESPath is the input's fault; one that cannot be evaluated, the harness's.
pub fn search(path: &str, document: &Value) -> Result<Value, Error> {
    let expression = jmespath::compile(path)
        .map_err(|e| Error::input(format!("invalid JMESPath `{path}`: {}", e.reason)))?;
    let cannot =
        |e: &dyn std::fmt::Display| Error::internal(format!("cannot evaluate `{path}`: {e}"));
    let data = jmespath::Variable::from_serializable(document).map_err(|e| cannot(&e))?;
    let result = expression.search(data).map_err(|e| cannot(&e.reason))?;
    serde_json::to_value(&*result).map_err(|e| cannot(&e))
}

#[cfg(test)]
mod tests {
    use super::search;
    use serde_json::json;

    #[test]
    fn finds_members_lengths_and_nothing() {
        let doc = json!({"a": {"b": [1, 2, 3]}});
        assert_eq!(search("a.b[1]", &doc).unwrap(), json!(2));
        assert_eq!(search("length(a.b)", &doc).unwrap(), json!(3));
        assert_eq!(search("a.missing", &doc).unwrap(), json!(null));
        assert!(search("a.[", &doc).is_err());
    }
}
