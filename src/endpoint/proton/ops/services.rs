//! Services, their instances and pipelines. CreateService is an idempotent create without a
//! token (CONTRACT.md IC), DeleteService an asynchronous idempotent delete (AD);
//! CreateServiceInstance and UpdateServiceInstance take a client token (the model marks it;
//! the documentation does not list them: "model-only").
//!
//! A service is CREATE_IN_PROGRESS for `deploy_seconds`, then ACTIVE; DELETE_IN_PROGRESS for
//! `delete_seconds`, then gone with its instances.
//!
//! Preconditions of the real service that the contract does not state, enforced here:
//! - the service template version must exist and be PUBLISHED (ValidationException);
//! - every instance's environment must exist and use a template the version declares
//!   compatible (ValidationException);
//! - an instance's spec names its environment (`environment:` at the top, or the service
//!   spec's `instances` entry of the same name) (ValidationException);
//! - a service with components attached cannot be deleted (ConflictException).

use serde_json::{Map, Value, json};

use super::deployments;
use super::idempotency::named_retry;
use super::input::{idempotency_params, required_str, tags_of};
use super::paging::listing;
use super::template_versions::version_to_deploy;
use super::{Ctx, OpResult, finished_async_delete};
use crate::endpoint::control::{Millis, epoch_seconds};
use crate::endpoint::proton::error::ErrorAnswer;
use crate::endpoint::proton::faults::Fault;
use crate::endpoint::proton::lifecycle::Deletion;
use crate::endpoint::proton::state::records::DeploymentTarget;
use crate::endpoint::proton::state::records::{Service, ServiceInstance};
use crate::endpoint::proton::state::{Store, TemplateKind};

const COPIED: &[&str] = &[
    "description",
    "spec",
    "branchName",
    "repositoryConnectionArn",
    "repositoryId",
];

impl Service {
    fn status(&self, now: Millis) -> &'static str {
        if self.deletion.is_some() {
            "DELETE_IN_PROGRESS"
        } else if now < self.active_at {
            "CREATE_IN_PROGRESS"
        } else if self.updated_at.is_some_and(|t| now < t) {
            "UPDATE_IN_PROGRESS"
        } else {
            "ACTIVE"
        }
    }

    fn detail(&self, store: &Store, now: Millis) -> Value {
        let mut d = json!({
            "name": self.name,
            "arn": self.arn,
            "createdAt": epoch_seconds(self.created_at),
            "lastModifiedAt": epoch_seconds(self.last_modified_at),
            "templateName": self.template_name,
            "status": self.status(now),
        });
        for (k, v) in &self.fields {
            d[k] = v.clone();
        }
        if let Some(deployment) = &self.pipeline_deployment {
            let mut p = json!({
                "arn": format!("{}/pipeline", self.arn),
                "createdAt": epoch_seconds(self.created_at),
                "templateName": self.template_name,
                "templateMajorVersion": self.major.to_string(),
                "templateMinorVersion": self.minor.to_string(),
            });
            deployments::describe(store, deployment, &mut p, now, self.created_at);
            d["pipeline"] = p;
        }
        d
    }

    fn answer(&self, store: &Store, now: Millis) -> Value {
        json!({ "service": self.detail(store, now) })
    }
}

pub(super) fn live<'a>(store: &'a Store, name: &str) -> Result<&'a Service, ErrorAnswer> {
    store
        .services
        .get(name)
        .ok_or_else(|| ErrorAnswer::not_found(format!("service {name} not found")))
}

/// `instances: [{name, environment}]` from a service spec; a spec that is not YAML is refused.
pub(super) fn spec_instances(spec: &str) -> Result<Vec<(String, String)>, ErrorAnswer> {
    let parsed: Value = serde_saphyr::from_str(spec).map_err(|e| {
        ErrorAnswer::validation(format!("spec is not valid YAML: {}", e.without_snippet()))
    })?;
    Ok(parsed["instances"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| {
            Some((
                i["name"].as_str()?.to_string(),
                i["environment"].as_str()?.to_string(),
            ))
        })
        .collect())
}

/// The environment named for an instance: its own spec's `environment:`, else the service
/// spec's entry for it.
pub(super) fn instance_environment(
    spec: Option<&str>,
    service_spec: Option<&str>,
    name: &str,
) -> Result<String, ErrorAnswer> {
    if let Some(spec) = spec {
        let parsed: Value = serde_saphyr::from_str(spec).map_err(|e| {
            ErrorAnswer::validation(format!("spec is not valid YAML: {}", e.without_snippet()))
        })?;
        if let Some(env) = parsed["environment"].as_str() {
            return Ok(env.to_string());
        }
        if let Some((_, env)) = spec_instances(spec)?.into_iter().find(|(n, _)| n == name) {
            return Ok(env);
        }
    }
    if let Some(spec) = service_spec
        && let Some((_, env)) = spec_instances(spec)?.into_iter().find(|(n, _)| n == name)
    {
        return Ok(env);
    }
    Err(ErrorAnswer::validation(format!(
        "the spec names no environment for instance {name} (`environment:` or an `instances` entry)"
    )))
}

/// The environment must exist and use a template the service template version accepts.
pub(super) fn check_compatible(
    store: &Store,
    environment: &str,
    compatible: &Value,
) -> Result<(), ErrorAnswer> {
    let env = store
        .environments
        .get(environment)
        .filter(|e| e.deletion.is_none())
        .ok_or_else(|| {
            ErrorAnswer::validation(format!("environment {environment} does not exist"))
        })?;
    let ok = compatible.as_array().into_iter().flatten().any(|c| {
        c["templateName"].as_str() == Some(&env.template_name)
            && c["majorVersion"].as_str() == Some(&env.major.to_string())
    });
    if ok {
        Ok(())
    } else {
        Err(ErrorAnswer::validation(format!(
            "environment {environment} uses {}:{}, which the service template version does not list as compatible",
            env.template_name, env.major
        )))
    }
}

pub fn create(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "name")?;
    let params = idempotency_params(input, None);
    if let Some(existing) = store.services.get(name) {
        if existing.deletion.is_some() {
            return Err(ErrorAnswer::conflict(format!(
                "service {name} is being deleted"
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
    let version = version_to_deploy(store, TemplateKind::Service, input, ctx.now)?;
    let (template, major, minor) = (version.template_name.clone(), version.major, version.minor);
    let template = template.as_str();
    let compatible = version
        .extra
        .get("compatibleEnvironmentTemplates")
        .cloned()
        .unwrap_or(Value::Null);
    let spec = required_str(input, "spec")?;
    let instances = spec_instances(spec)?;
    for (_, environment) in &instances {
        check_compatible(store, environment, &compatible)?;
    }
    let with_pipeline = store
        .templates
        .get(&(TemplateKind::Service, template.to_string()))
        .is_some_and(|t| t.provisioning.is_some());
    let arn = ctx.config.arn(&format!("service/{name}"));
    let pipeline_deployment = with_pipeline.then(|| {
        deployments::start(
            store,
            ctx,
            DeploymentTarget {
                resource_type: "SERVICE_PIPELINE",
                arn: format!("{arn}/pipeline"),
                created_at: ctx.now,
                // Deployments name an environment; a pipeline's is its first instance's.
                environment_name: instances
                    .first()
                    .map_or_else(|| name.to_string(), |(_, e)| e.clone()),
                service_name: Some(name.to_string()),
                ..DeploymentTarget::default()
            },
            None,
        )
    });
    for (instance, environment) in instances {
        let instance = new_instance(
            store,
            ctx,
            name,
            &instance,
            &environment,
            (template, major, minor),
            None,
        );
        store.tags.insert(instance.arn.clone(), Vec::new());
        store
            .service_instances
            .insert((name.to_string(), instance.name.clone()), instance);
    }
    let service = Service {
        name: name.to_string(),
        arn: arn.clone(),
        created_at: ctx.now,
        last_modified_at: ctx.now,
        template_name: template.to_string(),
        major,
        minor,
        fields: COPIED
            .iter()
            .filter_map(|m| input.get(*m).map(|v| (m.to_string(), v.clone())))
            .collect(),
        active_at: ctx.after(ctx.config.deploy_seconds),
        updated_at: None,
        pipeline_deployment,
        deletion: None,
        request: params,
        modified: false,
    };
    let answer = service.answer(store, ctx.now);
    store.services.insert(name.to_string(), service);
    store.tags.insert(arn, tags_of(input));
    Ok(answer)
}

pub(super) fn new_instance(
    store: &mut Store,
    ctx: &Ctx,
    service: &str,
    name: &str,
    environment: &str,
    (template, major, minor): (&str, u32, u32),
    spec: Option<String>,
) -> ServiceInstance {
    let arn = ctx
        .config
        .arn(&format!("service/{service}/service-instance/{name}"));
    let deployment = deployments::start(
        store,
        ctx,
        DeploymentTarget::service_instance(arn.clone(), ctx.now, environment, service, name),
        None,
    );
    ServiceInstance {
        service_name: service.to_string(),
        name: name.to_string(),
        arn,
        created_at: ctx.now,
        environment_name: environment.to_string(),
        template_name: template.to_string(),
        major,
        minor,
        spec,
        deployment,
        last_client_request_token: None,
    }
}

pub fn get(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    Ok(live(store, required_str(input, "name")?)?.answer(store, ctx.now))
}

pub fn update(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "name")?;
    let service = live(store, name)?;
    if service.deletion.is_some() {
        return Err(ErrorAnswer::conflict(format!(
            "service {name} is being deleted"
        )));
    }
    let service = store.services.get_mut(name).expect("checked above");
    for m in ["description", "spec"] {
        if let Some(v) = input.get(m) {
            service.fields.insert(m.to_string(), v.clone());
        }
    }
    if input.contains_key("spec") {
        service.updated_at = Some(ctx.after(ctx.config.deploy_seconds));
    }
    service.last_modified_at = ctx.now;
    service.modified = true;
    Ok(live(store, name)?.answer(store, ctx.now))
}

pub fn delete(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "name")?;
    let Some(service) = store.services.get(name) else {
        return finished_async_delete(ctx, "service");
    };
    if service.deletion.is_some() {
        if ctx.faults.has(Fault::ConflictOnDeleteInProgress) {
            return Err(ErrorAnswer::conflict(format!(
                "service {name} is already being deleted"
            )));
        }
        return Ok(service.answer(store, ctx.now));
    }
    if store
        .components
        .values()
        .any(|c| c.service_name.as_deref() == Some(name))
    {
        return Err(ErrorAnswer::conflict(format!(
            "service {name} still has components attached"
        )));
    }
    let done_at = ctx.after(ctx.config.delete_seconds);
    store
        .services
        .get_mut(name)
        .expect("checked above")
        .deletion = Some(Deletion { done_at });
    Ok(live(store, name)?.answer(store, ctx.now))
}

pub fn list(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let items = store
        .services
        .values()
        .map(|s| {
            let mut d = s.detail(store, ctx.now);
            if let Some(o) = d.as_object_mut() {
                for m in [
                    "spec",
                    "pipeline",
                    "branchName",
                    "repositoryConnectionArn",
                    "repositoryId",
                ] {
                    o.remove(m);
                }
            }
            d
        })
        .collect();
    listing("services", items, input)
}

fn pipeline_of(store: &Store, service: &str, now: Millis) -> Result<Value, ErrorAnswer> {
    let s = live(store, service)?;
    let detail = s.detail(store, now);
    detail
        .get("pipeline")
        .cloned()
        .map(|p| json!({ "pipeline": p }))
        .ok_or_else(|| ErrorAnswer::not_found(format!("service {service} has no pipeline")))
}

pub fn update_pipeline(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "serviceName")?;
    pipeline_of(store, name, ctx.now)?;
    let service = live(store, name)?;
    let previous = service.pipeline_deployment.clone();
    let environment_name = store
        .service_instances
        .values()
        .find(|i| i.service_name == name)
        .map_or_else(|| name.to_string(), |i| i.environment_name.clone());
    let target = DeploymentTarget {
        resource_type: "SERVICE_PIPELINE",
        arn: format!("{}/pipeline", service.arn),
        created_at: service.created_at,
        environment_name,
        service_name: Some(name.to_string()),
        ..DeploymentTarget::default()
    };
    if required_str(input, "deploymentType")? != "NONE" {
        if previous
            .as_deref()
            .is_some_and(|p| deployments::status(store, p, ctx.now) == "IN_PROGRESS")
        {
            return Err(ErrorAnswer::conflict(format!(
                "the pipeline of {name} is already deploying"
            )));
        }
        let id = deployments::start(store, ctx, target, previous.as_deref());
        store
            .services
            .get_mut(name)
            .expect("checked above")
            .pipeline_deployment = Some(id);
    }
    pipeline_of(store, name, ctx.now)
}

pub fn cancel_pipeline_deployment(
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> OpResult {
    let name = required_str(input, "serviceName")?;
    let deployment = live(store, name)?
        .pipeline_deployment
        .clone()
        .ok_or_else(|| ErrorAnswer::not_found(format!("service {name} has no pipeline")))?;
    deployments::cancel(store, &deployment, ctx.now)?;
    pipeline_of(store, name, ctx.now)
}
