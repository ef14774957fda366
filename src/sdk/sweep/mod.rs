//! The sweep: every operation that carries an idempotency token, in every service a set of
//! botocore models describes, called through an SDK's driver with the harness as the endpoint.
//! Each operation is called twice: without a token (answered by a 500, then a throttle, then a
//! valid answer) and with the caller's token (a dropped connection, then a valid answer); the
//! requests the endpoint logged show whether the SDK kept its four duties ([`duties`]).

mod batch;
pub mod duties;
mod report;

pub use crate::endpoint::scripted::{Answer, Logged};
pub use batch::BatchDriver;
pub use duties::{Duties, Finding, Place};
pub use report::{SdkSweep, junit, markdown, summary_json};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use serde_json::Value;

use crate::endpoint::scripted::Scripted;
use crate::error::Error;
use crate::model::Model;
use crate::synth;

/// The protocols the sweep's endpoint speaks.
const SPOKEN: &[&str] = &["json", "rest-json"];

/// One operation to call.
pub struct Planned {
    /// The SDKs' name of the service (botocore's directory name).
    pub service: String,
    pub model: Arc<Model>,
    pub operation: String,
    pub place: Place,
    /// Minimal valid input, without the token.
    pub params: Value,
    pub token_member: String,
    /// A token the caller gives, valid for the member's shape.
    pub caller_token: String,
}

impl Planned {
    pub fn protocol(&self) -> String {
        protocol_label(&self.model)
    }
}

/// `json 1.0`, `json 1.1`, `rest-json`, or the model's protocol name.
pub fn protocol_label(model: &Model) -> String {
    match (
        model.metadata.protocol.as_str(),
        &model.metadata.json_version,
    ) {
        ("json", Some(v)) => format!("json {v}"),
        (p, _) => p.to_string(),
    }
}

/// An operation the sweep does not call, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub service: String,
    pub operation: String,
    pub protocol: String,
    pub reason: String,
}

#[derive(Default)]
pub struct Plan {
    pub targets: Vec<Planned>,
    pub skipped: Vec<Skipped>,
}

/// The token operations of `models` (name, model), those of `only` when given (service,
/// operation pairs; an unknown pair is an error).
pub fn plan(
    models: &[(String, Arc<Model>)],
    only: Option<&[(String, String)]>,
) -> Result<Plan, Error> {
    let mut plan = Plan::default();
    let wanted = |service: &str, op: &str| {
        only.is_none_or(|o| o.iter().any(|(s, p)| s == service && p == op))
    };
    for (service, model) in models {
        for operation in model.operations.keys() {
            let Some(member) = model.idempotency_token_member(operation) else {
                continue;
            };
            if !wanted(service, operation) {
                continue;
            }
            let skip = |reason: String| Skipped {
                service: service.clone(),
                operation: operation.clone(),
                protocol: protocol_label(model),
                reason,
            };
            if !SPOKEN.contains(&model.metadata.protocol.as_str()) {
                plan.skipped
                    .push(skip("the harness does not speak this protocol yet".into()));
                continue;
            }
            match target(service, model, operation, member) {
                Ok(t) => plan.targets.push(t),
                Err(reason) => plan.skipped.push(skip(reason.to_string())),
            }
        }
    }
    if let Some(only) = only {
        let known = |s: &String, o: &String| {
            models
                .iter()
                .any(|(name, m)| name == s && m.idempotency_token_member(o).is_some())
        };
        if let Some((s, o)) = only.iter().find(|(s, o)| !known(s, o)) {
            return Err(Error::input(format!(
                "`{s} {o}` is not a token operation of the models the sweep has"
            )));
        }
    }
    Ok(plan)
}

fn target(
    service: &str,
    model: &Arc<Model>,
    operation: &str,
    member: &str,
) -> Result<Planned, Error> {
    let input = model
        .operation(operation)
        .and_then(|o| o.input.as_ref())
        .ok_or_else(|| Error::input("no input shape"))?;
    let mut params = synth::minimal(model, &input.shape)
        .map_err(|e| Error::input(format!("no minimal input could be synthesized ({e})")))?;
    if let Some(map) = params.as_object_mut() {
        map.remove(member);
    }
    let place = Place::of(model, operation, member)
        .ok_or_else(|| Error::input("the token member has no place"))?;
    let shape = &model
        .input_shape(operation)
        .ok_or_else(|| Error::input("no input shape"))?
        .members[member]
        .shape;
    Ok(Planned {
        service: service.to_string(),
        model: model.clone(),
        operation: operation.to_string(),
        place,
        params,
        token_member: member.to_string(),
        caller_token: caller_token(model, shape),
    })
}

/// The attempts of one call: the requests for the operation up to its first valid answer.
/// What follows a valid answer is a new call (the AWS CLI fetching the next page), never a
/// retry.
fn attempts(log: &[Logged]) -> Vec<&Logged> {
    let mut out = Vec::new();
    for r in log.iter().filter(|r| r.for_operation) {
        out.push(r);
        if r.answer == Some(Answer::Success) {
            break;
        }
    }
    out
}

/// A caller's token the member's shape accepts, unlike anything an SDK generates.
fn caller_token(model: &Model, shape: &str) -> String {
    const CANDIDATES: &[&str] = &[
        "pc-sweep-callers-token-0001",
        "pcsweepcallerstoken0001",
        "PcSweepCallersToken0001",
        "0c0ffee0-cafe-4bad-8bad-ca11e5700001",
    ];
    let def = model.shape(shape);
    let fits = |c: &str| {
        let Some(def) = def else { return true };
        let len = c.chars().count() as f64;
        def.min.is_none_or(|m| len >= m)
            && def.max.is_none_or(|m| len <= m)
            && def
                .pattern
                .as_deref()
                .and_then(crate::model::usable_pattern)
                .and_then(|p| regex::Regex::new(&p).ok())
                .is_none_or(|r| r.is_match(c))
    };
    CANDIDATES
        .iter()
        .map(|c| c.to_string())
        .chain(CANDIDATES.iter().map(|c| format!("{c}{}", "x".repeat(64))))
        .find(|c| fits(c))
        .or_else(|| {
            synth::minimal(model, shape)
                .ok()?
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_else(|| CANDIDATES[0].to_string())
}

/// What one operation showed with one SDK.
#[derive(Debug, Clone, Serialize)]
pub struct OpResult {
    pub service: String,
    pub operation: String,
    pub protocol: String,
    pub place: Place,
    #[serde(flatten)]
    pub outcome: Judged,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Judged {
    Checked {
        duties: Duties,
        /// The driver's outcome of the two calls.
        outcomes: [String; 2],
        /// Every request of the two calls, as text (credentials left out).
        log: String,
    },
    /// The call could not be made (a driver error, an SDK without the operation).
    Unchecked { reason: String },
}

impl OpResult {
    pub fn broken(&self) -> Vec<&'static str> {
        match &self.outcome {
            Judged::Checked { duties, .. } => {
                duties.broken().into_iter().map(|(name, _)| name).collect()
            }
            Judged::Unchecked { .. } => Vec::new(),
        }
    }
}

/// Calls every target with the driver, `jobs` calls at a time (each with its own endpoint and
/// driver process); results in the plan's order, whatever the scheduling.
pub async fn sweep(
    targets: &[Planned],
    driver: &crate::sdk::Driver,
    jobs: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
    sdk: &mut Option<String>,
) -> Result<Vec<OpResult>, Error> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let mut found: BTreeMap<usize, OpResult> = BTreeMap::new();
    let workers = (0..jobs.max(1)).map(|_| async {
        let bench = Arc::new(Scripted::default());
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let server = crate::endpoint::start(bench.clone(), loopback)
            .await
            .map_err(|e| Error::io(format!("cannot start the sweep's endpoint: {e}")))?;
        let endpoint = server.url();
        let mut sdk = BatchDriver::new(driver.clone()).via_proxy(&endpoint);
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::SeqCst);
            let Some(t) = targets.get(i) else { break };
            mine.push((i, check(t, &bench, &endpoint, &mut sdk).await));
            progress(done.fetch_add(1, Ordering::SeqCst) + 1, targets.len());
        }
        drop(server);
        Ok::<_, Error>((mine, sdk.sdk))
    });
    for worker in futures_util::future::join_all(workers).await {
        let (mine, said) = worker?;
        found.extend(mine);
        if sdk.is_none() {
            *sdk = said;
        }
    }
    Ok(found.into_values().collect())
}

async fn check(t: &Planned, bench: &Scripted, endpoint: &str, sdk: &mut BatchDriver) -> OpResult {
    let result = |outcome| OpResult {
        service: t.service.clone(),
        operation: t.operation.clone(),
        protocol: t.protocol(),
        place: t.place.clone(),
        outcome,
    };
    let mut given = t.params.clone();
    if let Some(map) = given.as_object_mut() {
        map.insert(
            t.token_member.clone(),
            Value::String(t.caller_token.clone()),
        );
    }
    let mut outcomes = Vec::new();
    let mut logs = Vec::new();
    for (params, script) in [
        (&t.params, &[Answer::ServerError, Answer::Throttle][..]),
        (&given, &[Answer::Drop][..]),
    ] {
        bench.begin(&t.model, &t.operation, script);
        let outcome = sdk
            .call(&batch::Call {
                service: &t.service,
                service_id: &t.model.metadata.service_id,
                operation: &t.operation,
                params,
                endpoint,
            })
            .await;
        let log = bench.finish();
        match outcome {
            Ok(o) => outcomes.push(o),
            Err(reason) => {
                let reason = reason.to_string();
                return result(Judged::Unchecked { reason });
            }
        }
        logs.push(log);
    }
    let (generated, with_token) = (attempts(&logs[0]), attempts(&logs[1]));
    if generated.is_empty() && with_token.is_empty() {
        let host_prefix = t
            .model
            .operation(&t.operation)
            .and_then(|o| o.endpoint.as_ref())
            .map(|e| e.host_prefix.clone());
        let reason = match host_prefix {
            // An address cannot take a prefix: `api.127.0.0.1` reaches nothing.
            Some(prefix) => format!(
                "the SDK put the operation's host prefix `{prefix}` before the sweep's address, so no request reached it ({})",
                outcomes[0]
            ),
            None => format!(
                "the SDK sent no request for the operation ({}; {} other request(s))",
                outcomes[0],
                logs.iter().map(Vec::len).sum::<usize>()
            ),
        };
        return result(Judged::Unchecked { reason });
    }
    let duties = duties::judge(&t.place, &generated, &with_token, &t.caller_token);
    result(Judged::Checked {
        duties,
        outcomes: [outcomes[0].clone(), outcomes[1].clone()],
        log: report::log_text(&logs),
    })
}
