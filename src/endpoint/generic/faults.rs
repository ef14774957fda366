//! The generic endpoint's fault switches: each breaks one clause of the contract.

use crate::endpoint::control::{Switch, SwitchSet};

/// A switch, by the clause it breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The token member's length limit is not checked (breaks CT1).
    TokensUnchecked,
    /// Tokens that differ only in case are one token (breaks CT1 where tokens are documented
    /// as case sensitive).
    CaseInsensitiveTokens,
    /// A retry with the same token and parameters gets a new answer (breaks CT2).
    FreshAnswerOnRetry,
    /// A retry with the same token and parameters gets the original answer, but is performed
    /// again: a second resource (breaks CT2, seen only through the service's reads).
    RetryAppliedTwice,
    /// A retry with the same token and other parameters is performed as a new request
    /// (breaks CT3).
    MismatchAccepted,
    /// Tokens bind for ever, past the documented window (breaks CT4).
    TokensNeverExpire,
    /// Tokens bind for half the documented window (breaks CT4, just inside it).
    ShortWindow,
    /// Answers lack a member the model requires (breaks G2).
    MissingRequiredMember,
    /// Errors carry no type, neither header nor `__type` (breaks G3).
    UntypedErrors,
}

/// Every switch: itself, its name, what it does.
pub const FAULTS: &[(Fault, &str, &str)] = &[
    (Fault::TokensUnchecked, "tokens-unchecked", "breaks CT1"),
    (
        Fault::CaseInsensitiveTokens,
        "case-insensitive-tokens",
        "breaks CT1",
    ),
    (
        Fault::FreshAnswerOnRetry,
        "fresh-answer-on-retry",
        "breaks CT2",
    ),
    (
        Fault::RetryAppliedTwice,
        "retry-applied-twice",
        "breaks CT2",
    ),
    (Fault::MismatchAccepted, "mismatch-accepted", "breaks CT3"),
    (Fault::ShortWindow, "short-window", "breaks CT4"),
    (
        Fault::TokensNeverExpire,
        "tokens-never-expire",
        "breaks CT4",
    ),
    (
        Fault::MissingRequiredMember,
        "missing-required-member",
        "breaks G2",
    ),
    (Fault::UntypedErrors, "untyped-errors", "breaks G3"),
];

impl Switch for Fault {
    const CATALOGUE: &'static [(Self, &'static str, &'static str)] = FAULTS;
}

impl Fault {
    /// The clause the switch breaks.
    pub fn clause(self) -> &'static str {
        match self {
            Fault::TokensUnchecked | Fault::CaseInsensitiveTokens => "CT1",
            Fault::FreshAnswerOnRetry | Fault::RetryAppliedTwice => "CT2",
            Fault::MismatchAccepted => "CT3",
            Fault::TokensNeverExpire | Fault::ShortWindow => "CT4",
            Fault::MissingRequiredMember => "G2",
            Fault::UntypedErrors => "G3",
        }
    }
}

/// The switches in force, as a copyable snapshot taken once per request.
pub type FaultSet = SwitchSet<Fault>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_switch_says_the_clause_it_breaks() {
        for (fault, _, what) in FAULTS {
            assert_eq!(*what, format!("breaks {}", fault.clause()));
        }
    }
}
