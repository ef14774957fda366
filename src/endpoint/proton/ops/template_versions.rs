//! Environment and service template versions: creates with a client token (CONTRACT.md CT) and
//! idempotent deletes (ID). Versions register asynchronously: REGISTRATION_IN_PROGRESS, then
//! DRAFT once `register_seconds` of virtual time have passed; an update publishes them.
//!
//! Preconditions of the real service that the contract does not state, enforced here:
//! - the template must exist (ResourceNotFoundException);
//! - a service template version's compatible environment templates must exist
//!   (ValidationException);
//! - only a registered version (DRAFT or PUBLISHED) can be published (ConflictException);
//! - version numbers are assigned by the service and never reused within a template.

use serde_json::{Map, Value, json};

use super::idempotency::repeated_delete;
use super::input::{optional_str, required_str, tags_of, version_part};
use super::paging::listing;
use super::templates::live;
use super::{Ctx, Done, OpResult};
use crate::endpoint::control::{Millis, epoch_seconds};
use crate::endpoint::proton::error::ErrorAnswer;
use crate::endpoint::proton::state::records::TemplateVersion;
use crate::endpoint::proton::state::{ResourceKey, Store, TemplateKind};

/// Members a service template version carries beyond the common ones.
const SERVICE_EXTRAS: &[&str] = &[
    "compatibleEnvironmentTemplates",
    "supportedComponentSources",
];

impl TemplateKind {
    pub fn version_member(self) -> &'static str {
        match self {
            TemplateKind::Environment => "environmentTemplateVersion",
            TemplateKind::Service => "serviceTemplateVersion",
        }
    }
}

impl TemplateVersion {
    pub fn status(&self, now: Millis) -> &'static str {
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
        if let Some(minor) = recommended_minor(store, self.kind, &self.template_name, self.major) {
            d["recommendedMinorVersion"] = json!(minor.to_string());
        }
        for (k, v) in &self.extra {
            d[k] = v.clone();
        }
        d
    }

    fn answer(&self, store: &Store, now: Millis) -> Value {
        json!({ self.kind.version_member(): self.detail(store, now) })
    }
}

/// The highest published minor version of a major version.
pub fn recommended_minor(
    store: &Store,
    kind: TemplateKind,
    template: &str,
    major: u32,
) -> Option<u32> {
    versions_of(store, kind, template)
        .filter(|v| v.major == major && v.published)
        .map(|v| v.minor)
        .max()
}

/// The highest published version of a template, as "major.minor".
pub fn recommended_version(store: &Store, kind: TemplateKind, template: &str) -> Option<String> {
    versions_of(store, kind, template)
        .filter(|v| v.published)
        .map(|v| (v.major, v.minor))
        .max()
        .map(|(major, minor)| format!("{major}.{minor}"))
}

fn versions_of<'a>(
    store: &'a Store,
    kind: TemplateKind,
    template: &str,
) -> impl Iterator<Item = &'a TemplateVersion> {
    store
        .template_versions
        .range(
            (kind, template.to_string(), 0, 0)..=(kind, template.to_string(), u32::MAX, u32::MAX),
        )
        .map(|(_, v)| v)
}

/// The published version a deployment of `template` major[.minor] uses: an explicit minor
/// version, or the recommended one of the major version.
pub fn published_version<'a>(
    store: &'a Store,
    kind: TemplateKind,
    template: &str,
    major: u32,
    minor: Option<u32>,
    now: Millis,
) -> Result<&'a TemplateVersion, ErrorAnswer> {
    live(store, kind, template)?;
    let minor = match minor {
        Some(m) => m,
        None => recommended_minor(store, kind, template, major).ok_or_else(|| {
            ErrorAnswer::validation(format!(
                "{} {template} has no published version {major}.x to deploy",
                kind.label()
            ))
        })?,
    };
    let version = store
        .template_versions
        .get(&(kind, template.to_string(), major, minor))
        .ok_or_else(|| {
            ErrorAnswer::validation(format!(
                "{} {template} has no version {major}.{minor}",
                kind.label()
            ))
        })?;
    if version.status(now) != "PUBLISHED" {
        return Err(ErrorAnswer::validation(format!(
            "{} {template} version {major}.{minor} is {}, not PUBLISHED",
            kind.label(),
            version.status(now)
        )));
    }
    Ok(version)
}

/// The published template version a create deploys: `templateName`, `templateMajorVersion`
/// (1 when absent) and an optional `templateMinorVersion` of the input.
pub fn version_to_deploy<'a>(
    store: &'a Store,
    kind: TemplateKind,
    input: &Map<String, Value>,
    now: Millis,
) -> Result<&'a TemplateVersion, ErrorAnswer> {
    let template = required_str(input, "templateName")?;
    let major = version_part(input, "templateMajorVersion")?.unwrap_or(1);
    let minor = version_part(input, "templateMinorVersion")?;
    published_version(store, kind, template, major, minor, now)
}

fn key_of(
    kind: TemplateKind,
    input: &Map<String, Value>,
) -> Result<(TemplateKind, String, u32, u32), ErrorAnswer> {
    let template = required_str(input, "templateName")?.to_string();
    let major = version_part(input, "majorVersion")?
        .ok_or_else(|| ErrorAnswer::validation("majorVersion is required"))?;
    let minor = version_part(input, "minorVersion")?
        .ok_or_else(|| ErrorAnswer::validation("minorVersion is required"))?;
    Ok((kind, template, major, minor))
}

pub fn answer_for(store: &Store, key: &ResourceKey, now: Millis) -> Option<Value> {
    let ResourceKey::TemplateVersion(kind, t, major, minor) = key else {
        return None;
    };
    store
        .template_versions
        .get(&(*kind, t.clone(), *major, *minor))
        .map(|v| v.answer(store, now))
}

pub fn create(
    kind: TemplateKind,
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> Done {
    let template = required_str(input, "templateName")?;
    live(store, kind, template)?;
    let now = ctx.now;
    if kind == TemplateKind::Service {
        for compatible in input
            .get("compatibleEnvironmentTemplates")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = compatible["templateName"].as_str().unwrap_or_default();
            if !store
                .templates
                .contains_key(&(TemplateKind::Environment, name.to_string()))
            {
                return Err(ErrorAnswer::validation(format!(
                    "compatible environment template {name} does not exist"
                )));
            }
        }
    }
    let (major, minor) =
        next_version_number(store, kind, template, version_part(input, "majorVersion")?);
    let arn = ctx
        .config
        .arn(&format!("{}/{template}:{major}.{minor}", kind.arn_type()));
    let extra = SERVICE_EXTRAS
        .iter()
        .filter_map(|m| input.get(*m).map(|v| (m.to_string(), v.clone())))
        .collect();
    let version = TemplateVersion {
        kind,
        template_name: template.to_string(),
        major,
        minor,
        arn: arn.clone(),
        created_at: now,
        last_modified_at: now,
        description: optional_str(input, "description").map(str::to_string),
        registered_at: ctx.after(ctx.config.register_seconds),
        published: false,
        extra,
    };
    let answer = version.answer(store, now);
    store
        .template_versions
        .insert((kind, template.to_string(), major, minor), version);
    store.tags.insert(arn, tags_of(input));
    let resource = ResourceKey::TemplateVersion(kind, template.to_string(), major, minor);
    Ok((answer, resource))
}

/// A new major version when none is given, else the next minor version of the given major.
fn next_version_number(
    store: &mut Store,
    kind: TemplateKind,
    template: &str,
    major: Option<u32>,
) -> (u32, u32) {
    let highest_major = store
        .highest_major
        .entry((kind, template.to_string()))
        .or_insert(0);
    let major = major.unwrap_or(*highest_major + 1);
    *highest_major = (*highest_major).max(major);
    let key = (kind, template.to_string(), major);
    let minor = store.highest_minor.get(&key).map_or(0, |m| m + 1);
    store.highest_minor.insert(key, minor);
    (major, minor)
}

fn not_found(kind: TemplateKind, key: &(TemplateKind, String, u32, u32)) -> ErrorAnswer {
    ErrorAnswer::not_found(format!(
        "{} version {}:{}.{} not found",
        kind.label(),
        key.1,
        key.2,
        key.3
    ))
}

pub fn get(
    kind: TemplateKind,
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> OpResult {
    let key = key_of(kind, input)?;
    let version = store
        .template_versions
        .get(&key)
        .ok_or_else(|| not_found(kind, &key))?;
    Ok(version.answer(store, ctx.now))
}

pub fn update(
    kind: TemplateKind,
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> OpResult {
    let key = key_of(kind, input)?;
    let status = {
        let version = store
            .template_versions
            .get(&key)
            .ok_or_else(|| not_found(kind, &key))?;
        version.status(ctx.now)
    };
    let wanted = optional_str(input, "status");
    match wanted {
        Some("PUBLISHED" | "DRAFT") if status == "REGISTRATION_IN_PROGRESS" => {
            return Err(ErrorAnswer::conflict("the version is still registering"));
        }
        Some("REGISTRATION_IN_PROGRESS" | "REGISTRATION_FAILED") => {
            return Err(ErrorAnswer::validation(
                "status can only be set to DRAFT or PUBLISHED",
            ));
        }
        _ => {}
    }
    let version = store
        .template_versions
        .get_mut(&key)
        .expect("checked above");
    if let Some(w) = wanted {
        version.published = w == "PUBLISHED";
    }
    if let Some(d) = optional_str(input, "description") {
        version.description = Some(d.to_string());
    }
    for m in SERVICE_EXTRAS {
        if let Some(v) = input.get(*m) {
            version.extra.insert(m.to_string(), v.clone());
        }
    }
    version.last_modified_at = ctx.now;
    let version = store.template_versions.get(&key).expect("checked above");
    Ok(version.answer(store, ctx.now))
}

pub fn delete(
    kind: TemplateKind,
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> OpResult {
    let key = key_of(kind, input)?;
    let resource = ResourceKey::TemplateVersion(kind, key.1.clone(), key.2, key.3);
    let Some(version) = store.template_versions.get(&key) else {
        return repeated_delete(store, ctx, &resource, &format!("{} version", kind.label()));
    };
    let answer = version.answer(store, ctx.now);
    let arn = version.arn.clone();
    store.template_versions.remove(&key);
    store.bury(resource, &arn, answer.clone(), ctx.now);
    Ok(answer)
}

pub fn list(
    kind: TemplateKind,
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> OpResult {
    let template = required_str(input, "templateName")?;
    live(store, kind, template)?;
    let major = version_part(input, "majorVersion")?;
    let summaries: Vec<Value> = versions_of(store, kind, template)
        .filter(|v| major.is_none_or(|m| v.major == m))
        .map(|v| v.detail(store, ctx.now))
        .collect();
    listing("templateVersions", summaries, input)
}
