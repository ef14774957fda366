//! Two redacted documents match when a consistent renaming of placeholders maps one onto the
//! other: `<arn:x:1>` in the stored snapshot may be `<arn:x:2>` now (a member was added before
//! it), as long as the renaming is the same everywhere and one-to-one.

use std::collections::HashMap;

use serde_json::Value;

use crate::check::{Difference, differences_with};
use crate::redact::placeholder_role;

#[derive(Default)]
struct Renaming {
    forward: HashMap<String, String>,
    backward: HashMap<String, String>,
}

impl Renaming {
    /// Whether `stored` may stand for `current`, recording the pairing.
    fn pair(&mut self, stored: &str, current: &str) -> bool {
        if placeholder_role(stored).is_none()
            || placeholder_role(stored) != placeholder_role(current)
        {
            return false;
        }
        match (self.forward.get(stored), self.backward.get(current)) {
            (None, None) => {
                self.forward.insert(stored.to_string(), current.to_string());
                self.backward
                    .insert(current.to_string(), stored.to_string());
                true
            }
            // The two maps are each other's inverse, so a pairing seen from one side is the one
            // seen from the other.
            (Some(c), _) => c == current,
            (None, Some(_)) => false,
        }
    }
}

/// The differences between a stored and a current document, by path; empty when they match.
pub fn matches_up_to_renaming(stored: &Value, current: &Value) -> Vec<Difference> {
    let mut renaming = Renaming::default();
    // Identical placeholders at the same path pair first: any valid renaming maps them to
    // themselves, and a change is then blamed where it happened, not where the walk met it.
    pair_identical(stored, current, &mut renaming);
    // Placeholders always go through the renaming, equal or not, so that it stays one-to-one.
    differences_with(stored, current, &|_| false, &mut |a, b| match (a, b) {
        (Value::String(x), Value::String(y)) if placeholder_role(x).is_some() => {
            renaming.pair(x, y)
        }
        _ => a == b,
    })
}

fn pair_identical(stored: &Value, current: &Value, renaming: &mut Renaming) {
    match (stored, current) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, x) in a {
                if let Some(y) = b.get(k) {
                    pair_identical(x, y, renaming);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter()
                .zip(b)
                .for_each(|(x, y)| pair_identical(x, y, renaming));
        }
        (Value::String(a), Value::String(b))
            if a == b
                && placeholder_role(a).is_some()
                && !renaming.forward.contains_key(a)
                && !renaming.backward.contains_key(b) =>
        {
            renaming.pair(a, b);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_consistent_renaming_matches_and_an_inconsistent_one_does_not() {
        let stored = json!({"a": "<arn:t:1>", "b": "<arn:t:2>", "c": "<arn:t:1>"});
        let renumbered = json!({"a": "<arn:t:2>", "b": "<arn:t:1>", "c": "<arn:t:2>"});
        assert!(matches_up_to_renaming(&stored, &renumbered).is_empty());
        // The retry no longer returns the first ARN: a real regression.
        let broken = json!({"a": "<arn:t:1>", "b": "<arn:t:2>", "c": "<arn:t:2>"});
        let d = matches_up_to_renaming(&stored, &broken);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "$.c");
        // Roles must agree, and plain values compare as they are.
        assert!(!matches_up_to_renaming(&json!("<arn:t:1>"), &json!("<id:1>")).is_empty());
        assert!(
            !matches_up_to_renaming(&json!({"s": "DRAFT"}), &json!({"s": "PUBLISHED"})).is_empty()
        );
        // A change is blamed where it happened.
        let stored = json!({"created": "<t:1>", "modified": "<t:1>"});
        let fresh = json!({"created": "<t:2>", "modified": "<t:1>"});
        let d = matches_up_to_renaming(&stored, &fresh);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "$.created");
        let added = matches_up_to_renaming(&json!({"x": 1}), &json!({"x": 1, "y": 2}));
        assert_eq!(added[0].path, "$.y");
    }

    #[test]
    fn identical_placeholders_in_lists_of_one_length_pair_first() {
        // `a` moved to the list's placeholder: the blame is on `a`, not on the list.
        let stored = json!({"a": "<t:1>", "l": ["<t:2>"]});
        let current = json!({"a": "<t:2>", "l": ["<t:2>"]});
        let d = matches_up_to_renaming(&stored, &current);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].path, "$.a");
        // Lists of other lengths pair nothing: the list differs as a whole, `a` renames.
        let stored = json!({"a": "<t:1>", "l": ["<t:2>", "<t:3>"]});
        let current = json!({"a": "<t:2>", "l": ["<t:2>"]});
        let d = matches_up_to_renaming(&stored, &current);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].path, "$.l");
    }
}
