//! Checks over exchanges: the protocol (G3), the model's schemas (G2), and a step's
//! expectations under the contract profile. A failed check names the clause it violates.

mod compare;
mod expect;
mod failure;
mod jmes;
mod protocol;
mod schema;

pub use compare::{Difference, differences};
pub use expect::{StepContext, check_expectations};
pub use failure::CheckFailure;
pub use jmes::search;
pub use protocol::check_protocol;
pub use schema::check_schema;

use crate::client::Exchange;

/// Every check a step's answer goes through, in order: protocol, expected outcome, schema,
/// then the body expectations. The first failure ends the step.
pub fn check_step(ctx: &StepContext, exchange: &Exchange) -> Result<(), CheckFailure> {
    check_protocol(exchange)?;
    expect::check_outcome(ctx, exchange)?;
    check_schema(exchange)?;
    check_expectations(ctx, exchange)
}
