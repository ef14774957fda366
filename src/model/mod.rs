//! Botocore service models: operations, shapes, waiters and paginators (the bundled ones
//! embedded at compile time), and the JSON Schemas derived from them.

mod bundled;
mod paginator;
mod schema;
mod service;
mod suggest;
mod validate;
mod waiters;

pub use bundled::{BUNDLED_MODELS, ModelFiles};
pub use paginator::Paginator;
pub use schema::{Direction, shape_schema, usable_pattern};
pub use service::{Member, Metadata, Model, Operation, SPOKEN, Shape, ShapeKind, ShapeRef};
pub use suggest::closest;
pub use validate::SchemaViolation;
pub use waiters::{Acceptor, AcceptorState, Matcher, Waiter};

/// Errors any AWS service may answer, whatever the operation declares (CONTRACT.md, G3): the
/// protocol's own, and the common errors every API reference lists ("Common Errors":
/// https://docs.aws.amazon.com/<service>/latest/APIReference/CommonErrors.html).
pub const COMMON_ERRORS: &[&str] = &[
    "SerializationException",
    "UnknownOperationException",
    "InvalidSignatureException",
    "IncompleteSignature",
    "MissingAuthenticationToken",
    "UnrecognizedClientException",
    "AccessDeniedException",
    "ExpiredTokenException",
    "InternalFailure",
    "MalformedHttpRequestException",
    "NotAuthorized",
    "OptInRequired",
    "RequestAbortedException",
    "RequestEntityTooLargeException",
    "RequestExpired",
    "RequestTimeoutException",
    "ServiceUnavailable",
    "ThrottlingException",
    "ValidationError",
    "ValidationException",
];
