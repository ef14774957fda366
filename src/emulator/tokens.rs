//! The emulator's client-token registry: which request a token first came with, when, and
//! which resource it produced.

use std::collections::HashMap;

use serde_json::Value;

use super::clock::Millis;
use super::state::ResourceKey;

/// What the first successful request with a token left behind.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    /// The request's parameters, without the token itself.
    pub params: Value,
    /// When the first request was made: the eight hours run from here.
    pub issued_at: Millis,
    pub resource: ResourceKey,
}

/// Tokens are scoped per operation: one token on two operations is two unrelated requests.
#[derive(Default)]
pub struct TokenRegistry {
    records: HashMap<(&'static str, String), TokenRecord>,
}

/// What a request with a token should do.
pub enum TokenLookup<'a> {
    /// No live record: perform the request and remember the token.
    Fresh,
    /// A live record for the same token.
    Known(&'a TokenRecord),
}

impl TokenRegistry {
    /// The live record for a token, forgetting it if it expired.
    pub fn lookup(
        &mut self,
        operation: &'static str,
        token: &str,
        now: Millis,
        ttl: Millis,
    ) -> TokenLookup<'_> {
        let key = (operation, token.to_string());
        let expired = self
            .records
            .get(&key)
            .is_some_and(|r| now - r.issued_at >= ttl);
        if expired {
            self.records.remove(&key);
        }
        match self.records.get(&key) {
            Some(record) => TokenLookup::Known(record),
            None => TokenLookup::Fresh,
        }
    }

    pub fn remember(&mut self, operation: &'static str, token: &str, record: TokenRecord) {
        self.records.insert((operation, token.to_string()), record);
    }

    pub fn forget(&mut self, operation: &'static str, token: &str) {
        self.records.remove(&(operation, token.to_string()));
    }

    pub fn clear(&mut self) {
        self.records.clear();
    }
}
