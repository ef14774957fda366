//! What a client's requests must show, call by call.

use serde_json::Value;

use crate::check::CheckFailure;
use crate::scenario::ExpectRequests;

/// One request the endpoint received.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub body: Value,
    /// The error type it was answered with, if any.
    pub error: Option<String>,
}

/// One call the driver made: its reported outcome and the attempts the endpoint saw.
#[derive(Debug, Clone)]
pub struct CallRecord {
    pub outcome: String,
    pub attempts: Vec<Attempt>,
}

fn token(attempt: &Attempt) -> Option<&str> {
    attempt.body.get("clientToken").and_then(Value::as_str)
}

/// Checks the calls against the expectations; `max_attempts` is the client's retry policy.
pub fn check_calls(
    calls: &[CallRecord],
    expect: &ExpectRequests,
    max_attempts: u32,
) -> Result<(), CheckFailure> {
    for (n, call) in calls.iter().enumerate() {
        let which = format!("call {} of {}", n + 1, calls.len());
        if let Some(wanted) = &expect.outcome
            && &call.outcome != wanted
        {
            return Err(CheckFailure::new(
                "G3",
                format!("{which} ended with {}, expected {wanted}", call.outcome),
            ));
        }
        if let Some(wanted) = expect.attempts {
            let wanted = wanted.min(max_attempts) as usize;
            let got = call.attempts.len();
            if got != wanted {
                // A retry of an error that is not retryable (ValidationException) and a
                // missing retry of a 500 or a throttle are both here.
                let errors: Vec<&str> = call
                    .attempts
                    .iter()
                    .map(|a| a.error.as_deref().unwrap_or("success"))
                    .collect();
                let clause = if errors.contains(&"ValidationException") {
                    "CT3"
                } else {
                    "CT2"
                };
                return Err(CheckFailure::new(
                    clause,
                    format!("{which}: the client sent {got} attempt(s), expected {wanted} (answers: {})", errors.join(", ")),
                )
                .expected(format!("{wanted} attempt(s) (policy: at most {max_attempts})"))
                .actual(format!("{got} attempt(s)")));
            }
        }
        if expect.generated_token {
            for (i, attempt) in call.attempts.iter().enumerate() {
                let Some(t) = token(attempt) else {
                    return Err(CheckFailure::new(
                        "CT6",
                        format!(
                            "{which}, attempt {}: no clientToken; the client must fill one in",
                            i + 1
                        ),
                    ));
                };
                let well_formed =
                    !t.is_empty() && t.len() <= 64 && t.bytes().all(|b| (b'!'..=b'~').contains(&b));
                if !well_formed {
                    return Err(CheckFailure::new(
                        "CT1",
                        format!(
                            "{which}, attempt {}: the generated token {t:?} is not 1 to 64 printable ASCII characters",
                            i + 1
                        ),
                    ));
                }
            }
            let tokens: Vec<&str> = call.attempts.iter().filter_map(token).collect();
            if tokens.windows(2).any(|w| w[0] != w[1]) {
                return Err(CheckFailure::new(
                    "CT2",
                    format!("{which}: the retries carry other tokens than the first attempt, so the endpoint cannot tell them from new requests"),
                )
                .actual(tokens.join(", ")));
            }
            if let Some(first) = tokens.first()
                && let Some(m) = calls[..n]
                    .iter()
                    .position(|c| c.attempts.iter().filter_map(token).any(|t| t == *first))
            {
                return Err(CheckFailure::new(
                    "CT6",
                    format!(
                        "{which} reused call {}'s token {first:?}: a new call needs a new token",
                        m + 1
                    ),
                ));
            }
        }
        if expect.same_parameters
            && let Some(first) = call.attempts.first()
            && let Some((i, _)) = call
                .attempts
                .iter()
                .enumerate()
                .skip(1)
                .find(|(_, a)| a.body != first.body)
        {
            return Err(CheckFailure::new(
                "CT3",
                format!(
                    "{which}: attempt {} sent other parameters than attempt 1",
                    i + 1
                ),
            )
            .expected(first.body.to_string())
            .actual(call.attempts[i].body.to_string()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn attempt(token: &str, error: Option<&str>) -> Attempt {
        Attempt {
            body: json!({ "name": "x", "clientToken": token }),
            error: error.map(str::to_string),
        }
    }

    fn expect() -> ExpectRequests {
        ExpectRequests {
            attempts: Some(2),
            generated_token: true,
            same_parameters: true,
            outcome: Some("success".into()),
        }
    }

    fn call(attempts: Vec<Attempt>) -> CallRecord {
        CallRecord {
            outcome: "success".into(),
            attempts,
        }
    }

    #[test]
    fn a_faithful_client_passes() {
        let calls = [
            call(vec![
                attempt("a", Some("InternalServerException")),
                attempt("a", None),
            ]),
            call(vec![
                attempt("b", Some("InternalServerException")),
                attempt("b", None),
            ]),
        ];
        assert_eq!(check_calls(&calls, &expect(), 5), Ok(()));
    }

    #[test]
    fn each_broken_behaviour_fails_on_its_clause() {
        let new_token_per_attempt = [call(vec![attempt("a", Some("x")), attempt("b", None)])];
        let reused_across_calls = [
            call(vec![attempt("a", Some("x")), attempt("a", None)]),
            call(vec![attempt("a", Some("x")), attempt("a", None)]),
        ];
        let too_long = [call(vec![
            attempt(&"t".repeat(65), Some("x")),
            attempt(&"t".repeat(65), None),
        ])];
        let no_retry = [call(vec![attempt("a", None)])];
        let clause = |calls: &[CallRecord]| check_calls(calls, &expect(), 5).unwrap_err().clause;
        assert_eq!(clause(&new_token_per_attempt), "CT2");
        assert_eq!(clause(&reused_across_calls), "CT6");
        assert_eq!(clause(&too_long), "CT1");
        assert_eq!(clause(&no_retry), "CT2");
        // A retried ValidationException.
        let mut once = expect();
        once.attempts = Some(1);
        once.outcome = None;
        let retried = [call(vec![
            attempt("a", Some("ValidationException")),
            attempt("a", Some("ValidationException")),
        ])];
        assert_eq!(check_calls(&retried, &once, 5).unwrap_err().clause, "CT3");
        // The policy caps what is expected.
        let mut many = expect();
        many.attempts = Some(9);
        let capped = [call(vec![
            attempt("a", Some("x")),
            attempt("a", Some("x")),
            attempt("a", None),
        ])];
        assert_eq!(check_calls(&capped, &many, 3), Ok(()));
    }
}
