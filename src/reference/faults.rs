//! The generic reference's fault switches: each breaks one clause of the contract.

/// A switch, by the clause it breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceFault {
    /// The token member's length limit is not checked (breaks CT1).
    TokensUnchecked,
    /// A retry with the same token and parameters gets a new answer (breaks CT2).
    FreshAnswerOnRetry,
    /// A retry with the same token and other parameters is performed as a new request
    /// (breaks CT3).
    MismatchAccepted,
    /// Tokens bind for ever, past the documented window (breaks CT4).
    TokensNeverExpire,
    /// Answers lack a member the model requires (breaks G2).
    MissingRequiredMember,
    /// Errors carry no type, neither header nor `__type` (breaks G3).
    UntypedErrors,
}

/// Every switch: itself, its name, the clause it breaks.
pub const FAULTS: &[(ReferenceFault, &str, &str)] = &[
    (ReferenceFault::TokensUnchecked, "tokens-unchecked", "CT1"),
    (
        ReferenceFault::FreshAnswerOnRetry,
        "fresh-answer-on-retry",
        "CT2",
    ),
    (ReferenceFault::MismatchAccepted, "mismatch-accepted", "CT3"),
    (
        ReferenceFault::TokensNeverExpire,
        "tokens-never-expire",
        "CT4",
    ),
    (
        ReferenceFault::MissingRequiredMember,
        "missing-required-member",
        "G2",
    ),
    (ReferenceFault::UntypedErrors, "untyped-errors", "G3"),
];

impl ReferenceFault {
    pub fn from_name(name: &str) -> Option<ReferenceFault> {
        FAULTS
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(f, _, _)| *f)
    }
}
