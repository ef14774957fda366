//! `call` and `repeat` steps: build the request, send it (copies at once, or with the answer
//! lost), check the answer, capture from it.

use super::*;
use crate::scenario::ExpectedOutcome;

impl Execution<'_> {
    /// `call` and `repeat`: one request, or `parallel` copies released together.
    pub(super) async fn send(&mut self, at: At<'_>) -> Result<(), StepOutcome> {
        let At { phase, step } = at;
        let started = Instant::now();
        let (operation, body) = self
            .request(step)
            .map_err(|e| errored(self.problem(at, None, e)))?;
        self.validate_request(at, &operation, &body)?;
        let options = RequestOptions {
            timeout: step.timeout_ms.map(Duration::from_millis),
            lose_response: step.lose_response,
        };
        let exchanges = self
            .call_copies(phase, &operation, &body, &options, step.parallel)
            .await;
        let first = exchanges[0].clone();
        // Recorded before any check, so that `diff` also compares answers that fail one.
        self.record_every_step(at, &first);
        self.record(
            at,
            Some(&first),
            started.elapsed(),
            redact::exchange_text(&first),
        );
        // A request sent on purpose without reading its answer, or whose answer is let go after
        // `timeout_ms`, has nothing to check: the retry that follows is the point.
        let tolerated = |e: &Exchange| match &e.outcome {
            // Sent and let go: whether the connection then closed under it makes no difference.
            Outcome::Transport(TransportError::Lost | TransportError::Broken(_)) => {
                step.lose_response
            }
            Outcome::Transport(TransportError::Timeout(_)) => step.timeout_ms.is_some(),
            _ => false,
        };
        let ctx = StepContext {
            model: &self.env.service.model,
            expect: &step.expect,
            profile: self.env.profile,
            default_clause: &self.default_clause,
            bindings: &self.bindings,
            earlier: &self.exchanges,
        };
        for exchange in &exchanges {
            if tolerated(exchange) {
                continue;
            }
            if let Outcome::Transport(error) = &exchange.outcome {
                let p = self.problem(at, Some(&operation), format!("{operation}: {error}"));
                return Err(errored(self.with_exchange(p, exchange)));
            }
            if let Err(failure) = check::check_step(&ctx, exchange) {
                // A request that should have failed and made something instead: what it made
                // is captured all the same, so that the teardown deletes it.
                if exchange.success_body().is_some() {
                    self.salvage_captures(step, exchange);
                }
                return Err(self.check_failure(at, failure, Some(exchange)));
            }
        }
        if step.expect.all_same
            && let Err(failure) = check::check_all_same(&ctx, &exchanges)
        {
            return Err(self.check_failure(at, failure, Some(&first)));
        }
        // A step that expects an error captures only from a success it did not expect.
        let expects_success = matches!(step.expect.outcome, ExpectedOutcome::Success);
        if !tolerated(&first) && (expects_success || first.success_body().is_some()) {
            self.capture(at, &first)?;
        }
        if let Some(id) = &step.id {
            self.requests.insert(id.clone(), (operation, body));
            self.exchanges.insert(id.clone(), first);
        }
        Ok(())
    }

    pub(super) async fn call_copies(
        &self,
        phase: Phase,
        operation: &str,
        body: &Value,
        options: &RequestOptions,
        copies: u32,
    ) -> Vec<Exchange> {
        // Setup and teardown are the harness's own calls: they ride out throttling and 5xx.
        let internal = phase != Phase::Steps
            && copies <= 1
            && !options.lose_response
            && options.timeout.is_none();
        if internal {
            return vec![
                self.env
                    .client
                    .call_retrying(operation, body, &RetryPolicy::default())
                    .await,
            ];
        }
        if copies <= 1 {
            return vec![self.env.client.call(operation, body, options).await];
        }
        // Every copy waits at the barrier, so they leave together.
        let barrier = Arc::new(tokio::sync::Barrier::new(copies as usize));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..copies {
            let (client, barrier) = (self.env.client.clone(), barrier.clone());
            let (operation, body, options) = (operation.to_string(), body.clone(), options.clone());
            tasks.spawn(async move {
                barrier.wait().await;
                (i, client.call(&operation, &body, &options).await)
            });
        }
        let mut results = Vec::with_capacity(copies as usize);
        while let Some(joined) = tasks.join_next().await {
            if let Ok(r) = joined {
                results.push(r);
            }
        }
        results.sort_by_key(|(i, _)| *i);
        results.into_iter().map(|(_, e)| e).collect()
    }

    pub(super) fn capture(&mut self, at: At<'_>, exchange: &Exchange) -> Result<(), StepOutcome> {
        let step = at.step;
        let body = exchange.body_json().cloned().unwrap_or(Value::Null);
        for (name, path) in &step.capture {
            let value = check::search(path, &body).map_err(|e| {
                errored(
                    self.with_exchange(self.problem(at, Some(&exchange.operation), e), exchange),
                )
            })?;
            if value.is_null() {
                let message = format!("capture `{name}`: nothing at `{path}` in the answer");
                let p = self.problem(at, Some(&exchange.operation), message);
                return Err(errored(self.with_exchange(p, exchange)));
            }
            self.bindings.values.insert(name.clone(), value);
        }
        Ok(())
    }

    /// The step's captures that the answer holds, without complaint about those it lacks.
    fn salvage_captures(&mut self, step: &Step, exchange: &Exchange) {
        let Some(body) = exchange.success_body() else {
            return;
        };
        for (name, path) in &step.capture {
            if let Ok(value) = check::search(path, body)
                && !value.is_null()
            {
                self.bindings.values.insert(name.clone(), value);
            }
        }
    }

    /// The operation and body a step sends, templates expanded.
    pub(super) fn request(&self, step: &Step) -> Result<(String, Value), Error> {
        match &step.action {
            Action::Call { operation, params } => {
                let mut body = match params {
                    Some(p) => self.bindings.expand_value(&p.to_json())?,
                    None => Value::Object(Map::new()),
                };
                tag_with_run(
                    &self.env.service.model,
                    operation,
                    &mut body,
                    &self.bindings.run_prefix,
                );
                Ok((operation.clone(), body))
            }
            Action::Repeat { step: id, with } => {
                let (operation, original) = self.requests.get(id).ok_or_else(|| {
                    Error::input(format!("step `{id}` did not run, so it cannot be repeated"))
                })?;
                let mut body = original.clone();
                if let (Some(with), Some(object)) = (with, body.as_object_mut()) {
                    let changes = self.bindings.expand_value(&with.to_json())?;
                    for (key, value) in changes.as_object().into_iter().flatten() {
                        if value.is_null() {
                            object.remove(key);
                        } else {
                            object.insert(key.clone(), value.clone());
                        }
                    }
                }
                Ok((operation.clone(), body))
            }
            _ => Err(Error::internal("this step sends no request of its own")),
        }
    }

    /// A request must match the input schema unless the step says it breaks it on purpose.
    pub(super) fn validate_request(
        &self,
        at: At<'_>,
        operation: &str,
        body: &Value,
    ) -> Result<(), StepOutcome> {
        let step = at.step;
        let violations = self
            .env
            .service
            .model
            .check_input(operation, body)
            .map_err(|e| errored(self.problem(at, Some(operation), e)))?;
        let message = match (violations.first(), step.invalid_request) {
            (Some(first), false) => format!(
                "the request does not conform to {operation}'s input ({first}); if that is the point, mark the step `invalid_request: true`"
            ),
            (None, true) => {
                "the step is marked `invalid_request: true` but its request conforms to the model"
                    .to_string()
            }
            _ => return Ok(()),
        };
        let mut problem = self.problem(at, Some(operation), message);
        problem.actual = Some(body.to_string());
        Err(errored(problem))
    }

    /// For `diff`: every request step's redacted exchange, named by its phase and id (or, for a
    /// step without one, its line), so that one side failing early renames nothing on the
    /// other. Parallel bursts are left out: which copy comes first is a race, not a property
    /// of the endpoint.
    pub(super) fn record_every_step(&mut self, at: At<'_>, exchange: &Exchange) {
        let At { phase, step } = at;
        let Some(store) = self.env.snapshots.filter(|s| s.every_step) else {
            return;
        };
        if step.parallel > 1 {
            return;
        }
        let name = match &step.id {
            Some(id) => format!("{}-{id}", phase.name()),
            None => format!("{}-line{}-{}", phase.name(), step.pos.line, step.label()),
        };
        let document = self.redactor.exchange(exchange);
        if let Err(e) = store.check(&self.scenario.file, &name, document) {
            self.record(at, None, Duration::ZERO, format!("recording failed: {e}"));
        }
    }
}
