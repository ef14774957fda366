//! Member-by-member comparison of two JSON documents, as a list of differences by path.

use serde_json::Value;

/// One member that differs: its path, and the value on each side (`None`: absent).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Difference {
    pub path: String,
    pub expected: Option<Value>,
    pub actual: Option<Value>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<Value>| v.as_ref().map_or("(absent)".to_string(), Value::to_string);
        write!(
            f,
            "{}: expected {}, got {}",
            self.path,
            show(&self.expected),
            show(&self.actual)
        )
    }
}

/// The differences between `expected` and `actual`, skipping object members whose name
/// `skip` accepts (at any depth). Numbers compare by value (`1` equals `1.0`).
pub fn differences(
    expected: &Value,
    actual: &Value,
    skip: &dyn Fn(&str) -> bool,
) -> Vec<Difference> {
    differences_with(expected, actual, skip, &mut |a, b| values_equal(a, b))
}

/// The one structural walk: objects member by member (sorted, `skip`ped names left out),
/// arrays of equal length item by item, and everything else through `same`.
pub fn differences_with(
    expected: &Value,
    actual: &Value,
    skip: &dyn Fn(&str) -> bool,
    same: &mut dyn FnMut(&Value, &Value) -> bool,
) -> Vec<Difference> {
    let mut out = Vec::new();
    walk("$", expected, actual, skip, same, &mut out);
    out
}

fn walk(
    path: &str,
    expected: &Value,
    actual: &Value,
    skip: &dyn Fn(&str) -> bool,
    same: &mut dyn FnMut(&Value, &Value) -> bool,
    out: &mut Vec<Difference>,
) {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a
                .keys()
                .chain(b.keys().filter(|k| !a.contains_key(*k)))
                .collect();
            keys.sort();
            for key in keys.into_iter().filter(|k| !skip(k)) {
                let child = format!("{path}.{key}");
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => walk(&child, x, y, skip, same, out),
                    (x, y) => out.push(Difference {
                        path: child,
                        expected: x.cloned(),
                        actual: y.cloned(),
                    }),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                walk(&format!("{path}[{i}]"), x, y, skip, same, out);
            }
        }
        (a, b) if same(a, b) => {}
        (a, b) => out.push(Difference {
            path: path.to_string(),
            expected: Some(a.clone()),
            actual: Some(b.clone()),
        }),
    }
}

/// JSON equality where numbers compare as numbers.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_differences_by_path_and_skips_moving_members() {
        let a = json!({"t": {"arn": "a", "status": "X", "createdAt": 1, "tags": [1, 2]}});
        let b = json!({"t": {"arn": "b", "status": "Y", "createdAt": 1.0, "extra": true, "tags": [1, 3]}});
        let d = differences(&a, &b, &|k| k == "status");
        let paths: Vec<&str> = d.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["$.t.arn", "$.t.extra", "$.t.tags[1]"]);
        assert_eq!(d[1].to_string(), "$.t.extra: expected (absent), got true");
    }

    #[test]
    fn values_equal_compares_numbers_by_value_inside_lists_and_objects() {
        assert!(values_equal(
            &json!([1, {"a": 2}]),
            &json!([1.0, {"a": 2.0}])
        ));
        assert!(!values_equal(&json!([1, 2]), &json!([1, 3])));
        assert!(!values_equal(&json!([1, 2]), &json!([1, 2, 3])));
        assert!(!values_equal(&json!([1, 2, 3]), &json!([1, 2])));
        assert!(values_equal(
            &json!({"a": 1, "b": [2]}),
            &json!({"b": [2.0], "a": 1.0})
        ));
        assert!(!values_equal(&json!({"a": 1}), &json!({"a": 2})));
        assert!(!values_equal(&json!({"a": 1}), &json!({"b": 1})));
        assert!(!values_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!values_equal(&json!({"a": 1, "b": 2}), &json!({"a": 1})));
        assert!(!values_equal(&json!("1"), &json!(1)));
    }

    #[test]
    fn lists_of_other_lengths_differ_as_a_whole() {
        let d = differences(&json!({"l": [1, 2]}), &json!({"l": [1]}), &|_| false);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "$.l");
    }
}
