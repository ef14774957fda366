//! One dispatch table: it serves dispatch and the list of what is implemented, and wraps
//! every token operation in the client-token check and remember steps (CT1..CT6), keyed by the
//! model's idempotency-token member.

use serde_json::{Map, Value};

use super::context::{Ctx, OpResult};
use super::{
    account, account_connections, components, deployments, environments, idempotency, input,
    service_instances, services, template_versions, templates,
};
use crate::endpoint::control::Millis;
use crate::endpoint::proton::error::ErrorAnswer;
use crate::endpoint::proton::state::{ResourceKey, Store, TemplateKind};

/// One operation's handler: the store, the request's context, its validated input.
type Handler = fn(&mut Store, &Ctx, &Map<String, Value>) -> OpResult;

/// What an operation with a client token does once the token check lets it through: the
/// answer, and the resource the token will name.
pub type Done = Result<(Value, ResourceKey), ErrorAnswer>;
type TokenHandler = fn(&mut Store, &Ctx, &Map<String, Value>) -> Done;

/// The answer for the resource a token names, while it exists (CT5: else the token binds
/// nothing).
type Current = fn(&Store, &ResourceKey, Millis) -> Option<Value>;

/// How an operation is served: as is, or wrapped in the client-token check and remember
/// steps (CT1..CT6), keyed by the model's idempotency-token member.
enum Op {
    Plain(Handler),
    Token(TokenHandler, Current),
}

use TemplateKind::{Environment as Env, Service as Svc};
use template_versions as tv;

/// Every implemented operation and its handler: one table serves dispatch and the list of
/// what is implemented.
const OPERATIONS: &[(&str, Op)] = &[
    (
        "CreateEnvironmentTemplate",
        Op::Plain(|s, c, i| templates::create(Env, s, c, i)),
    ),
    (
        "GetEnvironmentTemplate",
        Op::Plain(|s, c, i| templates::get(Env, s, c, i)),
    ),
    (
        "UpdateEnvironmentTemplate",
        Op::Plain(|s, c, i| templates::update(Env, s, c, i)),
    ),
    (
        "DeleteEnvironmentTemplate",
        Op::Plain(|s, c, i| templates::delete(Env, s, c, i)),
    ),
    (
        "ListEnvironmentTemplates",
        Op::Plain(|s, c, i| templates::list(Env, s, c, i)),
    ),
    (
        "CreateServiceTemplate",
        Op::Plain(|s, c, i| templates::create(Svc, s, c, i)),
    ),
    (
        "GetServiceTemplate",
        Op::Plain(|s, c, i| templates::get(Svc, s, c, i)),
    ),
    (
        "UpdateServiceTemplate",
        Op::Plain(|s, c, i| templates::update(Svc, s, c, i)),
    ),
    (
        "DeleteServiceTemplate",
        Op::Plain(|s, c, i| templates::delete(Svc, s, c, i)),
    ),
    (
        "ListServiceTemplates",
        Op::Plain(|s, c, i| templates::list(Svc, s, c, i)),
    ),
    (
        "CreateEnvironmentTemplateVersion",
        Op::Token(|s, c, i| tv::create(Env, s, c, i), tv::answer_for),
    ),
    (
        "GetEnvironmentTemplateVersion",
        Op::Plain(|s, c, i| tv::get(Env, s, c, i)),
    ),
    (
        "UpdateEnvironmentTemplateVersion",
        Op::Plain(|s, c, i| tv::update(Env, s, c, i)),
    ),
    (
        "DeleteEnvironmentTemplateVersion",
        Op::Plain(|s, c, i| tv::delete(Env, s, c, i)),
    ),
    (
        "ListEnvironmentTemplateVersions",
        Op::Plain(|s, c, i| tv::list(Env, s, c, i)),
    ),
    (
        "CreateServiceTemplateVersion",
        Op::Token(|s, c, i| tv::create(Svc, s, c, i), tv::answer_for),
    ),
    (
        "GetServiceTemplateVersion",
        Op::Plain(|s, c, i| tv::get(Svc, s, c, i)),
    ),
    (
        "UpdateServiceTemplateVersion",
        Op::Plain(|s, c, i| tv::update(Svc, s, c, i)),
    ),
    (
        "DeleteServiceTemplateVersion",
        Op::Plain(|s, c, i| tv::delete(Svc, s, c, i)),
    ),
    (
        "ListServiceTemplateVersions",
        Op::Plain(|s, c, i| tv::list(Svc, s, c, i)),
    ),
    ("CreateEnvironment", Op::Plain(environments::create)),
    ("GetEnvironment", Op::Plain(environments::get)),
    ("UpdateEnvironment", Op::Plain(environments::update)),
    ("DeleteEnvironment", Op::Plain(environments::delete)),
    ("ListEnvironments", Op::Plain(environments::list)),
    (
        "CancelEnvironmentDeployment",
        Op::Plain(environments::cancel_deployment),
    ),
    ("CreateService", Op::Plain(services::create)),
    ("GetService", Op::Plain(services::get)),
    ("UpdateService", Op::Plain(services::update)),
    ("DeleteService", Op::Plain(services::delete)),
    ("ListServices", Op::Plain(services::list)),
    (
        "CreateServiceInstance",
        Op::Token(
            service_instances::create_instance,
            service_instances::instance_answer,
        ),
    ),
    (
        "GetServiceInstance",
        Op::Plain(service_instances::get_instance),
    ),
    (
        "UpdateServiceInstance",
        Op::Token(
            service_instances::update_instance,
            service_instances::instance_answer,
        ),
    ),
    (
        "ListServiceInstances",
        Op::Plain(service_instances::list_instances),
    ),
    (
        "CancelServiceInstanceDeployment",
        Op::Plain(service_instances::cancel_instance_deployment),
    ),
    (
        "UpdateServicePipeline",
        Op::Plain(services::update_pipeline),
    ),
    (
        "CancelServicePipelineDeployment",
        Op::Plain(services::cancel_pipeline_deployment),
    ),
    (
        "CreateEnvironmentAccountConnection",
        Op::Token(account_connections::create, account_connections::current),
    ),
    (
        "GetEnvironmentAccountConnection",
        Op::Plain(account_connections::get),
    ),
    (
        "AcceptEnvironmentAccountConnection",
        Op::Plain(account_connections::accept),
    ),
    (
        "RejectEnvironmentAccountConnection",
        Op::Plain(account_connections::reject),
    ),
    (
        "DeleteEnvironmentAccountConnection",
        Op::Plain(account_connections::delete),
    ),
    (
        "ListEnvironmentAccountConnections",
        Op::Plain(account_connections::list),
    ),
    (
        "CreateComponent",
        Op::Token(components::create, components::answer_for),
    ),
    ("GetComponent", Op::Plain(components::get)),
    (
        "UpdateComponent",
        Op::Token(components::update, components::answer_for),
    ),
    ("DeleteComponent", Op::Plain(components::delete)),
    ("ListComponents", Op::Plain(components::list)),
    (
        "CancelComponentDeployment",
        Op::Plain(components::cancel_deployment),
    ),
    ("GetDeployment", Op::Plain(deployments::get)),
    ("ListDeployments", Op::Plain(deployments::list)),
    ("TagResource", Op::Plain(account::tag)),
    ("UntagResource", Op::Plain(account::untag)),
    ("ListTagsForResource", Op::Plain(account::list_tags)),
    ("GetResourcesSummary", Op::Plain(account::resources_summary)),
    ("GetAccountSettings", Op::Plain(account::get_settings)),
    ("UpdateAccountSettings", Op::Plain(account::update_settings)),
];

/// Runs an operation, or `None` if the emulator does not implement it. `token_member` is the
/// member the model marks as the operation's idempotency token.
pub fn dispatch(
    operation: &str,
    token_member: Option<&str>,
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> Option<OpResult> {
    let (name, op) = OPERATIONS.iter().find(|(name, _)| *name == operation)?;
    Some(match op {
        Op::Plain(handler) => handler(store, ctx, input),
        Op::Token(handler, current) => {
            with_token(name, token_member, *handler, *current, store, ctx, input)
        }
    })
}

/// CT: a request whose token names a live resource gets that resource's answer (or a mismatch)
/// without being performed again; otherwise it is performed and its token remembered.
fn with_token(
    operation: &'static str,
    token_member: Option<&str>,
    handler: TokenHandler,
    current: Current,
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> OpResult {
    let token = token_member
        .and_then(|m| input.get(m))
        .and_then(Value::as_str);
    let params = input::idempotency_params(input, token_member);
    let now = ctx.now;
    let check = idempotency::check_token(store, ctx, operation, token, &params, |s, k| {
        current(s, k, now)
    });
    if let idempotency::TokenCheck::Answer(answer) = check {
        return answer;
    }
    let (answer, resource) = handler(store, ctx, input)?;
    idempotency::remember_token(store, ctx, operation, token, params, resource);
    Ok(answer)
}

/// Names of the implemented operations, for documentation and tests.
pub fn implemented() -> impl Iterator<Item = &'static str> {
    OPERATIONS.iter().map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::endpoint::proton::faults::{Fault, FaultSet};
    use crate::endpoint::proton::state::Config;

    fn call(store: &mut Store, ctx: &Ctx, operation: &str, input: Value) -> OpResult {
        let input = input.as_object().cloned().unwrap_or_default();
        dispatch(operation, Some("clientToken"), store, ctx, &input).expect("implemented")
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
                dispatch(name, None, &mut store, &c, &Map::new()).is_some(),
                "{name}"
            );
        }
        assert!(dispatch("Frobnicate", None, &mut store, &c, &Map::new()).is_none());
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

    #[test]
    fn a_named_create_is_idempotent_until_the_resource_changes() {
        let config = Config::default();
        let mut store = Store::new(1);
        let c = ctx(&config, 1_000, FaultSet::default());
        let create = json!({"name": "t", "description": "a"});
        let first = call(&mut store, &c, "CreateEnvironmentTemplate", create.clone()).unwrap();
        let retry = call(&mut store, &c, "CreateEnvironmentTemplate", create.clone()).unwrap();
        assert_eq!(retry, first, "IC1: the original");
        let other = json!({"name": "t", "description": "b"});
        let err = call(&mut store, &c, "CreateEnvironmentTemplate", other).unwrap_err();
        assert_eq!(
            err.error_type, "ValidationException",
            "IC3: {}",
            err.message
        );
        let update = json!({"name": "t", "description": "changed"});
        call(&mut store, &c, "UpdateEnvironmentTemplate", update).unwrap();
        let err = call(&mut store, &c, "CreateEnvironmentTemplate", create).unwrap_err();
        assert_eq!(err.error_type, "ConflictException", "IC2: {}", err.message);
    }

    #[test]
    fn a_token_binds_nothing_once_its_resource_is_deleted_or_it_expired() {
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
        let version = json!({"templateName": "t", "clientToken": "k",
                             "source": {"s3": {"bucket": "b", "key": "k"}}});
        let version_of = |answer: &Value| answer["environmentTemplateVersion"].clone();
        let first = call(
            &mut store,
            &c,
            "CreateEnvironmentTemplateVersion",
            version.clone(),
        );
        let first = version_of(&first.unwrap());
        // CT4: past the token's lifetime the same request makes a new version.
        let later = ctx(&config, 1_000 + config.token_ttl() + 1, FaultSet::default());
        let expired = call(
            &mut store,
            &later,
            "CreateEnvironmentTemplateVersion",
            version.clone(),
        );
        let expired = version_of(&expired.unwrap());
        assert_ne!(
            expired["arn"], first["arn"],
            "CT4: a new version after the token expired"
        );
        // CT5: the version the token names is deleted: a retry makes a new one.
        let delete = json!({"templateName": "t", "majorVersion": expired["majorVersion"],
                            "minorVersion": expired["minorVersion"]});
        call(
            &mut store,
            &later,
            "DeleteEnvironmentTemplateVersion",
            delete,
        )
        .unwrap();
        let again = call(
            &mut store,
            &later,
            "CreateEnvironmentTemplateVersion",
            version,
        );
        let again = version_of(&again.unwrap());
        assert_ne!(again["arn"], expired["arn"], "CT5: a new version");
    }
}
