//! awsJson transport: builds a service's requests from its model, sends them with reqwest,
//! bounds them in time and size, and records what happened as an [`Exchange`].

mod decode;
mod exchange;
mod pages;
mod sign;
mod transport;

pub use decode::{ApiError, Body, decode_response};
pub use exchange::{Exchange, Outcome, Response, TransportError};
#[cfg(feature = "aws")]
pub use sign::profile_endpoint;
pub use sign::{SharedSigner, Signer};
pub use transport::{Client, ClientConfig, RequestOptions, RetryPolicy, error_chain};
