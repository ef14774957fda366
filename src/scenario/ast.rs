//! A parsed, checked scenario.

use std::sync::Arc;
use std::time::Duration;

use crate::diagnostic::Pos;

use super::node::Node;

#[derive(Debug, Clone)]
pub struct Scenario {
    /// The path as given, used in every message.
    pub file: String,
    pub source: Arc<str>,
    pub name: String,
    pub description: Option<String>,
    pub contract: Vec<String>,
    pub operations: Vec<String>,
    pub tags: Vec<String>,
    /// Capabilities the endpoint must offer, declared or implied by the steps.
    pub requires: Vec<Capability>,
    /// Whether a step waits or polls: on an endpoint with a clock that moves the clock, so the
    /// scenario must then run alone on a shared endpoint.
    pub waits: bool,
    pub vars: Vec<(String, Node)>,
    pub timeout: Duration,
    pub setup: Vec<Step>,
    pub steps: Vec<Step>,
    pub teardown: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Capability {
    /// `/_conformance/clock`: the scenario moves time.
    Clock,
    /// `/_conformance/faults`.
    Faults,
    /// `/_conformance/requests`.
    Requests,
}

impl Capability {
    pub const ALL: &[(&str, Capability)] = &[
        ("clock", Capability::Clock),
        ("faults", Capability::Faults),
        ("requests", Capability::Requests),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("?", |(n, _)| n)
    }

    /// Whether a scenario needing it changes endpoint-wide state, and so must run alone on a
    /// shared endpoint.
    pub fn is_exclusive(self) -> bool {
        matches!(self, Capability::Clock | Capability::Faults)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Setup,
    Steps,
    Teardown,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Setup => "setup",
            Phase::Steps => "steps",
            Phase::Teardown => "teardown",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub id: Option<String>,
    pub pos: Pos,
    pub action: Action,
    pub expect: Expect,
    /// `name: jmespath` pairs, captured from the response body.
    pub capture: Vec<(String, String)>,
    /// The request breaks the input schema on purpose.
    pub invalid_request: bool,
    /// Copies of the request released together (`parallel: N`); 1 otherwise.
    pub parallel: u32,
    /// Send, then drop the connection before reading the answer.
    pub lose_response: bool,
    /// Read every page of a listing, the pages' items joined in one answer.
    pub paginate: bool,
    /// A per-request timeout; an answer that does not come in time is tolerated as lost.
    pub timeout_ms: Option<u64>,
    /// Run only if an earlier answer has this value at this path.
    pub when: Option<When>,
}

#[derive(Debug, Clone)]
pub struct When {
    pub step: String,
    pub path: String,
    pub equals: Node,
}

impl Step {
    /// A short human name: its id or its action.
    pub fn label(&self) -> String {
        match (&self.id, &self.action) {
            (Some(id), _) => id.clone(),
            (None, Action::Call { operation, .. }) => operation.clone(),
            (None, Action::Repeat { step, .. }) => format!("repeat {step}"),
            (None, Action::Advance { seconds }) => format!("advance {seconds}s"),
            (None, Action::Wait { waiter, .. }) => format!("wait {waiter}"),
            (None, Action::Poll(p)) => format!("poll {}", p.operation),
            (None, Action::Inject(i)) => format!("inject into {}", i.operation),
            (None, Action::Snapshot { step }) => format!("snapshot {step}"),
            (None, Action::Client(c)) => format!("client {}", c.operation),
        }
    }

    /// The operation this step calls, once `repeat`s are resolved by the caller.
    pub fn operation(&self) -> Option<&str> {
        match &self.action {
            Action::Call { operation, .. } => Some(operation),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Action {
    Call {
        operation: String,
        params: Option<Node>,
    },
    /// The request of an earlier step again, with members of `with` replaced.
    Repeat { step: String, with: Option<Node> },
    /// Move the endpoint's virtual clock forward.
    Advance { seconds: u64 },
    /// A model waiter by name: its operation polled with its delay and acceptors.
    Wait {
        waiter: String,
        params: Option<Node>,
        timeout: Option<u64>,
    },
    /// A generic poll of an operation until a condition holds.
    Poll(Poll),
    /// A one-shot fault for the endpoint to play.
    Inject(Injection),
    /// Compare an earlier step's redacted request and answer with its stored snapshot.
    Snapshot { step: String },
    /// The client under test (an `sdk-check` driver) calls an operation; the endpoint's
    /// request log shows what it sent.
    Client(ClientCall),
}

#[derive(Debug, Clone)]
pub struct ClientCall {
    pub operation: String,
    pub params: Option<Node>,
    /// Separate calls, one driver run each.
    pub calls: u32,
    pub expect: ExpectRequests,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpectRequests {
    pub attempts: Option<u32>,
    /// The client must generate the token (CT1, CT2, CT6 on the client side).
    pub generated_token: bool,
    pub same_parameters: bool,
    /// `success` or an error type.
    pub outcome: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Poll {
    pub operation: String,
    pub params: Option<Node>,
    /// `jmespath: value` conditions that end the poll with success.
    pub until: Vec<(String, Node)>,
    /// An error type that ends the poll with success.
    pub until_error: Option<String>,
    /// `jmespath: value` conditions that end the poll with a failure.
    pub abort_if: Vec<(String, Node)>,
    pub interval: u64,
    pub timeout: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Injection {
    pub operation: String,
    pub times: u32,
    pub after_apply: bool,
    /// `error` or `drop`.
    pub action: String,
    pub status: u16,
}

/// What a step's answer must be.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    /// The clause a failure of this expectation violates; else the scenario's.
    pub clause: Option<String>,
    pub outcome: ExpectedOutcome,
    pub status: Option<u16>,
    /// `jmespath: expected` equalities (expected values may hold templates).
    pub paths: Vec<(String, Node)>,
    /// `jmespath: value` inequalities.
    pub differs: Vec<(String, Node)>,
    /// Same resource detail as another step's answer, up to the profile's moving members and
    /// these extra member names.
    pub same_as: Option<(String, Vec<String>)>,
    pub count: Option<(String, usize)>,
    /// The answer is `{}`.
    pub empty: bool,
    /// A repeated delete right after step's delete: the profile says whether the metadata
    /// (same as that step's answer) is required or `{}` is accepted too.
    pub deleted_metadata: Option<String>,
    /// A resource other than that step's (an identity member differs): a retry made a new one.
    pub new_resource: Option<String>,
    /// A retry whose token's eight hours ran out since that step: a new resource, or (if the
    /// profile accepts that retries extend the hours) that step's resource.
    pub expired_token_retry: Option<String>,
    /// `parallel`: every answer succeeded and refers to one resource.
    pub all_same: bool,
    /// A delete retried after that step's asynchronous delete: that resource's detail while
    /// the delete is in progress (AD1), or `{}` once it completed (AD2).
    pub async_delete_retry: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub enum ExpectedOutcome {
    /// A 2xx answer (the default).
    #[default]
    Success,
    /// An error of this type, its message matching the regex if one is given.
    Error {
        error_type: String,
        message: Option<String>,
    },
    /// An error of any type (`error: any`): what a contract states as "the request fails"
    /// without naming the error.
    AnyError,
    /// The profile's spelling of IdempotentParameterMismatch; `after_modification` when the
    /// resource was also modified (the profile may then accept a ConflictException).
    Mismatch { after_modification: bool },
}
