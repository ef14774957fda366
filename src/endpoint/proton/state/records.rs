//! The records the store keeps, one per resource kind: plain data. What each operation does
//! with them lives in `ops`; `state` depends on nothing there.

use serde_json::{Map, Value};

use super::TemplateKind;
use crate::endpoint::control::Millis;
use crate::endpoint::proton::lifecycle::{Deletion, Rollout};

#[derive(Debug, Clone)]
pub struct Connection {
    pub id: String,
    pub arn: String,
    pub environment_name: String,
    pub management_account_id: String,
    pub environment_account_id: String,
    pub requested_at: Millis,
    pub last_modified_at: Millis,
    pub status: &'static str,
    pub fields: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub struct Component {
    pub name: String,
    pub arn: String,
    pub created_at: Millis,
    pub last_modified_at: Millis,
    pub environment_name: String,
    pub service_name: Option<String>,
    pub service_instance_name: Option<String>,
    pub description: Option<String>,
    pub service_spec: Option<String>,
    pub deployment: String,
    pub deletion: Option<Deletion>,
    pub last_client_request_token: Option<String>,
}

/// What a deployment deploys.
#[derive(Debug, Clone, Default)]
pub struct DeploymentTarget {
    pub resource_type: &'static str,
    pub arn: String,
    pub created_at: Millis,
    pub environment_name: String,
    pub service_name: Option<String>,
    pub service_instance_name: Option<String>,
    pub component_name: Option<String>,
}

impl DeploymentTarget {
    /// A service instance's deployment target (its create and its updates deploy to it).
    pub fn service_instance(
        arn: String,
        created_at: Millis,
        environment: &str,
        service: &str,
        name: &str,
    ) -> DeploymentTarget {
        DeploymentTarget {
            resource_type: "SERVICE_INSTANCE",
            arn,
            created_at,
            environment_name: environment.to_string(),
            service_name: Some(service.to_string()),
            service_instance_name: Some(name.to_string()),
            ..DeploymentTarget::default()
        }
    }
}

#[derive(Debug, Clone)]
pub struct DeploymentRecord {
    pub arn: String,
    /// Order of starting, which breaks ties between deployments started in one millisecond.
    pub sequence: u64,
    pub rollout: Rollout,
    pub target: DeploymentTarget,
}

#[derive(Debug, Clone)]
pub struct Environment {
    pub name: String,
    pub arn: String,
    pub created_at: Millis,
    pub template_name: String,
    pub major: u32,
    pub minor: u32,
    pub fields: Map<String, Value>,
    pub deployment: String,
    pub deletion: Option<Deletion>,
    pub request: Value,
    pub modified: bool,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub arn: String,
    pub created_at: Millis,
    pub last_modified_at: Millis,
    pub template_name: String,
    pub major: u32,
    pub minor: u32,
    pub fields: Map<String, Value>,
    pub active_at: Millis,
    pub updated_at: Option<Millis>,
    pub pipeline_deployment: Option<String>,
    pub deletion: Option<Deletion>,
    pub request: Value,
    pub modified: bool,
}

#[derive(Debug, Clone)]
pub struct ServiceInstance {
    pub service_name: String,
    pub name: String,
    pub arn: String,
    pub created_at: Millis,
    pub environment_name: String,
    pub template_name: String,
    pub major: u32,
    pub minor: u32,
    pub spec: Option<String>,
    pub deployment: String,
    pub last_client_request_token: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TemplateVersion {
    pub kind: TemplateKind,
    pub template_name: String,
    pub major: u32,
    pub minor: u32,
    pub arn: String,
    pub created_at: Millis,
    pub last_modified_at: Millis,
    pub description: Option<String>,
    /// When registration finishes (a deadline on the virtual clock, never a timer).
    pub registered_at: Millis,
    pub published: bool,
    /// Kind-specific members copied from the request (compatible environment templates...).
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub kind: TemplateKind,
    pub name: String,
    pub arn: String,
    pub created_at: Millis,
    pub last_modified_at: Millis,
    pub description: Option<String>,
    pub display_name: Option<String>,
    pub encryption_key: Option<String>,
    pub provisioning: Option<String>,
    /// The create request's parameters, to tell a retry (IC1) from a mismatch (IC3).
    pub request: Value,
    /// Set by a successful update: a later create retry is a ConflictException (IC2).
    pub modified: bool,
}
