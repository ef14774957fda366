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

/// One operation's handler: the store, the request's context, its validated input.
type Handler = fn(&mut Store, &Ctx, &Map<String, Value>) -> OpResult;

use TemplateKind::{Environment as Env, Service as Svc};
use template_versions as tv;

/// Every implemented operation and its handler: one table serves dispatch and the list of
/// what is implemented.
const OPERATIONS: &[(&str, Handler)] = &[
    ("CreateEnvironmentTemplate", |s, c, i| {
        templates::create(Env, s, c, i)
    }),
    ("GetEnvironmentTemplate", |s, c, i| {
        templates::get(Env, s, c, i)
    }),
    ("UpdateEnvironmentTemplate", |s, c, i| {
        templates::update(Env, s, c, i)
    }),
    ("DeleteEnvironmentTemplate", |s, c, i| {
        templates::delete(Env, s, c, i)
    }),
    ("ListEnvironmentTemplates", |s, c, i| {
        templates::list(Env, s, c, i)
    }),
    ("CreateServiceTemplate", |s, c, i| {
        templates::create(Svc, s, c, i)
    }),
    ("GetServiceTemplate", |s, c, i| templates::get(Svc, s, c, i)),
    ("UpdateServiceTemplate", |s, c, i| {
        templates::update(Svc, s, c, i)
    }),
    ("DeleteServiceTemplate", |s, c, i| {
        templates::delete(Svc, s, c, i)
    }),
    ("ListServiceTemplates", |s, c, i| {
        templates::list(Svc, s, c, i)
    }),
    ("CreateEnvironmentTemplateVersion", |s, c, i| {
        tv::create(Env, s, c, i)
    }),
    ("GetEnvironmentTemplateVersion", |s, c, i| {
        tv::get(Env, s, c, i)
    }),
    ("UpdateEnvironmentTemplateVersion", |s, c, i| {
        tv::update(Env, s, c, i)
    }),
    ("DeleteEnvironmentTemplateVersion", |s, c, i| {
        tv::delete(Env, s, c, i)
    }),
    ("ListEnvironmentTemplateVersions", |s, c, i| {
        tv::list(Env, s, c, i)
    }),
    ("CreateServiceTemplateVersion", |s, c, i| {
        tv::create(Svc, s, c, i)
    }),
    ("GetServiceTemplateVersion", |s, c, i| tv::get(Svc, s, c, i)),
    ("UpdateServiceTemplateVersion", |s, c, i| {
        tv::update(Svc, s, c, i)
    }),
    ("DeleteServiceTemplateVersion", |s, c, i| {
        tv::delete(Svc, s, c, i)
    }),
    ("ListServiceTemplateVersions", |s, c, i| {
        tv::list(Svc, s, c, i)
    }),
    ("CreateEnvironment", |s, c, i| environments::create(s, c, i)),
    ("GetEnvironment", |s, c, i| environments::get(s, c, i)),
    ("UpdateEnvironment", |s, c, i| environments::update(s, c, i)),
    ("DeleteEnvironment", |s, c, i| environments::delete(s, c, i)),
    ("ListEnvironments", |s, c, i| environments::list(s, c, i)),
    ("CancelEnvironmentDeployment", |s, c, i| {
        environments::cancel_deployment(s, c, i)
    }),
    ("CreateService", |s, c, i| services::create(s, c, i)),
    ("GetService", |s, c, i| services::get(s, c, i)),
    ("UpdateService", |s, c, i| services::update(s, c, i)),
    ("DeleteService", |s, c, i| services::delete(s, c, i)),
    ("ListServices", |s, c, i| services::list(s, c, i)),
    ("CreateServiceInstance", |s, c, i| {
        services::create_instance(s, c, i)
    }),
    ("GetServiceInstance", |s, c, i| {
        services::get_instance(s, c, i)
    }),
    ("UpdateServiceInstance", |s, c, i| {
        services::update_instance(s, c, i)
    }),
    ("ListServiceInstances", |s, c, i| {
        services::list_instances(s, c, i)
    }),
    ("CancelServiceInstanceDeployment", |s, c, i| {
        services::cancel_instance_deployment(s, c, i)
    }),
    ("UpdateServicePipeline", |s, c, i| {
        services::update_pipeline(s, c, i)
    }),
    ("CancelServicePipelineDeployment", |s, c, i| {
        services::cancel_pipeline_deployment(s, c, i)
    }),
    ("CreateEnvironmentAccountConnection", |s, c, i| {
        account_connections::create(s, c, i)
    }),
    ("GetEnvironmentAccountConnection", |s, c, i| {
        account_connections::get(s, c, i)
    }),
    ("AcceptEnvironmentAccountConnection", |s, c, i| {
        account_connections::accept(s, c, i)
    }),
    ("RejectEnvironmentAccountConnection", |s, c, i| {
        account_connections::reject(s, c, i)
    }),
    ("DeleteEnvironmentAccountConnection", |s, c, i| {
        account_connections::delete(s, c, i)
    }),
    ("ListEnvironmentAccountConnections", |s, c, i| {
        account_connections::list(s, c, i)
    }),
    ("CreateComponent", |s, c, i| components::create(s, c, i)),
    ("GetComponent", |s, c, i| components::get(s, c, i)),
    ("UpdateComponent", |s, c, i| components::update(s, c, i)),
    ("DeleteComponent", |s, c, i| components::delete(s, c, i)),
    ("ListComponents", |s, c, i| components::list(s, c, i)),
    ("CancelComponentDeployment", |s, c, i| {
        components::cancel_deployment(s, c, i)
    }),
    ("GetDeployment", |s, c, i| deployments::get(s, c, i)),
    ("ListDeployments", |s, c, i| deployments::list(s, c, i)),
    ("TagResource", |s, c, i| account::tag(s, c, i)),
    ("UntagResource", |s, c, i| account::untag(s, c, i)),
    ("ListTagsForResource", |s, c, i| account::list_tags(s, c, i)),
    ("GetResourcesSummary", |s, c, i| {
        account::resources_summary(s, c, i)
    }),
    ("GetAccountSettings", |s, c, i| {
        account::get_settings(s, c, i)
    }),
    ("UpdateAccountSettings", |s, c, i| {
        account::update_settings(s, c, i)
    }),
];

/// Runs an operation, or `None` if the emulator does not implement it.
pub fn dispatch(
    operation: &str,
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> Option<OpResult> {
    let (_, handler) = OPERATIONS.iter().find(|(name, _)| *name == operation)?;
    Some(handler(store, ctx, input))
}

/// Names of the implemented operations, for documentation and tests.
pub fn implemented() -> impl Iterator<Item = &'static str> {
    OPERATIONS.iter().map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::emulator::faults::FaultSet;

    fn call(store: &mut Store, ctx: &Ctx, operation: &str, input: Value) -> OpResult {
        let input = input.as_object().cloned().unwrap_or_default();
        dispatch(operation, store, ctx, &input).expect("implemented")
    }

    fn ctx(config: &Config, now: Millis, faults: FaultSet) -> Ctx<'_> {
        Ctx {
            now,
            config,
            faults,
        }
    }

    #[test]
    fn the_table_names_each_operation_once_and_dispatch_finds_each() {
        let mut names: Vec<&str> = implemented().collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "an operation is listed twice");
        let config = Config::default();
        let mut store = Store::new(1);
        let c = ctx(&config, 1_000, FaultSet::default());
        for name in implemented() {
            assert!(
                dispatch(name, &mut store, &c, &Map::new()).is_some(),
                "{name}"
            );
        }
        assert!(dispatch("Frobnicate", &mut store, &c, &Map::new()).is_none());
    }

    #[test]
    fn a_token_retry_returns_the_original_and_a_mismatch_is_refused() {
        let config = Config::default();
        let mut store = Store::new(1);
        let c = ctx(&config, 1_000, FaultSet::default());
        call(
            &mut store,
            &c,
            "CreateEnvironmentTemplate",
            json!({"name": "t"}),
        )
        .unwrap();
        let version = |description: &str| {
            json!({"templateName": "t", "clientToken": "k", "description": description,
                   "source": {"s3": {"bucket": "b", "key": "k"}}})
        };
        let first = call(
            &mut store,
            &c,
            "CreateEnvironmentTemplateVersion",
            version("a"),
        )
        .unwrap();
        let later = ctx(&config, 2_000, FaultSet::default());
        let retry = call(
            &mut store,
            &later,
            "CreateEnvironmentTemplateVersion",
            version("a"),
        );
        assert_eq!(retry.unwrap(), first, "CT2: the original, unchanged");
        let err = call(
            &mut store,
            &later,
            "CreateEnvironmentTemplateVersion",
            version("b"),
        )
        .unwrap_err();
        assert_eq!(err.error_type, "ValidationException");
        assert!(
            err.message.contains("Idempotent parameter mismatch"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_fault_switch_breaks_exactly_its_rule() {
        let config = Config::default();
        let mut store = Store::new(1);
        let c = ctx(&config, 1_000, FaultSet::default());
        let t = json!({"name": "t"});
        call(&mut store, &c, "CreateEnvironmentTemplate", t.clone()).unwrap();
        call(&mut store, &c, "DeleteEnvironmentTemplate", t.clone()).unwrap();
        // ID3: a repeated delete succeeds; under the switch it answers not found.
        assert!(call(&mut store, &c, "DeleteEnvironmentTemplate", t.clone()).is_ok());
        let broken = ctx(
            &config,
            1_000,
            FaultSet::from_faults(&[Fault::NotFoundOnRepeatedDelete]),
        );
        let err = call(&mut store, &broken, "DeleteEnvironmentTemplate", t).unwrap_err();
        assert_eq!(err.error_type, "ResourceNotFoundException");
    }
}
