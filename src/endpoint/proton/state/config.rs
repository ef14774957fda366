//! Settings of one emulator instance.

use crate::endpoint::control::{Millis, SECOND};
use crate::endpoint::proton::faults::FaultSet;
use crate::endpoint::proton::sigv4::Verifier;

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
    pub verify_sigv4: Option<Verifier>,
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
