//! Compiled validators for every operation's input, output and error shapes, compiled on first
//! use and cached in the model they belong to.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jsonschema::Validator;
use serde_json::Value;

use super::schema::{Direction, shape_schema};
use super::service::Model;
use crate::error::Error;

/// One way a JSON document breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaViolation {
    /// JSON pointer into the document (`/widget/arn`); empty for the root.
    pub path: String,
    pub message: String,
    /// The message without the offending value where it opens with it (`is longer than 32
    /// characters`): what a report can print and stay the same from run to run.
    pub rule: String,
}

impl SchemaViolation {
    /// The place and the rule broken, without the value: `/JobId is longer than 32 characters`.
    pub fn without_value(&self) -> String {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        if self.rule == self.message {
            format!("{path}: {}", self.message)
        } else {
            format!("{path} {}", self.rule)
        }
    }
}

impl std::fmt::Display for SchemaViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// A cache of compiled validators, keyed by shape and direction.
#[derive(Default)]
pub(super) struct Validators {
    compiled: Mutex<HashMap<(String, Direction), Arc<Validator>>>,
}

impl std::fmt::Debug for Validators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Validators({} compiled)", self.lock().len())
    }
}

/// How many violations a single check reports before it stops counting.
const MAX_VIOLATIONS: usize = 20;

impl Validators {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, Direction), Arc<Validator>>> {
        // A poisoned cache only means another thread panicked mid-insert; the map is still valid.
        self.compiled.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Model {
    /// The compiled validator for a shape, compiling it on first use.
    pub fn validator(&self, shape: &str, direction: Direction) -> Result<Arc<Validator>, Error> {
        let key = (shape.to_string(), direction);
        if let Some(v) = self.validators.lock().get(&key) {
            return Ok(v.clone());
        }
        let schema = shape_schema(self, shape, direction);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .map_err(|e| Error::internal(format!("schema for {shape} does not compile: {e}")))?;
        let validator = Arc::new(validator);
        self.validators.lock().insert(key, validator.clone());
        Ok(validator)
    }

    /// Validates `document` against `shape`; an empty list means it conforms.
    pub fn check(
        &self,
        shape: &str,
        direction: Direction,
        document: &Value,
    ) -> Result<Vec<SchemaViolation>, Error> {
        let validator = self.validator(shape, direction)?;
        Ok(validator
            .iter_errors(document)
            .take(MAX_VIOLATIONS)
            .map(|e| {
                let message = e.to_string();
                let rule = message
                    .strip_prefix(&e.instance().to_string())
                    .map_or_else(|| message.clone(), |rest| rest.trim_start().to_string());
                SchemaViolation {
                    path: e.instance_path().to_string(),
                    message,
                    rule,
                }
            })
            .collect())
    }

    /// Validates an operation's request body against its input shape.
    pub fn check_input(
        &self,
        operation: &str,
        body: &Value,
    ) -> Result<Vec<SchemaViolation>, Error> {
        let op = self
            .operation(operation)
            .ok_or_else(|| Error::input(format!("unknown operation {operation}")))?;
        match &op.input {
            Some(input) => self.check(&input.shape, Direction::Input, body),
            None => Ok(Vec::new()),
        }
    }

    /// Validates an operation's success body against its output shape.
    pub fn check_output(
        &self,
        operation: &str,
        body: &Value,
    ) -> Result<Vec<SchemaViolation>, Error> {
        let op = self
            .operation(operation)
            .ok_or_else(|| Error::input(format!("unknown operation {operation}")))?;
        match &op.output {
            Some(output) => self.check(&output.shape, Direction::Output, body),
            None => Ok(Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_operation_yields_compiling_schemas() {
        let m = Model::bundled("proton-2020-07-20").unwrap();
        let mut compiled = 0;
        for op in m.operations.values() {
            for (shape, dir) in [
                (&op.input, Direction::Input),
                (&op.output, Direction::Output),
            ] {
                if let Some(shape) = shape {
                    m.validator(&shape.shape, dir).unwrap();
                    compiled += 1;
                }
            }
            for error in &op.errors {
                m.validator(&error.shape, Direction::Output).unwrap();
            }
        }
        assert_eq!(m.operations.len(), 87);
        assert!(compiled >= 87 * 2 - 2, "compiled {compiled} schemas");
    }

    #[test]
    fn output_violations_name_the_path() {
        let v = Model::bundled("proton-2020-07-20").unwrap();
        let bad =
            json!({"environmentTemplate": {"arn": "x", "createdAt": "yesterday", "name": "t"}});
        let violations = v.check_output("GetEnvironmentTemplate", &bad).unwrap();
        let paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
        assert!(
            paths.contains(&"/environmentTemplate/createdAt"),
            "{violations:?}"
        );
        // lastModifiedAt is required and missing: reported at the object that lacks it.
        assert!(paths.contains(&"/environmentTemplate"), "{violations:?}");
    }

    #[test]
    fn input_rejects_unknown_members_and_long_tokens() {
        let v = Model::bundled("proton-2020-07-20").unwrap();
        let good =
            json!({"templateName": "t", "source": {"s3": {"bucket": "my-bundles", "key": "k"}}});
        assert!(
            v.check_input("CreateEnvironmentTemplateVersion", &good)
                .unwrap()
                .is_empty()
        );
        let mut bad = good.clone();
        bad["clientToken"] = json!("x".repeat(65));
        bad["colour"] = json!("blue");
        let violations = v
            .check_input("CreateEnvironmentTemplateVersion", &bad)
            .unwrap();
        assert_eq!(violations.len(), 2, "{violations:?}");
        let mut spaced = good;
        spaced["clientToken"] = json!("has space");
        assert_eq!(
            v.check_input("CreateEnvironmentTemplateVersion", &spaced)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn a_violation_is_told_without_the_value_that_broke_it() {
        let m = Model::bundled("proton-2020-07-20").unwrap();
        let token = "x".repeat(65);
        let found = m
            .check(
                "CreateEnvironmentTemplateVersionInput",
                Direction::Input,
                &json!({ "templateName": "t", "clientToken": token, "source": {"s3": {"bucket": "b", "key": "k"}} }),
            )
            .unwrap();
        let long = found.iter().find(|v| v.path == "/clientToken").unwrap();
        assert!(long.message.contains(&token), "{}", long.message);
        assert_eq!(
            long.without_value(),
            "/clientToken is longer than 64 characters"
        );
    }
}
