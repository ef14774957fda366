//! The store of resources and tokens. Every operation runs entirely under its lock, so
//! identical concurrent requests are serialised and a named or tokenised create makes exactly
//! one resource.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::records::{
    Component, Connection, DeploymentRecord, Environment, Service, ServiceInstance, Template,
    TemplateVersion,
};
use crate::endpoint::control::{HOUR, Millis};
use crate::endpoint::proton::tokens::TokenRegistry;

/// Environment and service templates behave alike; the kind says which one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TemplateKind {
    Environment,
    Service,
}

/// Identifies a resource across kinds, for tokens and tombstones.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResourceKey {
    Template(TemplateKind, String),
    TemplateVersion(TemplateKind, String, u32, u32),
    Environment(String),
    Service(String),
    ServiceInstance(String, String),
    Connection(String),
    Component(String),
}

/// A deleted resource's delete answer, returned again by a repeated delete within the retention
/// window.
#[derive(Debug, Clone)]
pub struct Tombstone {
    pub answer: Value,
    pub deleted_at: Millis,
}

/// All resources and tokens.
#[derive(Default)]
pub struct Store {
    pub templates: BTreeMap<(TemplateKind, String), Template>,
    pub template_versions: BTreeMap<(TemplateKind, String, u32, u32), TemplateVersion>,
    /// Highest major version ever created per template: numbers are never reused.
    pub highest_major: HashMap<(TemplateKind, String), u32>,
    /// Highest minor version ever created per template and major version.
    pub highest_minor: HashMap<(TemplateKind, String, u32), u32>,
    pub environments: BTreeMap<String, Environment>,
    pub services: BTreeMap<String, Service>,
    pub service_instances: BTreeMap<(String, String), ServiceInstance>,
    pub connections: BTreeMap<String, Connection>,
    pub components: BTreeMap<String, Component>,
    pub deployments: BTreeMap<String, DeploymentRecord>,
    /// Deployments started so far, to number them.
    pub deployments_started: u64,
    /// Tags by ARN; every live taggable resource has an entry, so it doubles as the ARN index.
    pub tags: HashMap<String, Vec<(String, String)>>,
    pub account_settings: serde_json::Map<String, Value>,
    pub tombstones: HashMap<ResourceKey, Tombstone>,
    pub tokens: TokenRegistry,
    /// State of the id generator.
    pub seed: u64,
}

impl Store {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            seed,
            ..Self::default()
        }
    }

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
            .map(|t| &t.answer)
    }

    /// Records a deletion: the resource leaves the tag index, and its delete answer is kept
    /// for repeated deletes.
    pub fn bury(&mut self, key: ResourceKey, arn: &str, answer: Value, now: Millis) {
        self.tags.remove(arn);
        // Old tombstones are dropped as new ones arrive, so memory stays bounded.
        if self.tombstones.len() > 10_000 {
            self.tombstones
                .retain(|_, t| now - t.deleted_at < 24 * HOUR);
        }
        self.tombstones.insert(
            key,
            Tombstone {
                answer,
                deleted_at: now,
            },
        );
    }

    /// A random-looking UUID (v4 layout) from a splitmix64 sequence.
    pub fn new_uuid(&mut self) -> String {
        let mut next = || {
            self.seed = self.seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let (a, b) = (next(), next());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }

    /// Finishes deletions whose time has come: the resources disappear.
    pub fn sweep(&mut self, now: Millis) {
        let done = |d: &Option<crate::endpoint::proton::lifecycle::Deletion>| {
            d.is_some_and(|d| d.finished(now))
        };
        let gone: Vec<String> = self
            .environments
            .iter()
            .filter(|(_, e)| done(&e.deletion))
            .map(|(k, _)| k.clone())
            .collect();
        for name in gone {
            if let Some(e) = self.environments.remove(&name) {
                self.tags.remove(&e.arn);
            }
        }
        let gone: Vec<String> = self
            .services
            .iter()
            .filter(|(_, s)| done(&s.deletion))
            .map(|(k, _)| k.clone())
            .collect();
        for name in gone {
            if let Some(s) = self.services.remove(&name) {
                self.tags.remove(&s.arn);
            }
            let instances: Vec<(String, String)> = self
                .service_instances
                .keys()
                .filter(|(svc, _)| *svc == name)
                .cloned()
                .collect();
            for key in instances {
                if let Some(i) = self.service_instances.remove(&key) {
                    self.tags.remove(&i.arn);
                }
            }
        }
        let gone: Vec<String> = self
            .components
            .iter()
            .filter(|(_, c)| done(&c.deletion))
            .map(|(k, _)| k.clone())
            .collect();
        for name in gone {
            if let Some(c) = self.components.remove(&name) {
                self.tags.remove(&c.arn);
            }
        }
    }
}
