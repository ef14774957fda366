//! Proton operations: each takes the store, the request's time and faults, and its (already
//! schema-validated) input, and returns the output body or an error.

pub mod account;
pub mod account_connections;
pub mod components;
pub mod deployments;
pub mod environments;
mod idempotency;
mod input;
mod paging;
pub mod services;
pub mod template_versions;
pub mod templates;

use serde_json::{Map, Value, json};

use super::clock::Millis;
use super::error::ApiError;
use super::faults::{Fault, FaultSet};
use super::state::{Config, Store, TemplateKind};

/// What every operation sees besides the store.
pub struct Ctx<'a> {
    pub now: Millis,
    pub config: &'a Config,
    pub faults: FaultSet,
}

impl Ctx<'_> {
    /// The deadline `seconds` of virtual time from now; under the status-moves-on switch, one
    /// millisecond, so that a retry's answer shows a status that has moved on.
    pub fn after(&self, seconds: u64) -> Millis {
        if self.faults.has(Fault::StatusMovesOn) {
            self.now + 1
        } else {
            self.now + seconds as Millis * super::clock::SECOND
        }
    }
}

pub type OpResult = Result<Value, ApiError>;

/// AD2: a delete retried after an asynchronous delete completed answers `{}`.
fn finished_async_delete(ctx: &Ctx, what: &str) -> OpResult {
    if ctx.faults.has(Fault::NotFoundOnRepeatedDelete) {
        return Err(ApiError::not_found(format!("{what} not found")));
    }
    Ok(json!({}))
}

/// Runs an operation, or `None` if the emulator does not implement it.
pub fn dispatch(
    operation: &str,
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> Option<OpResult> {
    use TemplateKind::{Environment as Env, Service as Svc};
    use template_versions as tv;
    let (s, c, i) = (store, ctx, input);
    Some(match operation {
        "CreateEnvironmentTemplate" => templates::create(Env, s, c, i),
        "GetEnvironmentTemplate" => templates::get(Env, s, c, i),
        "UpdateEnvironmentTemplate" => templates::update(Env, s, c, i),
        "DeleteEnvironmentTemplate" => templates::delete(Env, s, c, i),
        "ListEnvironmentTemplates" => templates::list(Env, s, c, i),
        "CreateServiceTemplate" => templates::create(Svc, s, c, i),
        "GetServiceTemplate" => templates::get(Svc, s, c, i),
        "UpdateServiceTemplate" => templates::update(Svc, s, c, i),
        "DeleteServiceTemplate" => templates::delete(Svc, s, c, i),
        "ListServiceTemplates" => templates::list(Svc, s, c, i),
        "CreateEnvironmentTemplateVersion" => tv::create(Env, s, c, i),
        "GetEnvironmentTemplateVersion" => tv::get(Env, s, c, i),
        "UpdateEnvironmentTemplateVersion" => tv::update(Env, s, c, i),
        "DeleteEnvironmentTemplateVersion" => tv::delete(Env, s, c, i),
        "ListEnvironmentTemplateVersions" => tv::list(Env, s, c, i),
        "CreateServiceTemplateVersion" => tv::create(Svc, s, c, i),
        "GetServiceTemplateVersion" => tv::get(Svc, s, c, i),
        "UpdateServiceTemplateVersion" => tv::update(Svc, s, c, i),
        "DeleteServiceTemplateVersion" => tv::delete(Svc, s, c, i),
        "ListServiceTemplateVersions" => tv::list(Svc, s, c, i),
        "CreateEnvironment" => environments::create(s, c, i),
        "GetEnvironment" => environments::get(s, c, i),
        "UpdateEnvironment" => environments::update(s, c, i),
        "DeleteEnvironment" => environments::delete(s, c, i),
        "ListEnvironments" => environments::list(s, c, i),
        "CancelEnvironmentDeployment" => environments::cancel_deployment(s, c, i),
        "CreateService" => services::create(s, c, i),
        "GetService" => services::get(s, c, i),
        "UpdateService" => services::update(s, c, i),
        "DeleteService" => services::delete(s, c, i),
        "ListServices" => services::list(s, c, i),
        "CreateServiceInstance" => services::create_instance(s, c, i),
        "GetServiceInstance" => services::get_instance(s, c, i),
        "UpdateServiceInstance" => services::update_instance(s, c, i),
        "ListServiceInstances" => services::list_instances(s, c, i),
        "CancelServiceInstanceDeployment" => services::cancel_instance_deployment(s, c, i),
        "UpdateServicePipeline" => services::update_pipeline(s, c, i),
        "CancelServicePipelineDeployment" => services::cancel_pipeline_deployment(s, c, i),
        "CreateEnvironmentAccountConnection" => account_connections::create(s, c, i),
        "GetEnvironmentAccountConnection" => account_connections::get(s, c, i),
        "AcceptEnvironmentAccountConnection" => account_connections::accept(s, c, i),
        "RejectEnvironmentAccountConnection" => account_connections::reject(s, c, i),
        "DeleteEnvironmentAccountConnection" => account_connections::delete(s, c, i),
        "ListEnvironmentAccountConnections" => account_connections::list(s, c, i),
        "CreateComponent" => components::create(s, c, i),
        "GetComponent" => components::get(s, c, i),
        "UpdateComponent" => components::update(s, c, i),
        "DeleteComponent" => components::delete(s, c, i),
        "ListComponents" => components::list(s, c, i),
        "CancelComponentDeployment" => components::cancel_deployment(s, c, i),
        "GetDeployment" => deployments::get(s, c, i),
        "ListDeployments" => deployments::list(s, c, i),
        "TagResource" => account::tag(s, c, i),
        "UntagResource" => account::untag(s, c, i),
        "ListTagsForResource" => account::list_tags(s, c, i),
        "GetResourcesSummary" => account::resources_summary(s, c, i),
        "GetAccountSettings" => account::get_settings(s, c, i),
        "UpdateAccountSettings" => account::update_settings(s, c, i),
        _ => return None,
    })
}

/// Names of the implemented operations, for documentation and tests.
pub const IMPLEMENTED: &[&str] = &[
    "CreateEnvironmentTemplate",
    "GetEnvironmentTemplate",
    "UpdateEnvironmentTemplate",
    "DeleteEnvironmentTemplate",
    "ListEnvironmentTemplates",
    "CreateServiceTemplate",
    "GetServiceTemplate",
    "UpdateServiceTemplate",
    "DeleteServiceTemplate",
    "ListServiceTemplates",
    "CreateEnvironmentTemplateVersion",
    "GetEnvironmentTemplateVersion",
    "UpdateEnvironmentTemplateVersion",
    "DeleteEnvironmentTemplateVersion",
    "ListEnvironmentTemplateVersions",
    "CreateServiceTemplateVersion",
    "GetServiceTemplateVersion",
    "UpdateServiceTemplateVersion",
    "DeleteServiceTemplateVersion",
    "ListServiceTemplateVersions",
    "CreateEnvironment",
    "GetEnvironment",
    "UpdateEnvironment",
    "DeleteEnvironment",
    "ListEnvironments",
    "CancelEnvironmentDeployment",
    "CreateService",
    "GetService",
    "UpdateService",
    "DeleteService",
    "ListServices",
    "CreateServiceInstance",
    "GetServiceInstance",
    "UpdateServiceInstance",
    "ListServiceInstances",
    "CancelServiceInstanceDeployment",
    "UpdateServicePipeline",
    "CancelServicePipelineDeployment",
    "CreateEnvironmentAccountConnection",
    "GetEnvironmentAccountConnection",
    "AcceptEnvironmentAccountConnection",
    "RejectEnvironmentAccountConnection",
    "DeleteEnvironmentAccountConnection",
    "ListEnvironmentAccountConnections",
    "CreateComponent",
    "GetComponent",
    "UpdateComponent",
    "DeleteComponent",
    "ListComponents",
    "CancelComponentDeployment",
    "GetDeployment",
    "ListDeployments",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
    "GetResourcesSummary",
    "GetAccountSettings",
    "UpdateAccountSettings",
];
