//! One endpoint resolution for every command: the URL (flag, environment, AWS config), the
//! loopback rule, the embedded emulator's fault switches, and the signer.

use std::net::IpAddr;
use std::sync::Arc;

use proton_conform::client::Signer;
use proton_conform::endpoint::Embedded;
use proton_conform::error::Error;
use proton_conform::model::Model;
use proton_conform::runner::Target;
use proton_conform::service::Service;

use super::args::{ConnectArgs, EndpointArgs, SigningArgs};

/// `--endpoint`, else `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else the profile's
/// `services` endpoint, else the embedded emulator. A host that is not loopback must be allowed
/// explicitly. Every command that reaches an endpoint resolves it here.
pub(super) fn resolve_endpoint(service: &Service, args: &ConnectArgs) -> Result<Target, Error> {
    let model = &service.model;
    let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let endpoint = args
        .endpoint
        .clone()
        .or_else(|| from_env(&model.metadata.endpoint_variable()))
        .or_else(|| from_env("AWS_ENDPOINT_URL"))
        .or_else(|| endpoint_from_profile(model, args.signing.profile.as_deref()));
    target_for(service, endpoint.as_deref(), &args.allow_endpoints)
}

/// [`resolve_endpoint`], with the embedded endpoint's fault switches turned on.
pub(super) fn resolve_target(service: &Service, args: &EndpointArgs) -> Result<Target, Error> {
    match resolve_endpoint(service, &args.connect)? {
        Target::Embedded(_) => Ok(Target::Embedded(Embedded::for_service(
            service,
            &args.faults,
        )?)),
        Target::Endpoint(_) if !args.faults.is_empty() => Err(Error::input(
            "--fault applies to the embedded emulator; start `proton-conform serve --fault ...` for an endpoint",
        )),
        endpoint => Ok(endpoint),
    }
}

/// The flags that make `run` meet the endpoint of these arguments again: the fault switches
/// of the embedded emulator, or the endpoint's URL.
pub(super) fn replay_flags(args: &EndpointArgs, target: &Target) -> Vec<String> {
    match target {
        Target::Embedded(_) => args.faults.iter().map(|f| format!("--fault {f}")).collect(),
        Target::Endpoint(url) => vec![format!("--endpoint {url}")],
    }
}

/// An endpoint URL (or none, or `embedded`) as a target; a host that is not loopback must be
/// allowed explicitly. The embedded target is the service's, with no switches on.
pub(super) fn target_for(
    service: &Service,
    endpoint: Option<&str>,
    allowed: &[String],
) -> Result<Target, Error> {
    let Some(endpoint) = endpoint.filter(|e| *e != "embedded") else {
        return Ok(Target::Embedded(Embedded::for_service(service, &[])?));
    };
    if !endpoint.contains("://") {
        return Err(Error::input(format!(
            "endpoint {endpoint:?} has no scheme; did you mean http://{endpoint} (or https://)?"
        )));
    }
    let url = reqwest::Url::parse(endpoint)
        .map_err(|e| Error::input(format!("invalid endpoint URL {endpoint:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::input(format!(
            "endpoint {endpoint:?} must be an http:// or https:// URL"
        )));
    }
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_string();
    if !is_loopback(endpoint) && !allowed.iter().any(|h| h == &host) {
        return Err(Error::input(format!(
            "{host} is not a loopback address; to run against it, pass --allow-endpoint {host}"
        )));
    }
    Ok(Target::Endpoint(endpoint.to_string()))
}

/// The signer, when requests are signed: on `--sign`, and by default for a non-loopback
/// endpoint unless `--no-sign`. Credentials are loaded only then.
pub(super) fn signer_for(
    signing: &SigningArgs,
    target: &Target,
    runtime: &tokio::runtime::Runtime,
) -> Result<Option<Arc<Signer>>, Error> {
    let remote = matches!(target, Target::Endpoint(url) if !is_loopback(url));
    if !(signing.sign || (remote && !signing.no_sign)) {
        return Ok(None);
    }
    let (profile, region) = (signing.profile.as_deref(), signing.region.as_deref());
    runtime
        .block_on(load_signer(profile, region))
        .map(|s| Some(Arc::new(s)))
        .map_err(|e| Error::new(e.kind, format!("requests must be signed, but {e}")))
}

#[cfg(feature = "aws")]
async fn load_signer(profile: Option<&str>, region: Option<&str>) -> Result<Signer, Error> {
    Signer::from_chain(profile, region).await
}

#[cfg(not(feature = "aws"))]
async fn load_signer(_profile: Option<&str>, _region: Option<&str>) -> Result<Signer, Error> {
    Err(Error::credentials(
        "this build has no AWS credential chain (built without the `aws` feature)",
    ))
}

/// The AWS config files' endpoint for the service, if any.
#[cfg(feature = "aws")]
fn endpoint_from_profile(model: &Model, profile: Option<&str>) -> Option<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    runtime.block_on(proton_conform::client::profile_endpoint(model, profile))
}

#[cfg(not(feature = "aws"))]
fn endpoint_from_profile(_model: &Model, _profile: Option<&str>) -> Option<String> {
    None
}

pub(super) fn is_loopback(url: &str) -> bool {
    reqwest::Url::parse(url).ok().is_some_and(|u| {
        let host = u
            .host_str()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_string();
        host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    })
}
