//! EnvironmentTemplate: an idempotent create without a token (CONTRACT.md IC) and an
//! idempotent delete (ID).
//!
//! Preconditions of the real service that the contract does not state, enforced here:
//! - a template that still has versions cannot be deleted (ConflictException).

use serde_json::{Map, Value, json};

use super::input::{first_difference, idempotency_params, optional_str, required_str};
use super::paging::listing;
use super::{Ctx, OpResult};
use crate::emulator::clock::{Millis, epoch_seconds};
use crate::emulator::error::ApiError;
use crate::emulator::state::{ResourceKey, Store};

#[derive(Debug, Clone)]
pub struct EnvironmentTemplate {
    pub name: String,
    pub arn: String,
    pub created_at: Millis,
    pub last_modified_at: Millis,
    pub description: Option<String>,
    pub display_name: Option<String>,
    pub encryption_key: Option<String>,
    pub provisioning: Option<String>,
    /// The create request's parameters, to recognise a retry (IC1) from a mismatch (IC3).
    pub request: Value,
    /// Set by a successful update: a later create retry is a ConflictException (IC2).
    pub modified: bool,
}

impl EnvironmentTemplate {
    fn detail(&self, store: &Store) -> Value {
        let mut d = json!({
            "name": self.name,
            "arn": self.arn,
            "createdAt": epoch_seconds(self.created_at),
            "lastModifiedAt": epoch_seconds(self.last_modified_at),
        });
        for (member, value) in [
            ("description", &self.description),
            ("displayName", &self.display_name),
            ("encryptionKey", &self.encryption_key),
            ("provisioning", &self.provisioning),
        ] {
            if let Some(v) = value {
                d[member] = json!(v);
            }
        }
        if let Some(v) = super::env_template_versions::recommended_version(store, &self.name) {
            d["recommendedVersion"] = json!(v);
        }
        d
    }
}

fn live<'a>(store: &'a Store, name: &str) -> Result<&'a EnvironmentTemplate, ApiError> {
    store
        .env_templates
        .get(name)
        .ok_or_else(|| ApiError::not_found(format!("environment template {name} not found")))
}

pub fn create(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "name")?;
    let params = idempotency_params(input, None);
    if let Some(existing) = store.env_templates.get(name) {
        // The strict reading: a mismatch wins over a modification.
        if existing.request != params {
            return Err(ApiError::idempotent_parameter_mismatch(&first_difference(
                &existing.request,
                &params,
            )));
        }
        if existing.modified {
            return Err(ApiError::conflict(format!(
                "environment template {name} was modified since it was created"
            )));
        }
        return Ok(json!({ "environmentTemplate": existing.detail(store) }));
    }
    let template = EnvironmentTemplate {
        name: name.to_string(),
        arn: ctx.config.arn(&format!("environment-template/{name}")),
        created_at: ctx.now,
        last_modified_at: ctx.now,
        description: optional_str(input, "description").map(str::to_string),
        display_name: optional_str(input, "displayName").map(str::to_string),
        encryption_key: optional_str(input, "encryptionKey").map(str::to_string),
        provisioning: optional_str(input, "provisioning").map(str::to_string),
        request: params,
        modified: false,
    };
    let detail = template.detail(store);
    store.env_templates.insert(name.to_string(), template);
    Ok(json!({ "environmentTemplate": detail }))
}

pub fn get(store: &mut Store, _ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let template = live(store, required_str(input, "name")?)?;
    Ok(json!({ "environmentTemplate": template.detail(store) }))
}

pub fn update(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "name")?;
    live(store, name)?;
    let template = store.env_templates.get_mut(name).expect("checked above");
    if let Some(d) = optional_str(input, "description") {
        template.description = Some(d.to_string());
    }
    if let Some(d) = optional_str(input, "displayName") {
        template.display_name = Some(d.to_string());
    }
    template.last_modified_at = ctx.now;
    template.modified = true;
    let template = live(store, name)?;
    Ok(json!({ "environmentTemplate": template.detail(store) }))
}

pub fn delete(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let name = required_str(input, "name")?;
    let key = ResourceKey::EnvironmentTemplate(name.to_string());
    let Some(template) = store.env_templates.get(name) else {
        // ID1/ID2: a repeated delete succeeds, with the metadata while it is retained.
        return Ok(
            match store.recent_tombstone(&key, ctx.now, ctx.config.deleted_retention()) {
                Some(detail) => json!({ "environmentTemplate": detail }),
                None => json!({}),
            },
        );
    };
    if store
        .env_template_versions
        .keys()
        .any(|(t, _, _)| t == name)
    {
        return Err(ApiError::conflict(format!(
            "environment template {name} still has versions; delete them first"
        )));
    }
    let detail = template.detail(store);
    store.env_templates.remove(name);
    store.bury(key, detail.clone(), ctx.now);
    Ok(json!({ "environmentTemplate": detail }))
}

pub fn list(store: &mut Store, _ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let summaries: Vec<Value> = store
        .env_templates
        .values()
        .map(|t| t.detail(store))
        .collect();
    listing("templates", summaries, input)
}
