//! Service instances: created with their service or on their own, updated with a client
//! token (CT, model-only), deployed, listed.

use serde_json::{Map, Value, json};

use super::deployments;
use super::input::{optional_str, required_str, tags_of, version_part};
use super::paging::listing;
use super::services::{check_compatible, instance_environment, live, new_instance};
use super::template_versions::published_version;
use super::{Ctx, Done, OpResult};
use crate::endpoint::control::{Millis, epoch_seconds};
use crate::endpoint::proton::error::ErrorAnswer;
use crate::endpoint::proton::state::records::DeploymentTarget;
use crate::endpoint::proton::state::records::ServiceInstance;
use crate::endpoint::proton::state::{ResourceKey, Store, TemplateKind};

impl ServiceInstance {
    fn detail(&self, store: &Store, now: Millis) -> Value {
        let mut d = json!({
            "name": self.name,
            "serviceName": self.service_name,
            "arn": self.arn,
            "createdAt": epoch_seconds(self.created_at),
            "environmentName": self.environment_name,
            "templateName": self.template_name,
            "templateMajorVersion": self.major.to_string(),
            "templateMinorVersion": self.minor.to_string(),
        });
        if let Some(spec) = &self.spec {
            d["spec"] = json!(spec);
        }
        if let Some(t) = &self.last_client_request_token {
            d["lastClientRequestToken"] = json!(t);
        }
        deployments::describe(store, &self.deployment, &mut d, now, self.created_at);
        d
    }

    fn answer(&self, store: &Store, now: Millis) -> Value {
        json!({ "serviceInstance": self.detail(store, now) })
    }
}

pub fn live_instance<'a>(
    store: &'a Store,
    service: &str,
    name: &str,
) -> Result<&'a ServiceInstance, ErrorAnswer> {
    store
        .service_instances
        .get(&(service.to_string(), name.to_string()))
        .ok_or_else(|| {
            ErrorAnswer::not_found(format!("service instance {service}/{name} not found"))
        })
}

pub fn instance_answer(store: &Store, key: &ResourceKey, now: Millis) -> Option<Value> {
    let ResourceKey::ServiceInstance(service, name) = key else {
        return None;
    };
    store
        .service_instances
        .get(&(service.clone(), name.clone()))
        .map(|i| i.answer(store, now))
}

pub fn create_instance(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> Done {
    let service_name = required_str(input, "serviceName")?;
    let name = required_str(input, "name")?;
    let token = optional_str(input, "clientToken");
    let now = ctx.now;
    let service = live(store, service_name)?;
    if service.deletion.is_some() {
        return Err(ErrorAnswer::conflict(format!(
            "service {service_name} is being deleted"
        )));
    }
    if store
        .service_instances
        .contains_key(&(service_name.to_string(), name.to_string()))
    {
        return Err(ErrorAnswer::conflict(format!(
            "service instance {service_name}/{name} already exists"
        )));
    }
    let spec = required_str(input, "spec")?;
    let service_spec = service.fields.get("spec").and_then(Value::as_str);
    let environment = instance_environment(Some(spec), service_spec, name)?;
    let template = service.template_name.clone();
    let major = version_part(input, "templateMajorVersion")?.unwrap_or(service.major);
    let version = published_version(
        store,
        TemplateKind::Service,
        &template,
        major,
        version_part(input, "templateMinorVersion")?,
        now,
    )?;
    let minor = version.minor;
    let compatible = version
        .extra
        .get("compatibleEnvironmentTemplates")
        .cloned()
        .unwrap_or(Value::Null);
    check_compatible(store, &environment, &compatible)?;
    let mut instance = new_instance(
        store,
        ctx,
        service_name,
        name,
        &environment,
        (&template, major, minor),
        Some(spec.to_string()),
    );
    instance.last_client_request_token = token.map(str::to_string);
    let answer = instance.answer(store, now);
    store.tags.insert(instance.arn.clone(), tags_of(input));
    store
        .service_instances
        .insert((service_name.to_string(), name.to_string()), instance);
    let resource = ResourceKey::ServiceInstance(service_name.to_string(), name.to_string());
    Ok((answer, resource))
}

pub fn get_instance(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let instance = live_instance(
        store,
        required_str(input, "serviceName")?,
        required_str(input, "name")?,
    )?;
    Ok(instance.answer(store, ctx.now))
}

pub fn update_instance(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> Done {
    let service_name = required_str(input, "serviceName")?;
    let name = required_str(input, "name")?;
    let token = optional_str(input, "clientToken");
    let now = ctx.now;
    let instance = live_instance(store, service_name, name)?;
    let deployment_type = required_str(input, "deploymentType")?;
    if deployment_type != "NONE"
        && deployments::status(store, &instance.deployment, now) == "IN_PROGRESS"
    {
        return Err(ErrorAnswer::conflict(format!(
            "service instance {service_name}/{name} is already deploying"
        )));
    }
    let (mut major, mut minor) = (instance.major, instance.minor);
    if matches!(deployment_type, "MINOR_VERSION" | "MAJOR_VERSION") {
        major = version_part(input, "templateMajorVersion")?.unwrap_or(major);
        let template = instance.template_name.clone();
        minor = published_version(
            store,
            TemplateKind::Service,
            &template,
            major,
            version_part(input, "templateMinorVersion")?,
            now,
        )?
        .minor;
    }
    let instance = live_instance(store, service_name, name)?;
    let previous = instance.deployment.clone();
    let target = DeploymentTarget::service_instance(
        instance.arn.clone(),
        instance.created_at,
        &instance.environment_name,
        service_name,
        name,
    );
    let deployment = if deployment_type == "NONE" {
        previous
    } else {
        deployments::start(store, ctx, target, Some(&previous))
    };
    let instance = store
        .service_instances
        .get_mut(&(service_name.to_string(), name.to_string()))
        .expect("checked above");
    if let Some(spec) = optional_str(input, "spec") {
        instance.spec = Some(spec.to_string());
    }
    instance.major = major;
    instance.minor = minor;
    instance.deployment = deployment;
    instance.last_client_request_token = token.map(str::to_string);
    let answer = live_instance(store, service_name, name)?.answer(store, now);
    let resource = ResourceKey::ServiceInstance(service_name.to_string(), name.to_string());
    Ok((answer, resource))
}

pub fn list_instances(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let service = optional_str(input, "serviceName");
    if let Some(s) = service {
        live(store, s)?;
    }
    let items = store
        .service_instances
        .values()
        .filter(|i| service.is_none_or(|s| i.service_name == s))
        .map(|i| {
            let mut d = i.detail(store, ctx.now);
            if let Some(o) = d.as_object_mut() {
                o.remove("spec");
                o.remove("lastClientRequestToken");
            }
            d
        })
        .collect();
    listing("serviceInstances", items, input)
}

pub fn cancel_instance_deployment(
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> OpResult {
    let (service, name) = (
        required_str(input, "serviceName")?,
        required_str(input, "serviceInstanceName")?,
    );
    let deployment = live_instance(store, service, name)?.deployment.clone();
    deployments::cancel(store, &deployment, ctx.now)?;
    Ok(live_instance(store, service, name)?.answer(store, ctx.now))
}
