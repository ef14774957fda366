//! The emulator's client-token registry: which request a token first came with, when, and
//! which resource it produced. Fault switches that bend token handling act here.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::clock::{HOUR, Millis};
use super::faults::{Fault, FaultSet};
use super::state::ResourceKey;

/// What the first successful request with a token left behind.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    /// The request's parameters, without the token itself.
    pub params: Value,
    /// When the first request was made: the eight hours run from here.
    pub issued_at: Millis,
    pub resource: ResourceKey,
    /// Wall-clock time of the write, for the duplicates-under-concurrency fault.
    pub written: Instant,
}

/// Tokens are scoped per operation: one token on two operations is two unrelated requests.
#[derive(Default)]
pub struct TokenRegistry {
    records: HashMap<(&'static str, String), TokenRecord>,
}

/// How long a fresh write stays invisible under the duplicates-under-concurrency fault: long
/// enough for requests in flight together, short enough that a sequential retry sees it.
const RACE_WINDOW: Duration = Duration::from_millis(50);

impl TokenRegistry {
    fn key(operation: &'static str, token: &str, faults: FaultSet) -> (&'static str, String) {
        if faults.has(Fault::CaseInsensitiveTokens) {
            (operation, token.to_ascii_lowercase())
        } else {
            (operation, token.to_string())
        }
    }

    /// The live record for a token, forgetting it if it expired.
    pub fn lookup(
        &mut self,
        operation: &'static str,
        token: &str,
        now: Millis,
        ttl: Millis,
        faults: FaultSet,
    ) -> Option<TokenRecord> {
        if faults.has(Fault::IgnoreClientTokens) {
            return None;
        }
        let ttl = if faults.has(Fault::ShortTokenExpiry) {
            HOUR
        } else {
            ttl
        };
        let key = Self::key(operation, token, faults);
        let record = self.records.get(&key)?;
        if now - record.issued_at >= ttl {
            self.records.remove(&key);
            return None;
        }
        if faults.has(Fault::DuplicatesUnderConcurrency) && record.written.elapsed() < RACE_WINDOW {
            return None;
        }
        Some(record.clone())
    }

    pub fn remember(
        &mut self,
        operation: &'static str,
        token: &str,
        params: Value,
        issued_at: Millis,
        resource: ResourceKey,
        faults: FaultSet,
    ) {
        let record = TokenRecord {
            params,
            issued_at,
            resource,
            written: Instant::now(),
        };
        self.records
            .insert(Self::key(operation, token, faults), record);
    }

    /// Restarts the eight hours (the retries-extend-expiry reading).
    pub fn touch(&mut self, operation: &'static str, token: &str, now: Millis, faults: FaultSet) {
        if let Some(r) = self.records.get_mut(&Self::key(operation, token, faults)) {
            r.issued_at = now;
        }
    }

    pub fn forget(&mut self, operation: &'static str, token: &str, faults: FaultSet) {
        self.records.remove(&Self::key(operation, token, faults));
    }

    /// Drops expired records so memory stays bounded under a long-running `serve`.
    pub fn prune(&mut self, now: Millis, ttl: Millis) {
        if self.records.len() > 10_000 {
            self.records.retain(|_, r| now - r.issued_at < ttl);
        }
    }
}
