//! The Proton emulator's switches: deliberate contract violations, one switch each, so that
//! every check the harness makes can be shown to fail; lenient readings the strict profile
//! rejects; benign variations under which nothing may fail.

pub use crate::endpoint::control::Switch;
use crate::endpoint::control::SwitchSet;

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

impl Switch for Fault {
    const CATALOGUE: &'static [(Self, &'static str, &'static str)] = CATALOGUE;
}

/// The switches in force, as a copyable snapshot taken once per request.
pub type FaultSet = SwitchSet<Fault>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (fault, name, _) in CATALOGUE {
            assert_eq!(Fault::from_name(name), Some(*fault));
            assert_eq!(fault.name(), *name);
        }
        let set = FaultSet::from_faults(&[Fault::BareMismatch, Fault::IgnoreClientTokens]);
        assert_eq!(set.names(), ["ignore-client-tokens", "bare-mismatch"]);
    }
}
