//! Account-wide operations: tags by ARN, the resources summary, account settings.

use serde_json::{Map, Value, json};

use super::input::required_str;
use super::paging::listing;
use super::{Ctx, OpResult};
use crate::endpoint::proton::error::ErrorAnswer;
use crate::endpoint::proton::state::{Store, TemplateKind};

fn tagged<'a>(
    store: &'a mut Store,
    arn: &str,
) -> Result<&'a mut Vec<(String, String)>, ErrorAnswer> {
    store
        .tags
        .get_mut(arn)
        .ok_or_else(|| ErrorAnswer::not_found(format!("no resource has the ARN {arn}")))
}

pub fn tag(store: &mut Store, _ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let tags = tagged(store, required_str(input, "resourceArn")?)?;
    for t in input
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(k), Some(v)) = (t["key"].as_str(), t["value"].as_str()) else {
            continue;
        };
        tags.retain(|(key, _)| key != k);
        tags.push((k.to_string(), v.to_string()));
    }
    Ok(json!({}))
}

pub fn untag(store: &mut Store, _ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let tags = tagged(store, required_str(input, "resourceArn")?)?;
    let keys: Vec<&str> = input
        .get("tagKeys")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    tags.retain(|(k, _)| !keys.contains(&k.as_str()));
    Ok(json!({}))
}

pub fn list_tags(store: &mut Store, _ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let tags = tagged(store, required_str(input, "resourceArn")?)?;
    let mut items: Vec<Value> = tags
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect();
    items.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
    listing("tags", items, input)
}

pub fn resources_summary(store: &mut Store, _ctx: &Ctx, _input: &Map<String, Value>) -> OpResult {
    let count = |n: usize| json!({ "total": n, "upToDate": n, "behindMajor": 0, "behindMinor": 0, "failed": 0 });
    let templates = |kind| store.templates.keys().filter(|(k, _)| *k == kind).count();
    Ok(json!({ "counts": {
        "environmentTemplates": count(templates(TemplateKind::Environment)),
        "serviceTemplates": count(templates(TemplateKind::Service)),
        "environments": count(store.environments.len()),
        "services": count(store.services.len()),
        "serviceInstances": count(store.service_instances.len()),
        "components": count(store.components.len()),
        "pipelines": count(store.services.values().filter(|s| s.pipeline_deployment.is_some()).count()),
    }}))
}

pub fn get_settings(store: &mut Store, _ctx: &Ctx, _input: &Map<String, Value>) -> OpResult {
    Ok(json!({ "accountSettings": store.account_settings }))
}

pub fn update_settings(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    for member in ["pipelineServiceRoleArn", "pipelineCodebuildRoleArn"] {
        if let Some(v) = input.get(member) {
            store.account_settings.insert(member.into(), v.clone());
        }
    }
    if let Some(repo) = input.get("pipelineProvisioningRepository") {
        let mut repo = repo.clone();
        repo["arn"] = json!(ctx.config.arn(&format!(
            "repository/{}:{}",
            repo["provider"].as_str().unwrap_or_default().to_ascii_lowercase(),
            repo["name"].as_str().unwrap_or_default()
        )));
        store
            .account_settings
            .insert("pipelineProvisioningRepository".into(), repo);
    }
    if input.get("deletePipelineProvisioningRepository") == Some(&json!(true)) {
        store
            .account_settings
            .remove("pipelineProvisioningRepository");
    }
    Ok(json!({ "accountSettings": store.account_settings }))
}
