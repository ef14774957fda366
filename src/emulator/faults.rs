//! Deliberate contract violations, one switch each, so that every check the harness makes can
//! be shown to fail; lenient readings the strict profile rejects; and one-shot injections
//! (an error or a dropped connection, before or after a request takes effect).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;

/// One standing switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    // Violations of the contract.
    IgnoreClientTokens,
    CaseInsensitiveTokens,
    ShortTokenExpiry,
    MismatchIgnoresDescription,
    NoConflictAfterModification,
    NotFoundOnRepeatedDelete,
    ConflictOnDeleteInProgress,
    FreshResourceOnRetry,
    DuplicatesUnderConcurrency,
    MissingRequiredMember,
    UntypedErrors,
    TokenKeptAfterDelete,
    // Readings the lenient profile accepts and the strict one does not.
    EmptyAfterDelete,
    RetriesExtendExpiry,
    BareMismatch,
    // Valid variations of the protocol and the contract: nothing may fail under them.
    NamespacedErrorType,
    CapitalizedMessage,
    ExtraMembers,
    ReorderedMembers,
    StatusMovesOn,
}

/// Every switch: its name on the command line and the control API, and what it breaks.
pub const CATALOGUE: &[(Fault, &str, &str)] = &[
    (
        Fault::IgnoreClientTokens,
        "ignore-client-tokens",
        "every request with a token creates a new resource (CT2)",
    ),
    (
        Fault::CaseInsensitiveTokens,
        "case-insensitive-tokens",
        "tokens that differ only in case are the same token (CT1)",
    ),
    (
        Fault::ShortTokenExpiry,
        "short-token-expiry",
        "tokens expire after one hour instead of eight (CT4)",
    ),
    (
        Fault::MismatchIgnoresDescription,
        "mismatch-ignores-description",
        "a retry differing only in description is not a mismatch (CT3, IC3)",
    ),
    (
        Fault::NoConflictAfterModification,
        "no-conflict-after-modification",
        "a create retried after an update returns the resource (IC2)",
    ),
    (
        Fault::NotFoundOnRepeatedDelete,
        "not-found-on-repeated-delete",
        "a repeated delete answers ResourceNotFoundException (ID3)",
    ),
    (
        Fault::ConflictOnDeleteInProgress,
        "conflict-on-delete-in-progress",
        "a delete retried during DELETE_IN_PROGRESS is a ConflictException (AD1)",
    ),
    (
        Fault::FreshResourceOnRetry,
        "fresh-resource-on-retry",
        "a retry answers with a freshly stamped resource instead of the original (CT2, IC1)",
    ),
    (
        Fault::DuplicatesUnderConcurrency,
        "duplicates-under-concurrency",
        "the request right after a token's first use reads the store from before it, so the second of identical requests in flight together creates again (CT2)",
    ),
    (
        Fault::MissingRequiredMember,
        "missing-required-member",
        "resource details lack the required createdAt (G2)",
    ),
    (
        Fault::UntypedErrors,
        "untyped-errors",
        "errors carry neither the x-amzn-ErrorType header nor __type (G3)",
    ),
    (
        Fault::TokenKeptAfterDelete,
        "token-kept-after-delete",
        "a token still returns its deleted resource (CT5)",
    ),
    (
        Fault::EmptyAfterDelete,
        "empty-after-delete",
        "lenient reading: a repeated delete answers {} right after the delete (ID1)",
    ),
    (
        Fault::RetriesExtendExpiry,
        "retries-extend-expiry",
        "lenient reading: every retry restarts the eight hours (CT4)",
    ),
    (
        Fault::BareMismatch,
        "bare-mismatch",
        "lenient reading: a mismatch is a ValidationException without the words (CT3, IC3)",
    ),
    (
        Fault::NamespacedErrorType,
        "namespaced-error-type",
        "benign: com.amazonaws.proton#X error types, the header with a :http://... suffix",
    ),
    (
        Fault::CapitalizedMessage,
        "capitalized-message",
        "benign: errors carry Message instead of message",
    ),
    (
        Fault::ExtraMembers,
        "extra-members",
        "benign: answers carry members newer than the model",
    ),
    (
        Fault::ReorderedMembers,
        "reordered-members",
        "benign: members in another order",
    ),
    (
        Fault::StatusMovesOn,
        "status-moves-on",
        "benign: registrations, deployments and deletes finish within a millisecond",
    ),
];

impl Fault {
    pub fn name(self) -> &'static str {
        CATALOGUE
            .iter()
            .find(|(f, _, _)| *f == self)
            .map_or("?", |(_, n, _)| n)
    }

    pub fn from_name(name: &str) -> Option<Fault> {
        CATALOGUE
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(f, _, _)| *f)
    }

    fn bit(self) -> u64 {
        1 << (CATALOGUE
            .iter()
            .position(|(f, _, _)| *f == self)
            .unwrap_or(63) as u64)
    }
}

/// The switches in force, as a copyable snapshot taken once per request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultSet(u64);

impl FaultSet {
    pub fn has(self, fault: Fault) -> bool {
        self.0 & fault.bit() != 0
    }

    pub fn names(self) -> Vec<&'static str> {
        CATALOGUE
            .iter()
            .filter(|(f, _, _)| self.has(*f))
            .map(|(_, n, _)| *n)
            .collect()
    }

    pub fn from_faults(faults: &[Fault]) -> FaultSet {
        FaultSet(faults.iter().fold(0, |acc, f| acc | f.bit()))
    }
}

/// A scripted answer for the next calls of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Injection {
    pub operation: String,
    /// How many calls it applies to.
    #[serde(default = "one")]
    pub times: u32,
    /// Let the request take effect first, then answer with the fault.
    #[serde(default)]
    pub after_apply: bool,
    /// `error` (answer with an error) or `drop` (close the connection without an answer).
    #[serde(default)]
    pub action: InjectedAction,
    /// For `error`: the HTTP status (500: InternalServerException, 429: ThrottlingException).
    #[serde(default = "internal_error")]
    pub status: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InjectedAction {
    #[default]
    Error,
    Drop,
}

fn one() -> u32 {
    1
}

fn internal_error() -> u16 {
    500
}

/// Standing switches and pending injections of one emulator.
#[derive(Default)]
pub struct Faults {
    switches: AtomicU64,
    injections: Mutex<Vec<Injection>>,
}

impl Faults {
    pub fn new(initial: FaultSet) -> Self {
        Self {
            switches: AtomicU64::new(initial.0),
            injections: Mutex::new(Vec::new()),
        }
    }

    pub fn current(&self) -> FaultSet {
        FaultSet(self.switches.load(Ordering::SeqCst))
    }

    pub fn set(&self, set: FaultSet) {
        self.switches.store(set.0, Ordering::SeqCst);
    }

    pub fn inject(&self, injection: Injection) {
        self.lock().push(injection);
    }

    pub fn pending(&self) -> Vec<Injection> {
        self.lock().clone()
    }

    pub fn clear_injections(&self) {
        self.lock().clear();
    }

    /// Takes one use of the first injection for `operation`, if any.
    pub fn take(&self, operation: &str) -> Option<Injection> {
        let mut injections = self.lock();
        let index = injections.iter().position(|i| i.operation == operation)?;
        let injection = injections[index].clone();
        injections[index].times -= 1;
        if injections[index].times == 0 {
            injections.remove(index);
        }
        Some(injection)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Injection>> {
        self.injections.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sets_hold_what_was_put_in() {
        for (fault, name, _) in CATALOGUE {
            assert_eq!(Fault::from_name(name), Some(*fault));
            assert_eq!(fault.name(), *name);
        }
        let set = FaultSet::from_faults(&[Fault::BareMismatch, Fault::IgnoreClientTokens]);
        assert!(set.has(Fault::BareMismatch) && set.has(Fault::IgnoreClientTokens));
        assert!(!set.has(Fault::UntypedErrors));
        assert_eq!(set.names(), ["ignore-client-tokens", "bare-mismatch"]);
    }

    #[test]
    fn injections_are_used_up() {
        let faults = Faults::default();
        faults.inject(Injection {
            operation: "CreateEnvironmentTemplate".into(),
            times: 2,
            after_apply: true,
            action: InjectedAction::Error,
            status: 500,
        });
        assert!(faults.take("GetEnvironmentTemplate").is_none());
        assert!(faults.take("CreateEnvironmentTemplate").is_some());
        assert!(faults.take("CreateEnvironmentTemplate").is_some());
        assert!(faults.take("CreateEnvironmentTemplate").is_none());
    }
}
