//! EnvironmentTemplateVersion: a create with a client token (CONTRACT.md CT) and an idempotent
//! delete (ID). Versions register asynchronously: REGISTRATION_IN_PROGRESS, then DRAFT once
//! `register_seconds` of virtual time have passed.
//!
//! Preconditions of the real service that the contract does not state, enforced here:
//! - the template must exist (ResourceNotFoundException);
//! - version numbers are assigned by the service and never reused within a template.

use serde_json::{Map, Value, json};

use super::input::{
    first_difference, idempotency_params, optional_str, required_str, version_part,
};
use super::paging::listing;
use super::{Ctx, OpResult};
use crate::emulator::clock::{Millis, SECOND, epoch_seconds};
use crate::emulator::error::ApiError;
use crate::emulator::state::{ResourceKey, Store};
use crate::emulator::tokens::{TokenLookup, TokenRecord};

const OPERATION: &str = "CreateEnvironmentTemplateVersion";

#[derive(Debug, Clone)]
pub struct EnvironmentTemplateVersion {
    pub template_name: String,
    pub major: u32,
    pub minor: u32,
    pub arn: String,
    pub created_at: Millis,
    pub last_modified_at: Millis,
    pub description: Option<String>,
    /// When registration finishes (a deadline on the virtual clock, never a timer).
    pub registered_at: Millis,
    pub published: bool,
}

impl EnvironmentTemplateVersion {
    fn status(&self, now: Millis) -> &'static str {
        if self.published {
            "PUBLISHED"
        } else if now >= self.registered_at {
            "DRAFT"
        } else {
            "REGISTRATION_IN_PROGRESS"
        }
    }

    fn detail(&self, store: &Store, now: Millis) -> Value {
        let mut d = json!({
            "templateName": self.template_name,
            "majorVersion": self.major.to_string(),
            "minorVersion": self.minor.to_string(),
            "arn": self.arn,
            "createdAt": epoch_seconds(self.created_at),
            "lastModifiedAt": epoch_seconds(self.last_modified_at),
            "status": self.status(now),
        });
        if let Some(desc) = &self.description {
            d["description"] = json!(desc);
        }
        if let Some(minor) = recommended_minor(store, &self.template_name, self.major) {
            d["recommendedMinorVersion"] = json!(minor.to_string());
        }
        d
    }
}

/// The highest published minor version of a major version.
fn recommended_minor(store: &Store, template: &str, major: u32) -> Option<u32> {
    versions_of(store, template)
        .filter(|v| v.major == major && v.published)
        .map(|v| v.minor)
        .max()
}

/// The highest published version of a template, as "major.minor".
pub fn recommended_version(store: &Store, template: &str) -> Option<String> {
    versions_of(store, template)
        .filter(|v| v.published)
        .map(|v| (v.major, v.minor))
        .max()
        .map(|(major, minor)| format!("{major}.{minor}"))
}

fn versions_of<'a>(
    store: &'a Store,
    template: &'a str,
) -> impl Iterator<Item = &'a EnvironmentTemplateVersion> {
    store
        .env_template_versions
        .range((template.to_string(), 0, 0)..=(template.to_string(), u32::MAX, u32::MAX))
        .map(|(_, v)| v)
}

fn key_of(input: &Map<String, Value>) -> Result<(String, u32, u32), ApiError> {
    let template = required_str(input, "templateName")?.to_string();
    let major = version_part(input, "majorVersion")?
        .ok_or_else(|| ApiError::validation("majorVersion is required"))?;
    let minor = version_part(input, "minorVersion")?
        .ok_or_else(|| ApiError::validation("minorVersion is required"))?;
    Ok((template, major, minor))
}

pub fn create(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let template = required_str(input, "templateName")?;
    if !store.env_templates.contains_key(template) {
        return Err(ApiError::not_found(format!(
            "environment template {template} not found"
        )));
    }
    let params = idempotency_params(input, Some("clientToken"));
    let token = optional_str(input, "clientToken");
    if let Some(token) = token {
        let ttl = ctx.config.token_ttl();
        if let TokenLookup::Known(record) = store.tokens.lookup(OPERATION, token, ctx.now, ttl) {
            let ResourceKey::EnvironmentTemplateVersion(t, major, minor) = &record.resource else {
                unreachable!("tokens of this operation name template versions")
            };
            let key = (t.clone(), *major, *minor);
            if let Some(existing) = store.env_template_versions.get(&key) {
                if record.params != params {
                    return Err(ApiError::idempotent_parameter_mismatch(&first_difference(
                        &record.params,
                        &params,
                    )));
                }
                return Ok(
                    json!({ "environmentTemplateVersion": existing.detail(store, ctx.now) }),
                );
            }
            // CT5: the original was deleted, so the token no longer binds a resource.
            store.tokens.forget(OPERATION, token);
        }
    }
    let (major, minor) = next_version_number(store, template, version_part(input, "majorVersion")?);
    let version = EnvironmentTemplateVersion {
        template_name: template.to_string(),
        major,
        minor,
        arn: ctx
            .config
            .arn(&format!("environment-template/{template}:{major}.{minor}")),
        created_at: ctx.now,
        last_modified_at: ctx.now,
        description: optional_str(input, "description").map(str::to_string),
        registered_at: ctx.now + ctx.config.register_seconds as Millis * SECOND,
        published: false,
    };
    let detail = version.detail(store, ctx.now);
    store
        .env_template_versions
        .insert((template.to_string(), major, minor), version);
    if let Some(token) = token {
        store.tokens.remember(
            OPERATION,
            token,
            TokenRecord {
                params,
                issued_at: ctx.now,
                resource: ResourceKey::EnvironmentTemplateVersion(
                    template.to_string(),
                    major,
                    minor,
                ),
            },
        );
    }
    Ok(json!({ "environmentTemplateVersion": detail }))
}

/// A new major version when none is given, else the next minor version of the given major.
fn next_version_number(store: &mut Store, template: &str, major: Option<u32>) -> (u32, u32) {
    let highest_major = store.highest_major.entry(template.to_string()).or_insert(0);
    let major = match major {
        Some(m) => m,
        None => *highest_major + 1,
    };
    *highest_major = (*highest_major).max(major);
    let minor = match store.highest_minor.get(&(template.to_string(), major)) {
        Some(m) => m + 1,
        None => 0,
    };
    store
        .highest_minor
        .insert((template.to_string(), major), minor);
    (major, minor)
}

pub fn get(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let key = key_of(input)?;
    let version = store.env_template_versions.get(&key).ok_or_else(|| {
        ApiError::not_found(format!(
            "environment template version {}:{}.{} not found",
            key.0, key.1, key.2
        ))
    })?;
    Ok(json!({ "environmentTemplateVersion": version.detail(store, ctx.now) }))
}

pub fn delete(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let key = key_of(input)?;
    let resource = ResourceKey::EnvironmentTemplateVersion(key.0.clone(), key.1, key.2);
    let Some(version) = store.env_template_versions.get(&key) else {
        return Ok(
            match store.recent_tombstone(&resource, ctx.now, ctx.config.deleted_retention()) {
                Some(detail) => json!({ "environmentTemplateVersion": detail }),
                None => json!({}),
            },
        );
    };
    let detail = version.detail(store, ctx.now);
    store.env_template_versions.remove(&key);
    store.bury(resource, detail.clone(), ctx.now);
    Ok(json!({ "environmentTemplateVersion": detail }))
}

pub fn list(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let template = required_str(input, "templateName")?;
    if !store.env_templates.contains_key(template) {
        return Err(ApiError::not_found(format!(
            "environment template {template} not found"
        )));
    }
    let major = version_part(input, "majorVersion")?;
    let summaries: Vec<Value> = versions_of(store, template)
        .filter(|v| major.is_none_or(|m| v.major == m))
        .map(|v| v.detail(store, ctx.now))
        .collect();
    listing("templateVersions", summaries, input)
}
