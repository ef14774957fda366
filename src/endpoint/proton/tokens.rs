//! The emulator's client-token registry: which request a token first came with, when, and
//! which resource it produced. Fault switches that bend token handling act here.

use std::collections::HashMap;

use serde_json::Value;

use super::faults::{Fault, FaultSet};
use super::state::ResourceKey;
use crate::endpoint::control::{HOUR, Millis};

/// What the first successful request with a token left behind.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    /// The request's parameters, without the token itself.
    pub params: Value,
    /// When the first request was made: the eight hours run from here.
    pub issued_at: Millis,
    pub resource: ResourceKey,
    /// Lookups that still read the store as it was before this write (the
    /// duplicates-under-concurrency fault); zero otherwise.
    pub stale_reads_left: u8,
}

/// Tokens are scoped per operation: one token on two operations is two unrelated requests.
#[derive(Default)]
pub struct TokenRegistry {
    records: HashMap<(&'static str, String), TokenRecord>,
}

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
        let record = self.records.get_mut(&key)?;
        if now - record.issued_at >= ttl {
            self.records.remove(&key);
            return None;
        }
        // The duplicates-under-concurrency fault: the request right after a write reads the
        // store as it was before, as the second of two requests in flight together does on a
        // store whose check and write are not atomic. Counted, not timed, so the second copy
        // of a burst always creates again, however the machine schedules it.
        if record.stale_reads_left > 0 {
            record.stale_reads_left -= 1;
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
        let racy = faults.has(Fault::DuplicatesUnderConcurrency);
        let key = Self::key(operation, token, faults);
        // Under the fault the duplicate's own write does not replace the first: later requests
        // see the first resource, as they would once the race is over.
        if racy && self.records.contains_key(&key) {
            return;
        }
        let record = TokenRecord {
            params,
            issued_at,
            resource,
            stale_reads_left: u8::from(racy),
        };
        self.records.insert(key, record);
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
