//! The emulator's state: configuration, clock, faults, and the store of resources behind one
//! lock.
//!
//! Every operation runs entirely under the store's lock, so identical concurrent requests are
//! serialised and a named or tokenised create makes exactly one resource.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

pub mod records;

use super::faults::{Fault, FaultSet};
use super::tokens::TokenRegistry;
use crate::endpoint::control::{Clock, Control, Controlled, HOUR, Millis, SECOND, SystemClock};
use crate::model::Model;
use records::{
    Component, Connection, DeploymentRecord, Environment, Service, ServiceInstance, Template,
    TemplateVersion,
};

/// Settings of one emulator instance. Durations are in virtual seconds: wall time plus what the
/// control API advanced. The scenarios' waits move the clock, so a status moves on only when a
/// scenario says so, or when a machine stalls between two of its steps longer than these
/// windows (seconds, against the milliseconds a step takes): the one way time could show in a
/// verdict or a snapshot, and far beyond what the determinism test's loaded runs come near.
#[derive(Debug, Clone)]
pub struct Config {
    pub region: String,
    pub account: String,
    /// How long a template version stays REGISTRATION_IN_PROGRESS.
    pub register_seconds: u64,
    /// How long deployments of environments, services, instances and components take.
    pub deploy_seconds: u64,
    /// How long environments, services and components stay DELETE_IN_PROGRESS.
    pub delete_seconds: u64,
    /// How long a client token is remembered (CONTRACT.md CT4: eight hours from the request).
    pub token_ttl_seconds: u64,
    /// How long a deleted resource's metadata is returned by a repeated delete (strict profile:
    /// one hour), after which the repeated delete answers `{}`.
    pub deleted_retention_seconds: u64,
    /// The largest request body accepted.
    pub max_body_bytes: usize,
    /// Fault switches on from the start.
    pub faults: FaultSet,
    /// Verify SigV4 signatures against these credentials (`serve --verify-sigv4`).
    pub verify_sigv4: Option<super::sigv4::Verifier>,
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
            faults: FaultSet::default(),
            verify_sigv4: None,
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
    pub(super) fn new(seed: u64) -> Self {
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
        let done = |d: &Option<super::lifecycle::Deletion>| d.is_some_and(|d| d.finished(now));
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

/// One emulator instance: what the router's handlers share.
pub struct Emulator {
    pub config: Config,
    /// The Proton model requests are checked against.
    pub model: Arc<Model>,
    /// The clock, the request log, the switches and injections the control API moves.
    pub control: Control<Fault>,
    store: Mutex<Store>,
}

impl Emulator {
    pub fn new(config: Config) -> Self {
        Self::with_clock(config, Arc::new(SystemClock::default()))
    }

    pub fn with_clock(config: Config, clock: Arc<dyn Clock>) -> Self {
        let seed = clock.now() as u64;
        Self {
            model: Arc::new(Model::bundled(super::MODEL).expect("the bundled Proton model loads")),
            control: Control::new(clock, config.faults),
            config,
            store: Mutex::new(Store::new(seed)),
        }
    }

    /// The same emulator checking requests against an already loaded model (the runner's
    /// instances share one, so its compiled schemas are compiled once).
    pub fn with_model(mut self, model: Arc<Model>) -> Self {
        self.model = model;
        self
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        // Operations never panic while holding the lock by design; if one did, its partial
        // write is still a valid state, so keep serving rather than fail every later request.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn now(&self) -> Millis {
        self.control.clock.now()
    }
}

impl Controlled for Emulator {
    type Switch = Fault;
    const RESETS: bool = true;
    const INJECTS: bool = true;

    fn control(&self) -> &Control<Fault> {
        &self.control
    }

    fn reset(&self) {
        let seed = self.now() as u64;
        *self.store() = Store::new(seed);
    }

    fn knows_operation(&self, operation: &str) -> bool {
        self.model.operation(operation).is_some()
    }
}
