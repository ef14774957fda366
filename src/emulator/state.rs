//! The emulator's state: configuration, clock, and the store of resources behind one lock.
//!
//! Every operation runs entirely under the store's lock, so identical concurrent requests are
//! serialised and a named or tokenised create makes exactly one resource.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use super::clock::{Clock, HOUR, Millis, SECOND, SystemClock};
use super::ops::env_template_versions::EnvironmentTemplateVersion;
use super::ops::env_templates::EnvironmentTemplate;
use super::tokens::TokenRegistry;

/// Settings of one emulator instance. Durations are in virtual seconds.
#[derive(Debug, Clone)]
pub struct Config {
    pub region: String,
    pub account: String,
    /// How long a template version stays REGISTRATION_IN_PROGRESS.
    pub register_seconds: u64,
    /// How long environments and services deploy.
    pub deploy_seconds: u64,
    /// How long environments and services stay DELETE_IN_PROGRESS.
    pub delete_seconds: u64,
    /// How long a client token is remembered (CONTRACT.md CT4: eight hours from the request).
    pub token_ttl_seconds: u64,
    /// How long a deleted resource's metadata is returned by a repeated delete (strict profile:
    /// one hour), after which the repeated delete answers `{}`.
    pub deleted_retention_seconds: u64,
    /// The largest request body accepted.
    pub max_body_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            region: "us-east-1".into(),
            account: "123456789012".into(),
            register_seconds: 2,
            deploy_seconds: 10,
            delete_seconds: 10,
            token_ttl_seconds: 8 * 3600,
            deleted_retention_seconds: 3600,
            max_body_bytes: 1024 * 1024,
        }
    }
}

impl Config {
    pub fn token_ttl(&self) -> Millis {
        self.token_ttl_seconds as Millis * SECOND
    }

    pub fn deleted_retention(&self) -> Millis {
        self.deleted_retention_seconds as Millis * SECOND
    }

    pub fn arn(&self, resource: &str) -> String {
        format!("arn:aws:proton:{}:{}:{resource}", self.region, self.account)
    }
}

/// Identifies a resource across kinds, for tokens and tombstones.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResourceKey {
    EnvironmentTemplate(String),
    EnvironmentTemplateVersion(String, u32, u32),
}

/// A deleted resource's last detail, returned by a repeated delete within the retention window.
#[derive(Debug, Clone)]
pub struct Tombstone {
    pub detail: Value,
    pub deleted_at: Millis,
}

/// All resources and tokens.
#[derive(Default)]
pub struct Store {
    pub env_templates: BTreeMap<String, EnvironmentTemplate>,
    pub env_template_versions: BTreeMap<(String, u32, u32), EnvironmentTemplateVersion>,
    /// Highest major version ever created per template: numbers are never reused.
    pub highest_major: HashMap<String, u32>,
    /// Highest minor version ever created per template and major version.
    pub highest_minor: HashMap<(String, u32), u32>,
    pub tombstones: HashMap<ResourceKey, Tombstone>,
    pub tokens: TokenRegistry,
}

impl Store {
    /// The metadata a repeated delete returns: the tombstone if recent enough, else nothing.
    pub fn recent_tombstone(
        &self,
        key: &ResourceKey,
        now: Millis,
        retention: Millis,
    ) -> Option<&Value> {
        self.tombstones
            .get(key)
            .filter(|t| now - t.deleted_at < retention)
            .map(|t| &t.detail)
    }

    pub fn bury(&mut self, key: ResourceKey, detail: Value, now: Millis) {
        // Old tombstones are dropped as new ones arrive, so memory stays bounded.
        if self.tombstones.len() > 10_000 {
            self.tombstones
                .retain(|_, t| now - t.deleted_at < 24 * HOUR);
        }
        self.tombstones.insert(
            key,
            Tombstone {
                detail,
                deleted_at: now,
            },
        );
    }
}

/// One emulator instance: what the router's handlers share.
pub struct Emulator {
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    store: Mutex<Store>,
}

impl Emulator {
    pub fn new(config: Config) -> Self {
        Self::with_clock(config, Arc::new(SystemClock::default()))
    }

    pub fn with_clock(config: Config, clock: Arc<dyn Clock>) -> Self {
        Self {
            config,
            clock,
            store: Mutex::new(Store::default()),
        }
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        // Operations never panic while holding the lock by design; if one did, its partial
        // write is still a valid state, so keep serving rather than fail every later request.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn reset(&self) {
        *self.store() = Store::default();
    }
}
