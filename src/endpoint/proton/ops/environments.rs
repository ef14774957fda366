//! Environments: idempotent creates without a token (CONTRACT.md IC) and asynchronous
//! idempotent deletes (AD). They deploy for `deploy_seconds` (IN_PROGRESS, then SUCCEEDED) and
//! stay DELETE_IN_PROGRESS for `delete_seconds` before they disappear.
//!
//! Preconditions of the real service that the contract does not state, enforced here:
//! - the environment template version must exist and be PUBLISHED (ValidationException);
//! - an environment account connection, if named, must exist and be CONNECTED (ValidationException);
//! - an environment with service instances or components cannot be deleted (ConflictException);
//! - an environment being deleted cannot be updated or created again (ConflictException).

use serde_json::{Map, Value, json};

use super::deployments;
use super::idempotency::named_retry;
use super::input::{idempotency_params, optional_str, required_str, tags_of, version_part};
use super::paging::listing;
use super::template_versions::{published_version, version_to_deploy};
use super::{Ctx, OpResult, finished_async_delete};
use crate::endpoint::control::{Millis, epoch_seconds};
use crate::endpoint::proton::error::ErrorAnswer;
use crate::endpoint::proton::faults::Fault;
use crate::endpoint::proton::lifecycle::Deletion;
use crate::endpoint::proton::state::records::DeploymentTarget;
use crate::endpoint::proton::state::records::Environment;
use crate::endpoint::proton::state::{Store, TemplateKind};

/// Members copied from the request into the detail as they are.
const COPIED: &[&str] = &[
    "description",
    "spec",
    "protonServiceRoleArn",
    "codebuildRoleArn",
    "componentRoleArn",
    "environmentAccountConnectionId",
];

impl Environment {
    pub fn detail(&self, store: &Store, now: Millis) -> Value {
        let mut d = json!({
            "name": self.name,
            "arn": self.arn,
            "createdAt": epoch_seconds(self.created_at),
            "templateName": self.template_name,
            "templateMajorVersion": self.major.to_string(),
            "templateMinorVersion": self.minor.to_string(),
        });
        for (k, v) in &self.fields {
            d[k] = v.clone();
        }
        deployments::describe(store, &self.deployment, &mut d, now, self.created_at);
        if self.deletion.is_some() {
            d["deploymentStatus"] = json!("DELETE_IN_PROGRESS");
        }
        d
    }

    fn answer(&self, store: &Store, now: Millis) -> Value {
        json!({ "environment": self.detail(store, now) })
    }
}

pub fn live<'a>(store: &'a Store, name: &str) -> Result<&'a Environment, ErrorAnswer> {
    store
        .environments
        .get(name)
        .ok_or_else(|| ErrorAnswer::not_found(format!("environment {name} not found")))
}

fn copied_fields(
    input: &Map<String, Value>,
    store: &Store,
    ctx: &Ctx,
) -> Result<Map<String, Value>, ErrorAnswer> {
    let mut fields: Map<String, Value> = COPIED
        .iter()
        .filter_map(|m| input.get(*m).map(|v| (m.to_string(), v.clone())))
        .collect();
    if let Some(id) = optional_str(input, "environmentAccountConnectionId") {
        let connection = store
            .connections
            .get(id)
            .filter(|c| c.status == "CONNECTED")
            .ok_or_else(|| {
                ErrorAnswer::validation(format!(
                    "environment account connection {id} is not CONNECTED"
                ))
            })?;
        fields.insert(
            "environmentAccountId".into(),
            json!(connection.environment_account_id),
        );
    } else {
        fields.insert("environmentAccountId".into(), json!(ctx.config.account));
    }
    if let Some(repo) = input.get("provisioningRepository") {
        let mut repo = repo.clone();
        let arn = ctx.config.arn(&format!(
            "repository/{}:{}",
            repo["provider"]
                .as_str()
                .unwrap_or_default()
                .to_ascii_lowercase(),
            repo["name"].as_str().unwrap_or_default()
        ));
        repo["arn"] = json!(arn);
        fields.insert("provisioningRepository".into(), repo);
        fields.insert("provisioning".into(), json!("CUSTOMER_MANAGED"));
    }
    Ok(fields)
}

pub fn create(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "name")?;
    let params = idempotency_params(input, None);
    if let Some(existing) = store.environments.get(name) {
        if existing.deletion.is_some() {
            return Err(ErrorAnswer::conflict(format!(
                "environment {name} is being deleted"
            )));
        }
        return named_retry(
            ctx,
            &existing.request,
            existing.modified,
            &params,
            existing.answer(store, ctx.now),
        );
    }
    let version = version_to_deploy(store, TemplateKind::Environment, input, ctx.now)?;
    let (template, major, minor) = (version.template_name.clone(), version.major, version.minor);
    let template = template.as_str();
    let fields = copied_fields(input, store, ctx)?;
    let arn = ctx.config.arn(&format!("environment/{name}"));
    let deployment = deployments::start(
        store,
        ctx,
        DeploymentTarget {
            resource_type: "ENVIRONMENT",
            arn: arn.clone(),
            created_at: ctx.now,
            environment_name: name.to_string(),
            ..DeploymentTarget::default()
        },
        None,
    );
    let environment = Environment {
        name: name.to_string(),
        arn: arn.clone(),
        created_at: ctx.now,
        template_name: template.to_string(),
        major,
        minor,
        fields,
        deployment,
        deletion: None,
        request: params,
        modified: false,
    };
    let answer = environment.answer(store, ctx.now);
    store.environments.insert(name.to_string(), environment);
    store.tags.insert(arn, tags_of(input));
    Ok(answer)
}

pub fn get(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    Ok(live(store, required_str(input, "name")?)?.answer(store, ctx.now))
}

pub fn update(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "name")?;
    let env = live(store, name)?;
    if env.deletion.is_some() {
        return Err(ErrorAnswer::conflict(format!(
            "environment {name} is being deleted"
        )));
    }
    let deployment_type = required_str(input, "deploymentType")?;
    let mut major = env.major;
    let mut minor = env.minor;
    let redeploy = deployment_type != "NONE";
    if redeploy && deployments::status(store, &env.deployment, ctx.now) == "IN_PROGRESS" {
        return Err(ErrorAnswer::conflict(format!(
            "environment {name} is already deploying"
        )));
    }
    if matches!(deployment_type, "MINOR_VERSION" | "MAJOR_VERSION") {
        major = version_part(input, "templateMajorVersion")?.unwrap_or(major);
        let wanted_minor = version_part(input, "templateMinorVersion")?;
        let template = env.template_name.clone();
        minor = published_version(
            store,
            TemplateKind::Environment,
            &template,
            major,
            wanted_minor,
            ctx.now,
        )?
        .minor;
    }
    let mut changes = copied_fields(input, store, ctx)?;
    if input.get("environmentAccountConnectionId").is_none() {
        changes.remove("environmentAccountId");
    }
    let previous = env.deployment.clone();
    let (arn, created_at) = (env.arn.clone(), env.created_at);
    let deployment = if redeploy {
        let target = DeploymentTarget {
            resource_type: "ENVIRONMENT",
            arn,
            created_at,
            environment_name: name.to_string(),
            ..DeploymentTarget::default()
        };
        deployments::start(store, ctx, target, Some(&previous))
    } else {
        previous
    };
    let env = store.environments.get_mut(name).expect("checked above");
    env.fields.extend(changes);
    env.major = major;
    env.minor = minor;
    env.deployment = deployment;
    env.modified = true;
    Ok(live(store, name)?.answer(store, ctx.now))
}

pub fn delete(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "name")?;
    let Some(env) = store.environments.get(name) else {
        return finished_async_delete(ctx, "environment");
    };
    if env.deletion.is_some() {
        // AD1: a retry while the delete is in progress returns the detail, nothing more.
        if ctx.faults.has(Fault::ConflictOnDeleteInProgress) {
            return Err(ErrorAnswer::conflict(format!(
                "environment {name} is already being deleted"
            )));
        }
        return Ok(env.answer(store, ctx.now));
    }
    if store
        .service_instances
        .values()
        .any(|i| i.environment_name == name)
        || store
            .components
            .values()
            .any(|c| c.environment_name == name)
    {
        return Err(ErrorAnswer::conflict(format!(
            "environment {name} still has service instances or components"
        )));
    }
    let done_at = ctx.after(ctx.config.delete_seconds);
    let env = store.environments.get_mut(name).expect("checked above");
    env.deletion = Some(Deletion { done_at });
    Ok(live(store, name)?.answer(store, ctx.now))
}

pub fn list(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let filters: Vec<(String, String)> = input
        .get("environmentTemplates")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| {
            Some((
                f["templateName"].as_str()?.to_string(),
                f["majorVersion"].as_str()?.to_string(),
            ))
        })
        .collect();
    let items: Vec<Value> = store
        .environments
        .values()
        .filter(|e| {
            filters.is_empty()
                || filters
                    .iter()
                    .any(|(t, m)| *t == e.template_name && *m == e.major.to_string())
        })
        .map(|e| {
            let mut d = e.detail(store, ctx.now);
            if let Some(o) = d.as_object_mut() {
                o.remove("spec");
                o.remove("provisioningRepository");
                o.remove("codebuildRoleArn");
            }
            d
        })
        .collect();
    listing("environments", items, input)
}

pub fn cancel_deployment(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "environmentName")?;
    let deployment = live(store, name)?.deployment.clone();
    deployments::cancel(store, &deployment, ctx.now)?;
    Ok(live(store, name)?.answer(store, ctx.now))
}
