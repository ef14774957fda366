//! Deployments: every deploy of an environment, service instance, pipeline or component is a
//! record here; resources point at their latest one. Get/ListDeployments and the Cancel*
//! operations read and change these records.

use serde_json::{Map, Value, json};

use super::input::{optional_str, required_str};
use super::paging::listing;
use super::{Ctx, OpResult};
use crate::endpoint::control::{Millis, epoch_seconds};
use crate::endpoint::proton::error::ErrorAnswer;
use crate::endpoint::proton::lifecycle::Rollout;
use crate::endpoint::proton::state::Store;
use crate::endpoint::proton::state::records::{DeploymentRecord, DeploymentTarget};

/// Starts a deployment of `target`; `previous` is the target's current deployment, if any.
pub fn start(
    store: &mut Store,
    ctx: &Ctx,
    target: DeploymentTarget,
    previous: Option<&str>,
) -> String {
    let id = store.new_uuid();
    let previous_success = previous
        .and_then(|p| store.deployments.get(p))
        .and_then(|d| d.rollout.last_success(ctx.now));
    let rollout = Rollout::new(
        id.clone(),
        ctx.now,
        ctx.config.deploy_seconds,
        previous_success,
    );
    let arn = ctx.config.arn(&format!("deployment/{id}"));
    store.deployments_started += 1;
    let sequence = store.deployments_started;
    store.deployments.insert(
        id.clone(),
        DeploymentRecord {
            arn,
            sequence,
            rollout,
            target,
        },
    );
    id
}

/// Writes a resource's deployment members from its latest deployment.
pub fn describe(
    store: &Store,
    deployment: &str,
    detail: &mut Value,
    now: Millis,
    created_at: Millis,
) {
    if let Some(d) = store.deployments.get(deployment) {
        d.rollout.describe(detail, now, created_at);
    }
}

pub fn status(store: &Store, deployment: &str, now: Millis) -> &'static str {
    store
        .deployments
        .get(deployment)
        .map_or("SUCCEEDED", |d| d.rollout.status(now))
}

/// Cancels a deployment in progress (ConflictException otherwise).
pub fn cancel(store: &mut Store, deployment: &str, now: Millis) -> Result<(), ErrorAnswer> {
    let record = store
        .deployments
        .get_mut(deployment)
        .ok_or_else(|| ErrorAnswer::not_found("deployment not found"))?;
    if record.rollout.status(now) != "IN_PROGRESS" {
        return Err(ErrorAnswer::conflict("no deployment in progress to cancel"));
    }
    record.rollout.cancelled_at = Some(now);
    Ok(())
}

fn summary(d: &DeploymentRecord, now: Millis) -> Value {
    let mut v = json!({
        "id": d.rollout.id,
        "arn": d.arn,
        "createdAt": epoch_seconds(d.rollout.started_at),
        "lastModifiedAt": epoch_seconds(d.rollout.cancelled_at.unwrap_or(d.rollout.started_at)),
        "deploymentStatus": d.rollout.status(now),
        "environmentName": d.target.environment_name,
        "targetArn": d.target.arn,
        "targetResourceCreatedAt": epoch_seconds(d.target.created_at),
        "targetResourceType": d.target.resource_type,
        "lastAttemptedDeploymentId": d.rollout.id,
    });
    if d.rollout.status(now) == "SUCCEEDED" {
        v["completedAt"] = epoch_seconds(d.rollout.done_at);
        v["lastSucceededDeploymentId"] = json!(d.rollout.id);
    }
    for (member, value) in [
        ("serviceName", &d.target.service_name),
        ("serviceInstanceName", &d.target.service_instance_name),
        ("componentName", &d.target.component_name),
    ] {
        if let Some(v2) = value {
            v[member] = json!(v2);
        }
    }
    v
}

pub fn get(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let id = required_str(input, "id")?;
    let d = store
        .deployments
        .get(id)
        .ok_or_else(|| ErrorAnswer::not_found(format!("deployment {id} not found")))?;
    Ok(json!({ "deployment": summary(d, ctx.now) }))
}

pub fn list(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let matches = |d: &&DeploymentRecord| {
        optional_str(input, "environmentName").is_none_or(|e| d.target.environment_name == e)
            && optional_str(input, "serviceName")
                .is_none_or(|s| d.target.service_name.as_deref() == Some(s))
            && optional_str(input, "serviceInstanceName")
                .is_none_or(|s| d.target.service_instance_name.as_deref() == Some(s))
            && optional_str(input, "componentName")
                .is_none_or(|c| d.target.component_name.as_deref() == Some(c))
    };
    let mut found: Vec<&DeploymentRecord> = store.deployments.values().filter(matches).collect();
    // Newest first; the sequence orders two started in the same millisecond, which the random
    // ids (the map's keys) would otherwise order by chance.
    found.sort_by_key(|d| std::cmp::Reverse((d.rollout.started_at, d.sequence)));
    let items = found.into_iter().map(|d| summary(d, ctx.now)).collect();
    listing("deployments", items, input)
}
