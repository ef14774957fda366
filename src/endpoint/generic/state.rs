//! The generic endpoint's state and its answers: the tokens it bound, answers synthesized from
//! the model, and refusals of what the model's constraints forbid.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::faults::{Fault, FaultSet};
use super::store::Store;
use super::tokens::{Decision, TokenBook};
use crate::endpoint::control::{Clock, Control, Controlled};
use crate::service::Service;
use crate::synth;

/// An error answer: HTTP status, error type, message.
pub type Refusal = (u16, String, String);

/// One generic endpoint: the service it serves, its control state, its tokens.
pub struct Generic {
    pub service: Arc<Service>,
    pub control: Control<Fault>,
    serial: AtomicU64,
    tokens: Mutex<TokenBook>,
    store: Mutex<Store>,
}

impl Generic {
    pub fn new(service: Arc<Service>, faults: &[Fault], clock: Arc<dyn Clock>) -> Self {
        Self {
            service,
            control: Control::new(clock, FaultSet::from_faults(faults)),
            serial: AtomicU64::new(0),
            tokens: Mutex::new(TokenBook::default()),
            store: Mutex::new(Store::default()),
        }
    }

    pub fn faults(&self) -> FaultSet {
        self.control.switches.current()
    }

    fn book(&self) -> std::sync::MutexGuard<'_, TokenBook> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Performs a call: a new answer, which the store notes (what it made or ended) and, for
    /// a read, shapes to what the store holds.
    fn perform(&self, operation: &str, input: &Value) -> Result<Value, Refusal> {
        let mut answer = self.answer(operation);
        let mut store = self.store();
        super::store::echo(&self.service.model, operation, input, &mut answer);
        store.performed(operation, input, &answer);
        store
            .show(&self.service.model, operation, input, &mut answer)
            .map_err(|error| self.error(operation, &error, "no such resource"))?;
        Ok(answer)
    }

    fn answer(&self, operation: &str) -> Value {
        let serial = self.serial.fetch_add(1, Ordering::SeqCst) + 1;
        let model = &self.service.model;
        let Some(shape) = model.operation(operation).and_then(|o| o.output.as_ref()) else {
            return json!({});
        };
        let mut answer = synth::output(model, &shape.shape, serial);
        if self.faults().has(Fault::MissingRequiredMember)
            && let Some(required) = model.shape(&shape.shape).and_then(|s| s.required.first())
            && let Some(map) = answer.as_object_mut()
        {
            map.remove(required);
        }
        answer
    }

    /// The answer to a request: refused by the model's constraints, else called.
    pub fn respond(&self, operation: &str, input: &Value) -> Result<Value, Refusal> {
        match self.refuse(operation, input) {
            Some(refused) => Err(refused),
            None => self.call(operation, input),
        }
    }

    /// The answer to `operation` with `input`: the token contract first, then a new answer.
    fn call(&self, operation: &str, input: &Value) -> Result<Value, Refusal> {
        let contract = self
            .service
            .pack
            .tokens
            .iter()
            .find(|t| t.operation == operation);
        let member = self.service.token_member(operation);
        let token = member.and_then(|m| input.get(m)).and_then(Value::as_str);
        let (Some(contract), Some(member), Some(token)) = (contract, member, token) else {
            return self.perform(operation, input);
        };
        let mut params = input.clone();
        if let Some(map) = params.as_object_mut() {
            map.remove(member);
        }
        let now = self.control.clock.now();
        // The book stays locked from decision to binding: identical requests in flight
        // together make one answer.
        let mut book = self.book();
        match book.decide(contract, token, &params, now, self.faults()) {
            Decision::Replay(answer) => {
                if self.faults().has(Fault::RetryAppliedTwice) {
                    let _ = self.perform(operation, input);
                }
                Ok(answer)
            }
            Decision::Refuse {
                error,
                message,
                retry,
            } => {
                if retry && self.faults().has(Fault::RetryAppliedTwice) {
                    let _ = self.perform(operation, input);
                }
                Err(self.error(operation, &error, message))
            }
            Decision::Perform => {
                let answer = self.perform(operation, input)?;
                book.bind(operation, token, params, answer.clone(), now, self.faults());
                Ok(answer)
            }
        }
    }

    /// A request the model's constraints refuse: the operation's validation error (the one it
    /// declares whose name says so, else the protocol's SerializationException).
    fn refuse(&self, operation: &str, input: &Value) -> Option<Refusal> {
        let model = &self.service.model;
        let mut input = input.clone();
        // Under the switch, any token passes: it is checked as if it were a valid one.
        if self.faults().has(Fault::TokensUnchecked)
            && let Some(member) = self.service.token_member(operation)
            && let Some(shape) = model
                .input_shape(operation)
                .and_then(|s| s.members.get(member))
                .map(|m| m.shape.clone())
            && let Some(token) = input.get_mut(member).filter(|t| t.is_string())
            && let Ok(valid) = synth::minimal(model, &shape)
        {
            *token = valid;
        }
        let mut violations: Vec<String> = model
            .check_input(operation, &input)
            .ok()?
            .iter()
            .map(ToString::to_string)
            .collect();
        // The documented limit of a token the model leaves unlimited.
        if let Some((member, max)) = self.documented_token_limit(operation)
            && let Some(token) = input.get(member).and_then(Value::as_str)
            && !self.faults().has(Fault::TokensUnchecked)
            && token.chars().count() as u64 > max
        {
            violations.push(format!(
                "/{member}: longer than the documented {max} characters"
            ));
        }
        let first = violations.first()?;
        let declared = model
            .operation(operation)
            .map(|o| o.errors.as_slice())
            .unwrap_or_default();
        let name = declared
            .iter()
            .map(|e| e.shape.as_str())
            .find(|n| {
                n.contains("Validation")
                    || n.contains("InvalidParameter")
                    || n.contains("InvalidRequest")
            })
            .unwrap_or("SerializationException");
        Some((
            400,
            name.to_string(),
            format!("{} validation error(s); first: {first}", violations.len()),
        ))
    }

    /// The token member and the length its documentation (the pack) allows, where stated.
    fn documented_token_limit(&self, operation: &str) -> Option<(&str, u64)> {
        let max = self
            .service
            .pack
            .tokens
            .iter()
            .find(|t| t.operation == operation)?
            .token_max?;
        Some((self.service.token_member(operation)?, max))
    }

    /// An error the operation declares: `name`, or for `any` the first one it declares.
    pub fn error(&self, operation: &str, name: &str, message: &str) -> Refusal {
        let model = &self.service.model;
        let name = match name {
            "any" => model
                .operation(operation)
                .and_then(|o| o.errors.first())
                .map_or("ValidationException".to_string(), |e| e.shape.clone()),
            other => other.to_string(),
        };
        let status = model
            .shape(&name)
            .and_then(|s| s.error.as_ref())
            .and_then(|e| e.http_status_code)
            .unwrap_or(400);
        (status, name, message.to_string())
    }

    /// An error's body: its required members, synthesized, and the message.
    pub fn error_body(&self, name: &str, message: &str) -> Value {
        let model = &self.service.model;
        let mut body = synth::minimal(model, name).unwrap_or_else(|_| json!({}));
        if let Some(map) = body.as_object_mut() {
            let key = model
                .shape(name)
                .filter(|s| s.members.contains_key("Message"))
                .map_or("message", |_| "Message");
            map.insert(key.into(), Value::String(message.into()));
        }
        body
    }
}

impl Controlled for Generic {
    type Switch = Fault;
    const RESETS: bool = true;
    const INJECTS: bool = true;

    fn control(&self) -> &Control<Fault> {
        &self.control
    }

    fn reset(&self) {
        *self.book() = TokenBook::default();
        *self.store() = Store::default();
    }

    fn knows_operation(&self, operation: &str) -> bool {
        self.service.model.operation(operation).is_some()
    }
}
