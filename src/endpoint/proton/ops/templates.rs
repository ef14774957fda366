//! Environment and service templates: idempotent creates without a token (CONTRACT.md IC)
//! and idempotent deletes (ID).
//!
//! Preconditions of the real service that the contract does not state, enforced here:
//! - a template that still has versions cannot be deleted (ConflictException).

use serde_json::{Map, Value, json};

use super::idempotency::{named_retry, repeated_delete};
use super::input::{idempotency_params, optional_str, required_str, tags_of};
use super::paging::listing;
use super::template_versions::recommended_version;
use super::{Ctx, OpResult};
use crate::endpoint::control::epoch_seconds;
use crate::endpoint::proton::error::ErrorAnswer;
use crate::endpoint::proton::state::records::Template;
use crate::endpoint::proton::state::{ResourceKey, Store, TemplateKind};

impl TemplateKind {
    /// The output member that holds a template.
    pub fn member(self) -> &'static str {
        match self {
            TemplateKind::Environment => "environmentTemplate",
            TemplateKind::Service => "serviceTemplate",
        }
    }

    pub fn arn_type(self) -> &'static str {
        match self {
            TemplateKind::Environment => "environment-template",
            TemplateKind::Service => "service-template",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TemplateKind::Environment => "environment template",
            TemplateKind::Service => "service template",
        }
    }

    /// The member naming how the template's infrastructure is provisioned.
    fn provisioning_member(self) -> &'static str {
        match self {
            TemplateKind::Environment => "provisioning",
            TemplateKind::Service => "pipelineProvisioning",
        }
    }
}

impl Template {
    pub fn detail(&self, store: &Store) -> Value {
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
            (self.kind.provisioning_member(), &self.provisioning),
        ] {
            if let Some(v) = value {
                d[member] = json!(v);
            }
        }
        if let Some(v) = recommended_version(store, self.kind, &self.name) {
            d["recommendedVersion"] = json!(v);
        }
        d
    }

    fn answer(&self, store: &Store) -> Value {
        json!({ self.kind.member(): self.detail(store) })
    }
}

pub fn live<'a>(
    store: &'a Store,
    kind: TemplateKind,
    name: &str,
) -> Result<&'a Template, ErrorAnswer> {
    store
        .templates
        .get(&(kind, name.to_string()))
        .ok_or_else(|| ErrorAnswer::not_found(format!("{} {name} not found", kind.label())))
}

pub fn create(
    kind: TemplateKind,
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> OpResult {
    let name = required_str(input, "name")?;
    let params = idempotency_params(input, None);
    if let Some(existing) = store.templates.get(&(kind, name.to_string())) {
        return named_retry(
            ctx,
            &existing.request,
            existing.modified,
            &params,
            existing.answer(store),
        );
    }
    let arn = ctx.config.arn(&format!("{}/{name}", kind.arn_type()));
    let template = Template {
        kind,
        name: name.to_string(),
        arn: arn.clone(),
        created_at: ctx.now,
        last_modified_at: ctx.now,
        description: optional_str(input, "description").map(str::to_string),
        display_name: optional_str(input, "displayName").map(str::to_string),
        encryption_key: optional_str(input, "encryptionKey").map(str::to_string),
        provisioning: optional_str(input, kind.provisioning_member()).map(str::to_string),
        request: params,
        modified: false,
    };
    let answer = template.answer(store);
    store.templates.insert((kind, name.to_string()), template);
    store.tags.insert(arn, tags_of(input));
    Ok(answer)
}

pub fn get(
    kind: TemplateKind,
    store: &mut Store,
    _ctx: &Ctx,
    input: &Map<String, Value>,
) -> OpResult {
    Ok(live(store, kind, required_str(input, "name")?)?.answer(store))
}

pub fn update(
    kind: TemplateKind,
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> OpResult {
    let name = required_str(input, "name")?;
    live(store, kind, name)?;
    let template = store
        .templates
        .get_mut(&(kind, name.to_string()))
        .expect("checked above");
    if let Some(d) = optional_str(input, "description") {
        template.description = Some(d.to_string());
    }
    if let Some(d) = optional_str(input, "displayName") {
        template.display_name = Some(d.to_string());
    }
    template.last_modified_at = ctx.now;
    template.modified = true;
    Ok(live(store, kind, name)?.answer(store))
}

pub fn delete(
    kind: TemplateKind,
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
) -> OpResult {
    let name = required_str(input, "name")?;
    let key = ResourceKey::Template(kind, name.to_string());
    let Some(template) = store.templates.get(&(kind, name.to_string())) else {
        return repeated_delete(store, ctx, &key, kind.label());
    };
    if store
        .template_versions
        .keys()
        .any(|(k, t, _, _)| *k == kind && t == name)
    {
        return Err(ErrorAnswer::conflict(format!(
            "{} {name} still has versions; delete them first",
            kind.label()
        )));
    }
    let answer = template.answer(store);
    let arn = template.arn.clone();
    store.templates.remove(&(kind, name.to_string()));
    store.bury(key, &arn, answer.clone(), ctx.now);
    Ok(answer)
}

pub fn list(
    kind: TemplateKind,
    store: &mut Store,
    _ctx: &Ctx,
    input: &Map<String, Value>,
) -> OpResult {
    let summaries: Vec<Value> = store
        .templates
        .values()
        .filter(|t| t.kind == kind)
        .map(|t| t.detail(store))
        .collect();
    listing("templates", summaries, input)
}
