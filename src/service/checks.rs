//! What a pack must hold of its model before a service is made of the two.

use super::Pack;
use crate::error::Error;
use crate::model::Model;

/// Every operation the pack names is in the model; its fuzz create has a token; its cleanup
/// listings have a paginator; its token operations their token member; its clauses apply to
/// groups it has.
pub(super) fn pack_fits_model(pack: &Pack, model: &Model) -> Result<(), Error> {
    let unknown: Vec<&str> = pack
        .named_operations()
        .filter(|op| model.operation(op).is_none())
        .collect();
    if !unknown.is_empty() {
        return Err(Error::input(format!(
            "names operations not in the model {}: {}",
            pack.model,
            unknown.join(", ")
        )));
    }
    if let Some(fuzz) = &pack.fuzz
        && model
            .idempotency_token_member(&fuzz.token_create.operation)
            .is_none()
    {
        return Err(Error::input(format!(
            "fuzz.token_create: {} has no idempotency token",
            fuzz.token_create.operation
        )));
    }
    for kind in &pack.cleanup {
        let lists = std::iter::once(&kind.list).chain(kind.versions.iter().map(|v| &v.list));
        for list in lists {
            if !model
                .paginators
                .get(list)
                .is_some_and(|p| p.result_key.is_string())
            {
                return Err(Error::input(format!(
                    "cleanup: {list} has no paginator with one result key"
                )));
            }
        }
    }
    for token in &pack.tokens {
        let member = token
            .member
            .as_deref()
            .or_else(|| model.idempotency_token_member(&token.operation));
        let known = model
            .input_shape(&token.operation)
            .zip(member)
            .is_some_and(|(shape, m)| shape.members.contains_key(m));
        if !known {
            return Err(Error::input(format!(
                "tokens: {} has no token member {}",
                token.operation,
                member.unwrap_or("(none marked in the model; name it with `member:`)")
            )));
        }
    }
    for clause in &pack.clauses {
        for group in &clause.applies_to {
            if !pack.operation_groups.contains_key(group) {
                return Err(Error::input(format!(
                    "clause {} applies to an unknown group {group:?}",
                    clause.id
                )));
            }
        }
    }
    Ok(())
}
