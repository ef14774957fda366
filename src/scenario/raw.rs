//! The file format as serde sees it: every key known (`deny_unknown_fields`), every value
//! spanned. Turned into the typed [`super::ast`] by [`super::parse`].

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::node::Node;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub contract: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub operations: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub tags: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub requires: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub vars: Option<Node>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub timeout: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawStep>")]
    pub setup: Vec<Spanned<RawStep>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawStep>")]
    pub steps: Vec<Spanned<RawStep>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawStep>")]
    pub teardown: Vec<Spanned<RawStep>>,
}

/// A step: exactly one action key (`call`, `repeat`, `advance`, `wait`, `poll`, `inject`),
/// checked after parsing.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub call: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub repeat: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub advance: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub wait: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub poll: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub snapshot: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<RawInjection>")]
    pub inject: Option<Spanned<RawInjection>>,
    /// An operation for the client under test (a driver of `sdk-check`) to call.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub client: Option<Spanned<String>>,
    /// With `client`: how many separate calls the client makes.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub calls: Option<Spanned<u32>>,
    /// With `client`: what the requests the client sent must show.
    #[serde(default)]
    #[schemars(with = "Option<RawExpectRequests>")]
    pub expect_requests: Option<Spanned<RawExpectRequests>>,
    #[serde(default)]
    #[schemars(with = "Option<RawWhen>")]
    pub when: Option<Spanned<RawWhen>>,
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub parallel: Option<Spanned<u32>>,
    #[serde(default)]
    pub lose_response: Option<bool>,
    /// With `call` or `repeat` of a listing: read every page, as the model's paginator says.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub paginate: Option<Spanned<bool>>,
    #[serde(default)]
    #[schemars(with = "Option<u64>")]
    pub timeout_ms: Option<Spanned<u64>>,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub until: Option<Node>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub until_error: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub abort_if: Option<Node>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub interval: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub timeout: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub params: Option<Node>,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub with: Option<Node>,
    #[serde(default)]
    pub invalid_request: Option<bool>,
    #[serde(default)]
    #[schemars(with = "Option<RawExpect>")]
    pub expect: Option<Spanned<RawExpect>>,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub capture: Option<Node>,
}

/// Assertions on the requests a client sent for one `client` step, call by call.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpectRequests {
    /// Attempts per call: this many, or the driver's maximum attempts if that is fewer.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub attempts: Option<Spanned<u32>>,
    /// `generated`: the client filled in a well-formed token, the same on every attempt of a
    /// call and a new one for each call.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub token: Option<Spanned<String>>,
    /// Every attempt of a call sent the same parameters.
    #[serde(default)]
    pub same_parameters: Option<bool>,
    /// What each call ended with, as the driver reports it: `success` or an error type.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub outcome: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub clause: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<u16>")]
    pub status: Option<Spanned<u16>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub error: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub message: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub mismatch: Option<Node>,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub paths: Option<Node>,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub differs: Option<Node>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub same_as: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub ignore: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<RawCount>")]
    pub count: Option<Spanned<RawCount>>,
    #[serde(default)]
    pub empty: Option<bool>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub deleted_metadata: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub new_resource: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub expired_token_retry: Option<Spanned<String>>,
    #[serde(default)]
    pub all_same: Option<bool>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub async_delete_retry: Option<Spanned<String>>,
}

/// A one-shot fault for the endpoint to play (`/_conformance/faults`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInjection {
    #[schemars(with = "String")]
    pub operation: Spanned<String>,
    #[serde(default)]
    pub times: Option<u32>,
    #[serde(default)]
    pub after_apply: Option<bool>,
    /// `error` or `drop`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub action: Option<Spanned<String>>,
    #[serde(default)]
    pub status: Option<u16>,
}

/// Runs the step only if an earlier answer has a value at a path.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWhen {
    #[schemars(with = "String")]
    pub step: Spanned<String>,
    #[schemars(with = "String")]
    pub path: Spanned<String>,
    #[schemars(with = "serde_json::Value")]
    pub equals: Node,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCount {
    #[schemars(with = "String")]
    pub path: Spanned<String>,
    pub equals: usize,
}
