//! Waiter definitions from `waiters.json`: the polling operation, delay, attempts and the
//! JMESPath acceptors that decide success or failure.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Default, Deserialize)]
pub(super) struct WaitersFile {
    pub(super) waiters: BTreeMap<String, Waiter>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Waiter {
    pub operation: String,
    pub delay: u64,
    pub max_attempts: u32,
    pub acceptors: Vec<Acceptor>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Acceptor {
    pub matcher: Matcher,
    #[serde(default)]
    pub argument: Option<String>,
    pub expected: serde_json::Value,
    pub state: AcceptorState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Matcher {
    Path,
    PathAll,
    PathAny,
    Status,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AcceptorState {
    Success,
    Failure,
    Retry,
}
