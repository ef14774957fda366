//! The contract's idempotency rules, once, for every resource kind: named creates (IC),
//! creates and updates with a client token (CT), repeated deletes (ID). The fault switches
//! that break these rules act here and nowhere else.

use serde_json::{Value, json};

use super::{Ctx, OpResult};
use crate::endpoint::control::epoch_seconds;
use crate::endpoint::proton::error::ErrorAnswer;
use crate::endpoint::proton::faults::Fault;
use crate::endpoint::proton::state::{ResourceKey, Store};

/// The first member whose value differs between two parameter sets, if any.
pub fn difference(ctx: &Ctx, original: &Value, retry: &Value) -> Option<String> {
    let (Some(a), Some(b)) = (original.as_object(), retry.as_object()) else {
        return (original != retry).then(|| "parameters differ".into());
    };
    let ignored = |k: &str| k == "description" && ctx.faults.has(Fault::MismatchIgnoresDescription);
    a.keys()
        .chain(b.keys())
        .filter(|k| !ignored(k))
        .find(|k| a.get(*k) != b.get(*k))
        .map(|k| format!("{k} differs from the original request"))
}

/// The ValidationException for an IdempotentParameterMismatch.
pub fn mismatch(ctx: &Ctx, detail: &str) -> ErrorAnswer {
    if ctx.faults.has(Fault::BareMismatch) {
        ErrorAnswer::validation(format!("invalid request: {detail}"))
    } else {
        ErrorAnswer::idempotent_parameter_mismatch(detail)
    }
}

/// IC: a create that names a resource which already exists.
pub fn named_retry(
    ctx: &Ctx,
    original: &Value,
    modified: bool,
    params: &Value,
    answer: Value,
) -> OpResult {
    // The strict reading: a mismatch wins over a modification.
    if let Some(diff) = difference(ctx, original, params) {
        return Err(mismatch(ctx, &diff));
    }
    if modified && !ctx.faults.has(Fault::NoConflictAfterModification) {
        return Err(ErrorAnswer::conflict(
            "the resource was modified since it was created; the create cannot be retried",
        ));
    }
    Ok(retry_answer(ctx, answer))
}

/// What a retry answers: the original resource, unless a fault restamps it.
pub fn retry_answer(ctx: &Ctx, mut answer: Value) -> Value {
    if ctx.faults.has(Fault::FreshResourceOnRetry)
        && let Some(resource) = answer.as_object_mut().and_then(|o| o.values_mut().next())
    {
        // Strictly later than the original, so the restamp shows even when the retry comes
        // in the same millisecond: the switch must be caught every time, not by chance.
        let original = resource["createdAt"]
            .as_f64()
            .map(|seconds| (seconds * 1000.0).round() as crate::endpoint::control::Millis);
        let fresh = original.map_or(ctx.now, |o| ctx.now.max(o + 1));
        resource["createdAt"] = epoch_seconds(fresh);
    }
    answer
}

/// What a request with a client token should do.
pub enum TokenCheck {
    /// Perform the request (and remember the token).
    Proceed,
    /// Answer without performing anything.
    Answer(OpResult),
}

/// CT: looks a token up. `current` gives the answer for a live resource, or `None` if it no
/// longer exists (CT5: the token then binds nothing).
pub fn check_token(
    store: &mut Store,
    ctx: &Ctx,
    operation: &'static str,
    token: Option<&str>,
    params: &Value,
    current: impl Fn(&Store, &ResourceKey) -> Option<Value>,
) -> TokenCheck {
    let Some(token) = token else {
        return TokenCheck::Proceed;
    };
    let Some(record) = store.tokens.lookup(
        operation,
        token,
        ctx.now,
        ctx.config.token_ttl(),
        ctx.faults,
    ) else {
        return TokenCheck::Proceed;
    };
    match current(store, &record.resource) {
        Some(answer) => {
            if let Some(diff) = difference(ctx, &record.params, params) {
                return TokenCheck::Answer(Err(mismatch(ctx, &diff)));
            }
            if ctx.faults.has(Fault::RetriesExtendExpiry) {
                store.tokens.touch(operation, token, ctx.now, ctx.faults);
            }
            TokenCheck::Answer(Ok(retry_answer(ctx, answer)))
        }
        None if ctx.faults.has(Fault::TokenKeptAfterDelete) => {
            match store.tombstones.get(&record.resource) {
                Some(t) => TokenCheck::Answer(Ok(t.answer.clone())),
                None => TokenCheck::Proceed,
            }
        }
        None => {
            store.tokens.forget(operation, token, ctx.faults);
            TokenCheck::Proceed
        }
    }
}

/// Remembers a token after the request it came with took effect.
pub fn remember_token(
    store: &mut Store,
    ctx: &Ctx,
    operation: &'static str,
    token: Option<&str>,
    params: Value,
    resource: ResourceKey,
) {
    if let Some(token) = token {
        store.tokens.prune(ctx.now, ctx.config.token_ttl());
        store
            .tokens
            .remember(operation, token, params, ctx.now, resource, ctx.faults);
    }
}

/// ID: a delete of something that is not there (any more).
pub fn repeated_delete(store: &Store, ctx: &Ctx, key: &ResourceKey, what: &str) -> OpResult {
    if ctx.faults.has(Fault::NotFoundOnRepeatedDelete) {
        return Err(ErrorAnswer::not_found(format!("{what} not found")));
    }
    if ctx.faults.has(Fault::EmptyAfterDelete) {
        return Ok(json!({}));
    }
    Ok(store
        .recent_tombstone(key, ctx.now, ctx.config.deleted_retention())
        .cloned()
        .unwrap_or_else(|| json!({})))
}
