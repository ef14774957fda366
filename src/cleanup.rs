//! Deletes what runs left behind (an aborted run, a killed CI job), recognised by the run
//! prefix in its name, in the order the service pack gives (what hangs on something first),
//! waiting for asynchronous deletes. Listing pages as the model's paginators say. Anything
//! whose name lacks a run prefix is never touched.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use crate::client::{Body, Client, RetryPolicy};
use crate::error::Error;
use crate::runner::{Capabilities, advance_clock};
use crate::service::{CleanupKind, Service};

/// Which resources to delete.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Names starting with this run's prefix.
    Run(String),
    /// Any run prefix, created more than this many seconds before the endpoint's now.
    Older(f64),
}

impl Matcher {
    /// The resources of the run `run_id` (prefix `pc<ID>-`).
    pub fn run(run_id: &str) -> Matcher {
        Matcher::Run(format!("pc{run_id}-"))
    }

    fn matches(&self, name: &str, created: Option<f64>, now: f64) -> bool {
        match self {
            Matcher::Run(prefix) => name.starts_with(prefix.as_str()),
            Matcher::Older(age) => has_run_prefix(name) && created.is_some_and(|c| now - c > *age),
        }
    }
}

/// A run prefix: `pc` + run id + `-` + six hex digits (see `scenario::template::Bindings`).
pub fn has_run_prefix(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("pc") else {
        return false;
    };
    let Some((id, tail)) = rest.split_once('-') else {
        return false;
    };
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
        && tail.len() >= 6
        && tail.as_bytes()[..6].iter().all(u8::is_ascii_hexdigit)
        && (tail.len() == 6 || tail.as_bytes()[6] == b'-')
}

/// What a sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sweep {
    /// Deleted (or, in a dry run, to be deleted).
    pub deleted: usize,
    /// Listed, but without a matching run prefix: left alone.
    pub kept: usize,
}

/// Deletes every resource `matcher` picks; `log` hears each delete before it is sent.
pub async fn sweep(
    client: &Client,
    service: &Service,
    matcher: &Matcher,
    dry_run: bool,
    log: &mut dyn FnMut(String),
) -> Result<Sweep, Error> {
    let now = endpoint_now(client).await;
    let mut sweep = Sweep::default();
    let verb = if dry_run { "would call" } else { "calling" };
    for kind in &service.pack.cleanup {
        for params in &kind.list_params {
            for item in list_all(client, service, &kind.list, params).await? {
                let name = item[&kind.name].as_str().unwrap_or_default();
                if !matcher.matches(name, created(&item), now) {
                    sweep.kept += 1;
                    continue;
                }
                sweep.deleted +=
                    delete_versions(client, service, kind, &item, dry_run, log).await?;
                let key = key_of(&kind.key, &item);
                log(format!("{verb} {} {key}", kind.delete));
                if !dry_run {
                    delete(client, &kind.delete, &key).await?;
                    if let Some(get) = &kind.gone {
                        wait_gone(client, get, &key).await?;
                    }
                }
                sweep.deleted += 1;
            }
        }
    }
    Ok(sweep)
}

/// The versions of a resource, deleted before it; how many.
async fn delete_versions(
    client: &Client,
    service: &Service,
    kind: &CleanupKind,
    parent: &Value,
    dry_run: bool,
    log: &mut dyn FnMut(String),
) -> Result<usize, Error> {
    let Some(versions) = &kind.versions else {
        return Ok(0);
    };
    let mut params = Map::new();
    params.insert(versions.parent.clone(), parent[&kind.name].clone());
    let listed = list_all(
        client,
        service,
        &versions.list,
        &Value::Object(params.clone()),
    )
    .await?;
    for version in &listed {
        // A version listing may not repeat the parent's name: the list's own input fills it.
        let mut item = params.clone();
        item.extend(version.as_object().cloned().unwrap_or_default());
        let key = key_of(&versions.key, &Value::Object(item));
        let verb = if dry_run { "would call" } else { "calling" };
        log(format!("{verb} {} {key}", versions.delete));
        if !dry_run {
            delete(client, &versions.delete, &key).await?;
        }
    }
    Ok(listed.len())
}

fn created(item: &Value) -> Option<f64> {
    item["createdAt"]
        .as_f64()
        .or_else(|| item["requestedAt"].as_f64())
}

/// The delete's input: each member from the listed item's member the pack names.
fn key_of(key: &std::collections::BTreeMap<String, String>, item: &Value) -> Value {
    Value::Object(
        key.iter()
            .map(|(input, from)| (input.clone(), item[from].clone()))
            .collect(),
    )
}

/// Every item of a listing, page after page as the model's paginator says.
async fn list_all(
    client: &Client,
    service: &Service,
    operation: &str,
    params: &Value,
) -> Result<Vec<Value>, Error> {
    let paginator = service
        .model
        .paginators
        .get(operation)
        .ok_or_else(|| Error::endpoint(format!("{operation} has no paginator in the model")))?;
    let items = paginator.result_key.as_str().unwrap_or_default();
    let mut out = Vec::new();
    let mut params = params.clone();
    loop {
        let exchange = client
            .call_retrying(operation, &params, &RetryPolicy::default())
            .await;
        let body = exchange.success_body().ok_or_else(|| {
            Error::endpoint(format!(
                "{operation} failed: {}",
                crate::redact::exchange_text(&exchange)
            ))
        })?;
        out.extend(body[items].as_array().cloned().unwrap_or_default());
        match paginator.next_page(&params, body) {
            Some(next) => params = next,
            None => return Ok(out),
        }
    }
}

async fn delete(client: &Client, operation: &str, params: &Value) -> Result<(), Error> {
    let exchange = client
        .call_retrying(operation, params, &RetryPolicy::default())
        .await;
    match exchange.response().map(|r| &r.body) {
        Some(Body::Success(_)) => Ok(()),
        Some(Body::Error(e)) if e.error_type == "ResourceNotFoundException" => Ok(()),
        _ => Err(Error::endpoint(format!(
            "{operation} failed: {}",
            crate::redact::exchange_text(&exchange)
        ))),
    }
}

/// Polls until the resource is gone (ResourceNotFoundException), for up to ten minutes.
async fn wait_gone(client: &Client, operation: &str, params: &Value) -> Result<(), Error> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(600) {
        let exchange = client
            .call_retrying(operation, params, &RetryPolicy::default())
            .await;
        if let Some(Body::Error(e)) = exchange.response().map(|r| &r.body)
            && e.error_type == "ResourceNotFoundException"
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(Error::endpoint(format!(
        "{operation} {params}: still there after ten minutes"
    )))
}

/// The endpoint's time: its virtual clock if it has one (runs may have moved it), else ours.
async fn endpoint_now(client: &Client) -> f64 {
    let clock = Capabilities::discover(client).await.is_ok_and(|c| c.clock);
    if clock && let Ok(now) = advance_clock(client, 0).await {
        return now;
    }
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_run_prefixes_only() {
        assert!(has_run_prefix("pcabc123-0f3e9a-tpl"));
        assert!(has_run_prefix("pcabc123-0f3e9a"));
        assert!(!has_run_prefix("production-tpl"));
        assert!(!has_run_prefix("pcabc123-xyz-tpl"));
        assert!(!has_run_prefix("pc-0f3e9a-tpl"));
        let m = Matcher::Older(3600.0);
        assert!(m.matches("pcabc-0f3e9a-t", Some(0.0), 7200.0));
        assert!(!m.matches("pcabc-0f3e9a-t", Some(5000.0), 7200.0));
        assert!(!m.matches("mine", Some(0.0), 7200.0));
        assert!(Matcher::run("abc").matches("pcabc-0f3e9a-t", None, 0.0));
    }

    #[test]
    fn every_listing_of_the_proton_pack_has_a_paginator() {
        let service = Service::proton();
        for kind in &service.pack.cleanup {
            let lists = std::iter::once(&kind.list).chain(kind.versions.iter().map(|v| &v.list));
            for list in lists {
                let p = service.model.paginators.get(list).expect(list);
                assert!(p.result_key.is_string(), "{list}");
            }
        }
    }
}
