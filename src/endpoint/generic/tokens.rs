//! The generic endpoint's token contract, as the pack states it: what a token bound, and what a
//! request under a bound token gets.

use std::collections::HashMap;

use serde_json::Value;

use super::faults::{Fault, FaultSet};
use crate::duration::parse_duration;
use crate::endpoint::control::{Millis, SECOND};
use crate::service::TokenOperation;

/// What a token bound: the request's other parameters and the answer it got.
struct Bound {
    params: Value,
    answer: Value,
    at: Millis,
}

/// What a request with a token gets.
pub enum Decision {
    /// The token binds nothing (new, or expired): perform the request and bind its answer.
    Perform,
    /// A retry: the stored answer.
    Replay(Value),
    /// An error the pack names (the retry's or the mismatch's; `any` for an unnamed one);
    /// `retry` when it answers the same request again.
    Refuse {
        error: String,
        message: &'static str,
        retry: bool,
    },
}

/// Every token bound so far, by operation and token.
#[derive(Default)]
pub struct TokenBook {
    bound: HashMap<(String, String), Bound>,
}

impl TokenBook {
    /// What `params` (the input without its token) get under `token`, at `now`.
    pub fn decide(
        &self,
        contract: &TokenOperation,
        token: &str,
        params: &Value,
        now: Millis,
        faults: FaultSet,
    ) -> Decision {
        let key = key(&contract.operation, token, faults);
        let halved = faults.has(Fault::ShortWindow);
        let window = window(contract).map(|w| if halved { w / 2 } else { w });
        let live = self.bound.get(&key).filter(|b| {
            faults.has(Fault::TokensNeverExpire) || window.is_none_or(|w| now - b.at <= w)
        });
        let Some(bound) = live else {
            return Decision::Perform;
        };
        if bound.params == *params {
            if faults.has(Fault::FreshAnswerOnRetry) {
                return Decision::Perform;
            }
            return match TokenOperation::known(&contract.retry) {
                Some(retry)
                    if retry == "original" || retry == "effect" || retry.starts_with("same ") =>
                {
                    Decision::Replay(bound.answer.clone())
                }
                None => Decision::Replay(bound.answer.clone()),
                Some(error) => Decision::Refuse {
                    error: error.to_string(),
                    message: "the token is in use",
                    retry: true,
                },
            };
        }
        if faults.has(Fault::MismatchAccepted) {
            return Decision::Perform;
        }
        Decision::Refuse {
            error: TokenOperation::known(&contract.mismatch)
                .unwrap_or("any")
                .to_string(),
            message: "the token was used with other parameters",
            retry: false,
        }
    }

    /// Binds `token` to what a performed request was answered.
    pub fn bind(
        &mut self,
        operation: &str,
        token: &str,
        params: Value,
        answer: Value,
        at: Millis,
        faults: FaultSet,
    ) {
        let key = key(operation, token, faults);
        self.bound.insert(key, Bound { params, answer, at });
    }
}

/// What a token is filed under: itself, or under the switch its lower case.
fn key(operation: &str, token: &str, faults: FaultSet) -> (String, String) {
    let token = if faults.has(Fault::CaseInsensitiveTokens) {
        token.to_lowercase()
    } else {
        token.to_string()
    };
    (operation.to_string(), token)
}

/// The documented window, in milliseconds; none when there is none or it is not known.
fn window(contract: &TokenOperation) -> Option<Millis> {
    match TokenOperation::known(&contract.window) {
        None | Some("none") => None,
        Some(w) => parse_duration(w).ok().map(|s| s as Millis * SECOND),
    }
}
