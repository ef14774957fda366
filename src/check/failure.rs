//! What a failed check reports.

use super::compare::Difference;

/// A violated clause, with what was expected and what came instead.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckFailure {
    /// The clause the failure violates (`CT2`, `G2`, ...).
    pub clause: String,
    /// One line: what went wrong.
    pub message: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    /// Member-by-member differences, by JSON path.
    pub differences: Vec<Difference>,
}

impl CheckFailure {
    pub fn new(clause: &str, message: impl Into<String>) -> Self {
        Self {
            clause: clause.to_string(),
            message: message.into(),
            expected: None,
            actual: None,
            differences: Vec::new(),
        }
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn actual(mut self, actual: impl Into<String>) -> Self {
        self.actual = Some(actual.into());
        self
    }

    pub fn differences(mut self, differences: Vec<Difference>) -> Self {
        self.differences = differences;
        self
    }
}
