//! What a step reports with: the scenario's read-only context ([`Scope`]), where a step is
//! ([`At`]), and how it did not pass ([`StepOutcome`]). Every problem a step reports is made
//! here, so it always says where it happened.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::ScenarioEnv;
use crate::check::CheckFailure;
use crate::client::{Body, Exchange};
use crate::event::{Event, Problem, StepRecord};
use crate::redact;
use crate::scenario::{Phase, Scenario, Step};

/// The scenario a step belongs to, and what it runs against: read-only for its steps.
pub(super) struct Scope<'a> {
    pub env: &'a ScenarioEnv<'a>,
    pub scenario: &'a Scenario,
    pub index: usize,
    /// The clause a failure names when its expectation names none.
    pub default_clause: String,
}

/// Where in a scenario a step is: its phase and the step.
#[derive(Clone, Copy)]
pub(super) struct At<'s> {
    pub phase: Phase,
    pub step: &'s Step,
}

/// Why a step did not pass.
pub(super) enum StepOutcome {
    Failed(Box<Problem>),
    Errored(Box<Problem>),
}

pub(super) fn failed(problem: Problem) -> StepOutcome {
    StepOutcome::Failed(Box::new(problem))
}

pub(super) fn errored(problem: Problem) -> StepOutcome {
    StepOutcome::Errored(Box::new(problem))
}

/// The error types with which an endpoint refuses who sent a request rather than what it asks:
/// missing, malformed or unknown credentials, or no permission.
const CREDENTIAL_ERRORS: &[&str] = &[
    "MissingAuthenticationToken",
    "MissingAuthenticationTokenException",
    "IncompleteSignature",
    "IncompleteSignatureException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredTokenException",
    "AccessDeniedException",
];

/// The credential error an answer carries, if any (a step that expected it passed already).
fn refused_credentials(exchange: &Exchange) -> Option<&str> {
    match &exchange.response()?.body {
        Body::Error(e) if CREDENTIAL_ERRORS.contains(&e.error_type.as_str()) => {
            Some(e.error_type.as_str())
        }
        _ => None,
    }
}

impl Scope<'_> {
    pub fn problem(
        &self,
        at: At<'_>,
        operation: Option<&str>,
        message: impl std::fmt::Display,
    ) -> Problem {
        let At { phase, step } = at;
        Problem {
            clause: None,
            phase: phase.name().into(),
            step: step.label(),
            pos: Some(step.pos),
            operation: operation.map(String::from),
            message: message.to_string(),
            expected: None,
            actual: None,
            differences: Vec::new(),
            exchange: None,
            source: Some(self.scenario.source.clone()),
        }
    }

    pub fn with_exchange(&self, mut problem: Problem, exchange: &Exchange) -> Problem {
        problem.exchange = Some(redact::exchange_text(exchange));
        problem
    }

    /// A failed check as the step's outcome: a clause broken, or (refused credentials, a setup
    /// step that did not get what it needed) the run's or the scenario's trouble.
    pub fn check_failure(
        &self,
        at: At<'_>,
        failure: CheckFailure,
        exchange: Option<&Exchange>,
    ) -> StepOutcome {
        let phase = at.phase;
        let mut p = self.problem(at, exchange.map(|e| e.operation.as_str()), failure.message);
        if let Some(e) = exchange {
            p = self.with_exchange(p, e);
        }
        p.expected = failure.expected;
        p.actual = failure.actual;
        p.differences = failure.differences;
        if let Some(kind) = exchange.and_then(refused_credentials) {
            p.message = format!(
                "the endpoint refused the request's credentials ({kind}): check the signing options and the permissions; this says nothing about the contract"
            );
            return errored(p);
        }
        // An answer that breaks the protocol or the model (G2, G3) breaks it in setup too.
        let general = matches!(failure.clause.as_str(), "G2" | "G3");
        if phase == Phase::Setup && !general {
            p.message = format!(
                "setup could not be done, so the scenario's steps did not run: {}",
                p.message
            );
            return errored(p);
        }
        p.clause = Some(failure.clause);
        failed(p)
    }

    /// Tells the reporters what a step did.
    pub fn record(
        &self,
        at: At<'_>,
        exchange: Option<&Exchange>,
        duration: Duration,
        text: String,
    ) {
        let At { phase, step } = at;
        let response = exchange.and_then(Exchange::response);
        let error_type = response.and_then(|r| match &r.body {
            Body::Error(e) => Some(e.error_type.clone()),
            _ => None,
        });
        let events: &UnboundedSender<Event> = self.env.events;
        let _ = events.send(Event::StepFinished {
            index: self.index,
            step: StepRecord {
                phase: phase.name(),
                step: step.label(),
                operation: exchange.map(|e| e.operation.clone()),
                status: response.map(|r| r.status),
                error_type,
                duration,
                exchange_text: text,
            },
        });
    }
}
