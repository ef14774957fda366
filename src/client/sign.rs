//! SigV4 signing of requests (signing name from the model), with credentials from the AWS
//! credential chain, loaded only when a run signs.

use std::sync::Arc;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

use crate::error::Error;
use crate::model::Model;

/// Signs requests for one region with credentials from a provider.
#[derive(Clone)]
pub struct Signer {
    provider: SharedCredentialsProvider,
    region: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the credentials themselves.
        f.debug_struct("Signer")
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl Signer {
    pub fn new(provider: SharedCredentialsProvider, region: &str) -> Self {
        Self {
            provider,
            region: region.to_string(),
        }
    }

    /// Fixed credentials, for tests and explicit keys.
    pub fn from_keys(
        access_key: &str,
        secret_key: &str,
        session_token: Option<String>,
        region: &str,
    ) -> Self {
        let credentials = Credentials::from_keys(access_key, secret_key, session_token);
        Self::new(SharedCredentialsProvider::new(credentials), region)
    }

    /// The standard chain (environment, profiles with SSO and credential_process, web identity,
    /// container, instance metadata), with an optional profile name and region.
    #[cfg(feature = "aws")]
    pub async fn from_chain(profile: Option<&str>, region: Option<&str>) -> Result<Self, Error> {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(p) = profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = region {
            loader = loader.region(aws_config::Region::new(r.to_string()));
        }
        let config = loader.load().await;
        let provider = config.credentials_provider().ok_or_else(|| {
            Error::credentials(
                "no credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use --profile",
            )
        })?;
        let region = config
            .region()
            .map(|r| r.to_string())
            .ok_or_else(|| Error::credentials("no region: pass --region or set AWS_REGION"))?;
        // Load them once now, so that missing credentials stop the run before it starts
        // instead of erroring every scenario.
        provider.provide_credentials().await.map_err(|e| {
            Error::credentials(format!(
                "no credentials could be loaded ({}): set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use --profile",
                crate::client::error_chain(&e)
            ))
        })?;
        Ok(Self::new(provider, &region))
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// The headers to add to a request (`authorization`, `x-amz-date`, maybe
    /// `x-amz-security-token`).
    pub async fn headers(
        &self,
        method: &str,
        url: &str,
        signing_name: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Vec<(String, String)>, Error> {
        let credentials = self.provider.provide_credentials().await.map_err(|e| {
            Error::credentials(format!(
                "cannot load credentials: {}",
                crate::client::error_chain(&e)
            ))
        })?;
        let identity = credentials.into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(signing_name)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| Error::credentials(format!("cannot sign: {e}")))?
            .into();
        let request = SignableRequest::new(
            method,
            url,
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(body),
        )
        .map_err(|e| Error::credentials(format!("cannot sign: {e}")))?;
        let (instructions, _signature) = sign(request, &params)
            .map_err(|e| Error::credentials(format!("cannot sign: {e}")))?
            .into_parts();
        let (added, _query) = instructions.into_parts();
        Ok(added
            .into_iter()
            .map(|h| (h.name().to_string(), h.value().to_string()))
            .collect())
    }
}

/// A signer shared by every request of a run.
pub type SharedSigner = Arc<Signer>;

/// The endpoint the AWS configuration gives a service: the profile's `services` section entry
/// for it, else the profile's `endpoint_url` (the SDKs' order after the environment
/// variables). Reads only the config files; `None` without any.
#[cfg(feature = "aws")]
pub async fn profile_endpoint(model: &Model, profile: Option<&str>) -> Option<String> {
    let home = std::env::var("HOME").unwrap_or_default();
    let config_file =
        std::env::var("AWS_CONFIG_FILE").unwrap_or_else(|_| format!("{home}/.aws/config"));
    if !std::path::Path::new(&config_file).exists() {
        return None;
    }
    // An explicit region and no credentials use keep loading to the files: nothing is probed.
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .no_credentials();
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    let config = loader.load().await;
    let (service_id, variable) = (
        model.metadata.config_key(),
        model.metadata.endpoint_variable(),
    );
    let key = aws_types::service_config::ServiceConfigKey::builder()
        .service_id(&service_id)
        .profile("endpoint_url")
        .env(&variable)
        .build()
        .ok()?;
    config
        .service_config()
        .and_then(|c| c.load_config(key))
        .or_else(|| config.endpoint_url().map(str::to_string))
}
