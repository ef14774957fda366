//! Typed view of botocore's service description, parsed once from the embedded file.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::waiters::{Waiter, WaitersFile};

const SERVICE_JSON: &str = include_str!("data/proton-2020-07-20.service.json");
const WAITERS_JSON: &str = include_str!("data/proton-2020-07-20.waiters.json");
const PAGINATORS_JSON: &str = include_str!("data/proton-2020-07-20.paginators.json");

/// The whole model: protocol metadata, operations, shapes, waiters, paginators.
#[derive(Debug)]
pub struct Model {
    pub metadata: Metadata,
    pub operations: BTreeMap<String, Operation>,
    pub shapes: BTreeMap<String, Shape>,
    pub waiters: BTreeMap<String, Waiter>,
    pub paginators: BTreeMap<String, Paginator>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub api_version: String,
    pub json_version: String,
    pub protocol: String,
    pub service_id: String,
    pub signing_name: String,
    pub target_prefix: String,
}

#[derive(Debug, Deserialize)]
pub struct Operation {
    pub name: String,
    pub input: Option<ShapeRef>,
    pub output: Option<ShapeRef>,
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    #[serde(default)]
    pub idempotent: bool,
}

#[derive(Debug, Deserialize)]
pub struct ShapeRef {
    pub shape: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShapeKind {
    Structure,
    String,
    Integer,
    Long,
    Boolean,
    Timestamp,
    List,
    Map,
    Double,
    Float,
    Blob,
}

#[derive(Debug, Deserialize)]
pub struct Shape {
    #[serde(rename = "type")]
    pub kind: ShapeKind,
    #[serde(default)]
    pub members: BTreeMap<String, Member>,
    #[serde(default)]
    pub required: Vec<String>,
    pub member: Option<ShapeRef>,
    pub key: Option<ShapeRef>,
    pub value: Option<ShapeRef>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub pattern: Option<String>,
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub exception: bool,
    #[serde(default)]
    pub fault: bool,
    #[serde(default)]
    pub union: bool,
}

#[derive(Debug, Deserialize)]
pub struct Member {
    pub shape: String,
    #[serde(default, rename = "idempotencyToken")]
    pub idempotency_token: bool,
}

#[derive(Debug, Deserialize)]
pub struct Paginator {
    pub input_token: String,
    pub output_token: String,
    pub limit_key: Option<String>,
    pub result_key: serde_json::Value,
}

#[derive(Deserialize)]
struct ServiceFile {
    metadata: Metadata,
    operations: BTreeMap<String, Operation>,
    shapes: BTreeMap<String, Shape>,
}

#[derive(Deserialize)]
struct PaginatorsFile {
    pagination: BTreeMap<String, Paginator>,
}

impl Model {
    /// The embedded Proton model, parsed on first use.
    pub fn get() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| {
            // The files are compiled in and covered by tests: a parse failure is a build defect.
            let service: ServiceFile =
                serde_json::from_str(SERVICE_JSON).expect("embedded service model parses");
            let waiters: WaitersFile =
                serde_json::from_str(WAITERS_JSON).expect("embedded waiters parse");
            let paginators: PaginatorsFile =
                serde_json::from_str(PAGINATORS_JSON).expect("embedded paginators parse");
            Model {
                metadata: service.metadata,
                operations: service.operations,
                shapes: service.shapes,
                waiters: waiters.waiters,
                paginators: paginators.pagination,
            }
        })
    }

    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.get(name)
    }

    pub fn shape(&self, name: &str) -> Option<&Shape> {
        self.shapes.get(name)
    }

    /// The `X-Amz-Target` header value for an operation.
    pub fn target(&self, operation: &str) -> String {
        format!("{}.{}", self.metadata.target_prefix, operation)
    }

    /// The input structure of an operation, if it has one.
    pub fn input_shape(&self, operation: &str) -> Option<&Shape> {
        let op = self.operation(operation)?;
        self.shape(&op.input.as_ref()?.shape)
    }

    /// The name of the member the model marks as an idempotency token, if any.
    pub fn idempotency_token_member(&self, operation: &str) -> Option<&str> {
        self.input_shape(operation)?
            .members
            .iter()
            .find(|(_, m)| m.idempotency_token)
            .map(|(name, _)| name.as_str())
    }

    /// Whether `error` is declared by `operation` (not counting protocol-level errors).
    pub fn declares_error(&self, operation: &str, error: &str) -> bool {
        self.operation(operation)
            .is_some_and(|op| op.errors.iter().any(|e| e.shape == error))
    }

    /// Every exception shape name in the model.
    pub fn error_shapes(&self) -> impl Iterator<Item = &str> {
        self.shapes
            .iter()
            .filter(|(_, s)| s.exception)
            .map(|(n, _)| n.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_the_embedded_model() {
        let m = Model::get();
        assert_eq!(m.metadata.target_prefix, "AwsProton20200720");
        assert_eq!(m.metadata.signing_name, "proton");
        assert_eq!(m.operations.len(), 87);
        assert!(m.waiters.contains_key("EnvironmentDeployed"));
        assert!(m.paginators.contains_key("ListEnvironmentTemplates"));
    }

    #[test]
    fn finds_idempotency_tokens_where_the_model_marks_them() {
        let m = Model::get();
        let mut with_token: Vec<&str> = m
            .operations
            .keys()
            .map(String::as_str)
            .filter(|op| m.idempotency_token_member(op).is_some())
            .collect();
        with_token.sort_unstable();
        assert_eq!(
            with_token,
            [
                "CreateComponent",
                "CreateEnvironmentAccountConnection",
                "CreateEnvironmentTemplateVersion",
                "CreateServiceInstance",
                "CreateServiceTemplateVersion",
                "UpdateComponent",
                "UpdateServiceInstance",
            ]
        );
        assert_eq!(
            m.idempotency_token_member("CreateEnvironmentTemplateVersion"),
            Some("clientToken")
        );
    }

    #[test]
    fn knows_which_errors_an_operation_declares() {
        let m = Model::get();
        assert!(m.declares_error("CreateEnvironmentTemplate", "ConflictException"));
        assert!(!m.declares_error("ListEnvironmentTemplates", "ConflictException"));
        assert_eq!(
            m.target("GetEnvironment"),
            "AwsProton20200720.GetEnvironment"
        );
    }
}
