//! The file format as serde sees it: every key known (`deny_unknown_fields`), every value
//! spanned. Turned into the typed [`super::ast`] by [`super::parse`].

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::node::Node;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub contract: Vec<Spanned<String>>,
    #[serde(default)]
    pub operations: Vec<Spanned<String>>,
    #[serde(default)]
    pub tags: Vec<Spanned<String>>,
    #[serde(default)]
    pub requires: Vec<Spanned<String>>,
    #[serde(default)]
    pub vars: Option<Node>,
    #[serde(default)]
    pub timeout: Option<Spanned<String>>,
    #[serde(default)]
    pub setup: Vec<Spanned<RawStep>>,
    #[serde(default)]
    pub steps: Vec<Spanned<RawStep>>,
    #[serde(default)]
    pub teardown: Vec<Spanned<RawStep>>,
}

/// A step: exactly one action key (`call`, `repeat`, `advance`, `wait`, `poll`, `inject`),
/// checked after parsing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    #[serde(default)]
    pub call: Option<Spanned<String>>,
    #[serde(default)]
    pub repeat: Option<Spanned<String>>,
    #[serde(default)]
    pub advance: Option<Spanned<String>>,
    #[serde(default)]
    pub wait: Option<Spanned<String>>,
    #[serde(default)]
    pub poll: Option<Spanned<String>>,
    #[serde(default)]
    pub inject: Option<Spanned<RawInjection>>,
    #[serde(default)]
    pub when: Option<Spanned<RawWhen>>,
    #[serde(default)]
    pub parallel: Option<Spanned<u32>>,
    #[serde(default)]
    pub lose_response: Option<bool>,
    #[serde(default)]
    pub timeout_ms: Option<Spanned<u64>>,
    #[serde(default)]
    pub until: Option<Node>,
    #[serde(default)]
    pub until_error: Option<Spanned<String>>,
    #[serde(default)]
    pub abort_if: Option<Node>,
    #[serde(default)]
    pub interval: Option<Spanned<String>>,
    #[serde(default)]
    pub timeout: Option<Spanned<String>>,
    #[serde(default)]
    pub params: Option<Node>,
    #[serde(default)]
    pub with: Option<Node>,
    #[serde(default)]
    pub invalid_request: Option<bool>,
    #[serde(default)]
    pub expect: Option<Spanned<RawExpect>>,
    #[serde(default)]
    pub capture: Option<Node>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    #[serde(default)]
    pub clause: Option<Spanned<String>>,
    #[serde(default)]
    pub status: Option<Spanned<u16>>,
    #[serde(default)]
    pub error: Option<Spanned<String>>,
    #[serde(default)]
    pub message: Option<Spanned<String>>,
    #[serde(default)]
    pub mismatch: Option<Node>,
    #[serde(default)]
    pub paths: Option<Node>,
    #[serde(default)]
    pub differs: Option<Node>,
    #[serde(default)]
    pub same_as: Option<Spanned<String>>,
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    #[serde(default)]
    pub count: Option<Spanned<RawCount>>,
    #[serde(default)]
    pub empty: Option<bool>,
    #[serde(default)]
    pub deleted_metadata: Option<Spanned<String>>,
    #[serde(default)]
    pub new_resource: Option<Spanned<String>>,
    #[serde(default)]
    pub expired_token_retry: Option<Spanned<String>>,
    #[serde(default)]
    pub all_same: Option<bool>,
}

/// A one-shot fault for the endpoint to play (`/_conformance/faults`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInjection {
    pub operation: Spanned<String>,
    #[serde(default)]
    pub times: Option<u32>,
    #[serde(default)]
    pub after_apply: Option<bool>,
    /// `error` or `drop`.
    #[serde(default)]
    pub action: Option<Spanned<String>>,
    #[serde(default)]
    pub status: Option<u16>,
}

/// Runs the step only if an earlier answer has a value at a path.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWhen {
    pub step: Spanned<String>,
    pub path: Spanned<String>,
    pub equals: Node,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCount {
    pub path: Spanned<String>,
    pub equals: usize,
}
