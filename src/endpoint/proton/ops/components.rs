//! Components: CreateComponent and UpdateComponent take a client token (the model marks it; the
//! documentation does not list them: "model-only"). A component deploys for `deploy_seconds`;
//! a delete keeps it DELETE_IN_PROGRESS for `delete_seconds`, then it is gone.
//!
//! Preconditions of the real service that the contract does not state, enforced here:
//! - a component is attached to an environment, or to a service instance (whose environment it
//!   then uses), which must exist (ValidationException, ResourceNotFoundException);
//! - a component name is unique (ConflictException).

use serde_json::{Map, Value, json};

use super::deployments;
use super::input::{optional_str, required_str, tags_of};
use super::paging::listing;
use super::service_instances::live_instance;
use super::{Ctx, Done, OpResult, finished_async_delete};
use crate::endpoint::control::{Millis, epoch_seconds};
use crate::endpoint::proton::error::ErrorAnswer;
use crate::endpoint::proton::faults::Fault;
use crate::endpoint::proton::lifecycle::Deletion;
use crate::endpoint::proton::state::records::Component;
use crate::endpoint::proton::state::records::DeploymentTarget;
use crate::endpoint::proton::state::{ResourceKey, Store};

impl Component {
    fn detail(&self, store: &Store, now: Millis) -> Value {
        let mut d = json!({
            "name": self.name,
            "arn": self.arn,
            "createdAt": epoch_seconds(self.created_at),
            "lastModifiedAt": epoch_seconds(self.last_modified_at),
            "environmentName": self.environment_name,
        });
        for (member, value) in [
            ("serviceName", &self.service_name),
            ("serviceInstanceName", &self.service_instance_name),
            ("description", &self.description),
            ("serviceSpec", &self.service_spec),
            ("lastClientRequestToken", &self.last_client_request_token),
        ] {
            if let Some(v) = value {
                d[member] = json!(v);
            }
        }
        deployments::describe(store, &self.deployment, &mut d, now, self.created_at);
        if let Some(o) = d.as_object_mut() {
            // A component has no required "last succeeded" member: drop the stand-in.
            if !o.contains_key("lastSucceededDeploymentId") {
                o.remove("lastDeploymentSucceededAt");
            }
        }
        if self.deletion.is_some() {
            d["deploymentStatus"] = json!("DELETE_IN_PROGRESS");
        }
        d
    }

    fn answer(&self, store: &Store, now: Millis) -> Value {
        json!({ "component": self.detail(store, now) })
    }

    fn target(&self) -> DeploymentTarget {
        DeploymentTarget {
            resource_type: "COMPONENT",
            arn: self.arn.clone(),
            created_at: self.created_at,
            environment_name: self.environment_name.clone(),
            service_name: self.service_name.clone(),
            service_instance_name: self.service_instance_name.clone(),
            component_name: Some(self.name.clone()),
        }
    }
}

fn live<'a>(store: &'a Store, name: &str) -> Result<&'a Component, ErrorAnswer> {
    store
        .components
        .get(name)
        .ok_or_else(|| ErrorAnswer::not_found(format!("component {name} not found")))
}

pub fn answer_for(store: &Store, key: &ResourceKey, now: Millis) -> Option<Value> {
    let ResourceKey::Component(name) = key else {
        return None;
    };
    store.components.get(name).map(|c| c.answer(store, now))
}

pub fn create(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> Done {
    let name = required_str(input, "name")?;
    let token = optional_str(input, "clientToken");
    let now = ctx.now;
    if store.components.contains_key(name) {
        return Err(ErrorAnswer::conflict(format!(
            "component {name} already exists"
        )));
    }
    let service = optional_str(input, "serviceName");
    let instance = optional_str(input, "serviceInstanceName");
    let environment = match (service, instance, optional_str(input, "environmentName")) {
        (Some(s), Some(i), _) => live_instance(store, s, i)?.environment_name.clone(),
        (None, None, Some(e)) => e.to_string(),
        _ => {
            return Err(ErrorAnswer::validation(
                "name either environmentName, or serviceName with serviceInstanceName",
            ));
        }
    };
    if store
        .environments
        .get(&environment)
        .is_none_or(|e| e.deletion.is_some())
    {
        return Err(ErrorAnswer::validation(format!(
            "environment {environment} does not exist"
        )));
    }
    let arn = ctx.config.arn(&format!("component/{name}"));
    let mut component = Component {
        name: name.to_string(),
        arn: arn.clone(),
        created_at: now,
        last_modified_at: now,
        environment_name: environment,
        service_name: service.map(str::to_string),
        service_instance_name: instance.map(str::to_string),
        description: optional_str(input, "description").map(str::to_string),
        service_spec: optional_str(input, "serviceSpec").map(str::to_string),
        deployment: String::new(),
        deletion: None,
        last_client_request_token: token.map(str::to_string),
    };
    component.deployment = deployments::start(store, ctx, component.target(), None);
    let answer = component.answer(store, now);
    store.components.insert(name.to_string(), component);
    store.tags.insert(arn, tags_of(input));
    Ok((answer, ResourceKey::Component(name.to_string())))
}

pub fn get(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    Ok(live(store, required_str(input, "name")?)?.answer(store, ctx.now))
}

pub fn update(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> Done {
    let name = required_str(input, "name")?;
    let token = optional_str(input, "clientToken");
    let now = ctx.now;
    let component = live(store, name)?;
    if component.deletion.is_some() {
        return Err(ErrorAnswer::conflict(format!(
            "component {name} is being deleted"
        )));
    }
    let redeploy = required_str(input, "deploymentType")? != "NONE";
    if redeploy && deployments::status(store, &component.deployment, now) == "IN_PROGRESS" {
        return Err(ErrorAnswer::conflict(format!(
            "component {name} is already deploying"
        )));
    }
    let (target, previous) = (component.target(), component.deployment.clone());
    let deployment = if redeploy {
        deployments::start(store, ctx, target, Some(&previous))
    } else {
        previous
    };
    let component = store.components.get_mut(name).expect("checked above");
    if let Some(d) = optional_str(input, "description") {
        component.description = Some(d.to_string());
    }
    if let Some(spec) = optional_str(input, "serviceSpec") {
        component.service_spec = Some(spec.to_string());
    }
    component.deployment = deployment;
    component.last_modified_at = now;
    component.last_client_request_token = token.map(str::to_string);
    let answer = live(store, name)?.answer(store, now);
    Ok((answer, ResourceKey::Component(name.to_string())))
}

pub fn delete(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "name")?;
    let Some(component) = store.components.get(name) else {
        return finished_async_delete(ctx, "component");
    };
    if component.deletion.is_some() {
        if ctx.faults.has(Fault::ConflictOnDeleteInProgress) {
            return Err(ErrorAnswer::conflict(format!(
                "component {name} is already being deleted"
            )));
        }
        return Ok(component.answer(store, ctx.now));
    }
    let done_at = ctx.after(ctx.config.delete_seconds);
    store
        .components
        .get_mut(name)
        .expect("checked above")
        .deletion = Some(Deletion { done_at });
    Ok(live(store, name)?.answer(store, ctx.now))
}

pub fn list(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let matches = |c: &&Component| {
        optional_str(input, "environmentName").is_none_or(|e| c.environment_name == e)
            && optional_str(input, "serviceName")
                .is_none_or(|s| c.service_name.as_deref() == Some(s))
            && optional_str(input, "serviceInstanceName")
                .is_none_or(|s| c.service_instance_name.as_deref() == Some(s))
    };
    let items = store
        .components
        .values()
        .filter(matches)
        .map(|c| {
            let mut d = c.detail(store, ctx.now);
            if let Some(o) = d.as_object_mut() {
                for m in ["description", "serviceSpec", "lastClientRequestToken"] {
                    o.remove(m);
                }
            }
            d
        })
        .collect();
    listing("components", items, input)
}

pub fn cancel_deployment(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "componentName")?;
    let deployment = live(store, name)?.deployment.clone();
    deployments::cancel(store, &deployment, ctx.now)?;
    Ok(live(store, name)?.answer(store, ctx.now))
}
