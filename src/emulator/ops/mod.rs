//! Proton operations: each takes the store, the request's time and its (already
//! schema-validated) input, and returns the output body or an error.

pub mod env_template_versions;
pub mod env_templates;
mod input;
mod paging;

use serde_json::{Map, Value};

use super::clock::Millis;
use super::error::ApiError;
use super::state::{Config, Store};

/// What every operation sees besides the store.
pub struct Ctx<'a> {
    pub now: Millis,
    pub config: &'a Config,
}

pub type OpResult = Result<Value, ApiError>;

type Handler = fn(&mut Store, &Ctx, &Map<String, Value>) -> OpResult;

/// The handler for an operation, or `None` if the emulator does not implement it.
pub fn handler(operation: &str) -> Option<Handler> {
    use env_template_versions as etv;
    use env_templates as et;
    let h: Handler = match operation {
        "CreateEnvironmentTemplate" => et::create,
        "GetEnvironmentTemplate" => et::get,
        "UpdateEnvironmentTemplate" => et::update,
        "DeleteEnvironmentTemplate" => et::delete,
        "ListEnvironmentTemplates" => et::list,
        "CreateEnvironmentTemplateVersion" => etv::create,
        "GetEnvironmentTemplateVersion" => etv::get,
        "DeleteEnvironmentTemplateVersion" => etv::delete,
        "ListEnvironmentTemplateVersions" => etv::list,
        _ => return None,
    };
    Some(h)
}

/// Names of the implemented operations, for documentation and tests.
pub const IMPLEMENTED: &[&str] = &[
    "CreateEnvironmentTemplate",
    "GetEnvironmentTemplate",
    "UpdateEnvironmentTemplate",
    "DeleteEnvironmentTemplate",
    "ListEnvironmentTemplates",
    "CreateEnvironmentTemplateVersion",
    "GetEnvironmentTemplateVersion",
    "DeleteEnvironmentTemplateVersion",
    "ListEnvironmentTemplateVersions",
];
