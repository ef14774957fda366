//! Typed view of a botocore service description: metadata, operations, shapes, waiters,
//! paginators, parsed from the files a service pack names.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::paginator::Paginator;
use super::validate::Validators;
use super::waiters::{Waiter, WaitersFile};
use crate::error::Error;

/// The whole model: protocol metadata, operations, shapes, waiters, paginators.
#[derive(Debug)]
pub struct Model {
    pub metadata: Metadata,
    pub operations: BTreeMap<String, Operation>,
    pub shapes: BTreeMap<String, Shape>,
    pub waiters: BTreeMap<String, Waiter>,
    pub paginators: BTreeMap<String, Paginator>,
    /// Compiled JSON Schemas of the shapes, compiled on first use.
    pub(super) validators: Validators,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub endpoint_prefix: String,
    /// awsJson only: the `application/x-amz-json-X` version.
    pub json_version: Option<String>,
    /// The protocol requests are sent and answers read in: the model's first that the harness
    /// speaks (`json`, `rest-json`), else the model's own, which the harness then refuses.
    pub protocol: String,
    /// Every protocol the service answers in, its preferred first (botocore's `protocols`; a
    /// CBOR service also answers in awsJson).
    #[serde(default)]
    pub protocols: Vec<String>,
    #[serde(default)]
    pub service_id: String,
    /// Absent in some models: the endpoint prefix signs then.
    pub signing_name: Option<String>,
    /// awsJson only: the `X-Amz-Target` prefix.
    pub target_prefix: Option<String>,
}

/// The protocols the harness speaks (`src/protocol`).
pub const SPOKEN: &[&str] = &["json", "rest-json"];

impl Metadata {
    /// The protocol an SDK picks: the service's preferred one.
    pub fn preferred_protocol(&self) -> &str {
        self.protocols.first().unwrap_or(&self.protocol)
    }

    /// Whether the harness speaks the protocol requests are sent in.
    pub fn spoken(&self) -> bool {
        SPOKEN.contains(&self.protocol.as_str())
    }

    /// The service's first protocol the harness speaks, for its requests and answers.
    fn choose_protocol(&mut self) {
        if let Some(spoken) = self.protocols.iter().find(|p| SPOKEN.contains(&p.as_str())) {
            self.protocol = spoken.clone();
        }
    }

    /// The name requests are signed for (SigV4's service name).
    pub fn signing_name(&self) -> &str {
        self.signing_name
            .as_deref()
            .unwrap_or(&self.endpoint_prefix)
    }

    /// The protocol's name as AWS documents it (`awsJson1_0`, `restJson1`).
    pub fn protocol_name(&self) -> String {
        match (self.protocol.as_str(), self.json_version.as_deref()) {
            ("json", Some(v)) => format!("awsJson{}", v.replace('.', "_")),
            ("rest-json", _) => "restJson1".into(),
            (other, _) => other.to_string(),
        }
    }

    /// The request content type of an awsJson protocol.
    pub fn content_type(&self) -> String {
        format!(
            "application/x-amz-json-{}",
            self.json_version.as_deref().unwrap_or("1.0")
        )
    }

    /// The content type of the protocol's JSON answers.
    pub fn answer_content_type(&self) -> String {
        match self.protocol.as_str() {
            "rest-json" => "application/json".into(),
            _ => self.content_type(),
        }
    }

    /// The service's key in the SDKs' configuration: the service id, lower case, spaces as
    /// underscores (`services` sections of the config file).
    pub fn config_key(&self) -> String {
        self.service_id.to_ascii_lowercase().replace(' ', "_")
    }

    /// The environment variable the SDKs read for this service's endpoint
    /// (`AWS_ENDPOINT_URL_<SERVICE_ID>`).
    pub fn endpoint_variable(&self) -> String {
        format!(
            "AWS_ENDPOINT_URL_{}",
            self.service_id.to_ascii_uppercase().replace(' ', "_")
        )
    }
}

#[derive(Debug, Deserialize)]
pub struct Operation {
    pub name: String,
    #[serde(default)]
    pub http: Http,
    pub input: Option<ShapeRef>,
    pub output: Option<ShapeRef>,
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    #[serde(default)]
    pub idempotent: bool,
    /// `hostPrefix`: a prefix of the endpoint's host, with `{member}` labels.
    pub endpoint: Option<OperationEndpoint>,
}

/// An operation's HTTP binding (restJson: method, URI template, success status).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Http {
    #[serde(default = "post")]
    pub method: String,
    #[serde(default = "root")]
    pub request_uri: String,
    pub response_code: Option<u16>,
}

impl Default for Http {
    fn default() -> Self {
        Http {
            method: post(),
            request_uri: root(),
            response_code: None,
        }
    }
}

fn post() -> String {
    "POST".into()
}

fn root() -> String {
    "/".into()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationEndpoint {
    pub host_prefix: String,
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
    Byte,
    Short,
    Integer,
    Long,
    #[serde(rename = "bigInteger")]
    BigInteger,
    #[serde(rename = "bigDecimal")]
    BigDecimal,
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
    /// A timestamp's wire format (`iso8601`, `rfc822`, `unixTimestamp`) wherever it appears.
    #[serde(rename = "timestampFormat")]
    pub timestamp_format: Option<String>,
    /// restJson: the member sent as the whole body.
    pub payload: Option<String>,
    /// A document: any JSON value.
    #[serde(default)]
    pub document: bool,
    /// An exception's declared HTTP status.
    pub error: Option<ErrorTrait>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorTrait {
    pub http_status_code: Option<u16>,
    pub code: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub shape: String,
    #[serde(default)]
    pub idempotency_token: bool,
    /// restJson: `uri`, `querystring`, `header`, `headers` (a prefix), `statusCode`; none for
    /// the body.
    pub location: Option<String>,
    /// The name at that location (the URI label, query key, header name or prefix, or the body
    /// member's JSON name).
    pub location_name: Option<String>,
    /// A header or query value that is a JSON document, base64-encoded.
    #[serde(default, rename = "jsonvalue")]
    pub json_value: bool,
    /// A timestamp's wire format here, over the shape's.
    pub timestamp_format: Option<String>,
    /// The member fills a label of the operation's host prefix.
    #[serde(default)]
    pub host_label: bool,
}

#[derive(Deserialize)]
struct ServiceFile {
    metadata: Metadata,
    operations: BTreeMap<String, Operation>,
    shapes: BTreeMap<String, Shape>,
}

#[derive(Default, Deserialize)]
struct PaginatorsFile {
    pagination: BTreeMap<String, Paginator>,
}

impl Model {
    /// The model from botocore's three files (the waiters and paginators files may be empty
    /// strings: a service without them).
    pub fn from_botocore(service: &str, waiters: &str, paginators: &str) -> Result<Model, Error> {
        let unreadable =
            |file: &str, e: serde_json::Error| Error::input(format!("the {file}: {e}"));
        let service: ServiceFile =
            serde_json::from_str(service).map_err(|e| unreadable("service model", e))?;
        let waiters: WaitersFile = if waiters.is_empty() {
            WaitersFile::default()
        } else {
            serde_json::from_str(waiters).map_err(|e| unreadable("waiters file", e))?
        };
        let paginators: PaginatorsFile = if paginators.is_empty() {
            PaginatorsFile::default()
        } else {
            serde_json::from_str(paginators).map_err(|e| unreadable("paginators file", e))?
        };
        let mut metadata = service.metadata;
        metadata.choose_protocol();
        Ok(Model {
            metadata,
            operations: service.operations,
            shapes: service.shapes,
            waiters: waiters.waiters,
            paginators: paginators.pagination,
            validators: Validators::default(),
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
        match &self.metadata.target_prefix {
            Some(prefix) => format!("{prefix}.{operation}"),
            None => operation.to_string(),
        }
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

    fn proton() -> Model {
        Model::bundled("proton-2020-07-20").unwrap()
    }

    #[test]
    fn loads_the_embedded_model() {
        let m = proton();
        assert_eq!(
            m.metadata.target_prefix.as_deref(),
            Some("AwsProton20200720")
        );
        assert_eq!(m.metadata.signing_name(), "proton");
        assert_eq!(m.metadata.protocol_name(), "awsJson1_0");
        assert_eq!(m.metadata.content_type(), "application/x-amz-json-1.0");
        assert_eq!(m.metadata.endpoint_variable(), "AWS_ENDPOINT_URL_PROTON");
        assert_eq!(m.metadata.config_key(), "proton");
        assert_eq!(m.operations.len(), 87);
        assert!(m.waiters.contains_key("EnvironmentDeployed"));
        assert!(m.paginators.contains_key("ListEnvironmentTemplates"));
    }

    #[test]
    fn finds_idempotency_tokens_where_the_model_marks_them() {
        let m = proton();
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
        let m = proton();
        assert!(m.declares_error("CreateEnvironmentTemplate", "ConflictException"));
        assert!(!m.declares_error("ListEnvironmentTemplates", "ConflictException"));
        assert_eq!(
            m.target("GetEnvironment"),
            "AwsProton20200720.GetEnvironment"
        );
    }
}
