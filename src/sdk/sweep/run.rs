//! Calling every planned operation through a driver, against the scripted endpoint, and
//! judging the requests it logged.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use serde_json::Value;

use super::batch::{self, BatchDriver};
use super::duties::{self, Duties, Place};
use super::plan::Planned;
use super::report;
use crate::endpoint::scripted::{Answer, Logged, Scripted};
use crate::error::Error;

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
    /// The call could not be made (an SDK without the operation).
    Unchecked { reason: String },
    /// The driver failed (crashed, hung, wrote no outcome): an error of the sweep, never a
    /// verdict on the SDK; the reason carries the end of its stderr.
    DriverFailed { reason: String },
}

impl OpResult {
    /// Whether the driver failed on the operation (an error of the sweep).
    pub fn driver_failed(&self) -> bool {
        matches!(self.outcome, Judged::DriverFailed { .. })
    }

    pub fn broken(&self) -> Vec<&'static str> {
        match &self.outcome {
            Judged::Checked { duties, .. } => {
                duties.broken().into_iter().map(|(name, _)| name).collect()
            }
            Judged::Unchecked { .. } | Judged::DriverFailed { .. } => Vec::new(),
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
                return result(Judged::DriverFailed { reason });
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
