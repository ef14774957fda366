//! What a conformance run asks the endpoint before judging it: what it says of itself, and
//! whether it answers a service's protocol at all (an unsigned request to moto is answered
//! as S3's).

use proton_conform::client::{Body, Client, ClientConfig, Outcome, RequestOptions};
use proton_conform::conformance::first_clause;
use proton_conform::error::Error;
use proton_conform::service::Service;

/// Refuses an unsigned run against an endpoint that answers the first service it can ask in
/// another protocol than that service's: it routes requests by their signature.
pub async fn answers_unsigned(
    url: &str,
    services: &[&Service],
    client: &ClientConfig,
) -> Result<(), Error> {
    let Some(service) = services.iter().find(|s| s.unspoken().is_none()) else {
        return Ok(());
    };
    let probe = Client::new(url, service.model.clone(), client.clone())?;
    match foreign_answer(&probe, service).await {
        Some(why) => Err(Error::input(format!(
            "{why}; an emulator that routes requests by their signature (moto does) needs them signed: add --sign"
        ))),
        None => Ok(()),
    }
}

/// What the endpoint says of itself: LocalStack's version, else the `Server` header.
pub async fn self_description(client: &Client) -> Option<String> {
    let base = client.endpoint().trim_end_matches('/');
    let get = |path: &str| client.http().get(format!("{base}{path}")).send();
    if let Ok(answer) = get("/_localstack/health").await
        && answer.status().is_success()
        && let Ok(bytes) = answer.bytes().await
        && let Ok(body) = serde_json::from_slice::<serde_json::Value>(&bytes)
        && let Some(version) = body["version"].as_str()
    {
        return Some(format!("LocalStack {version}"));
    }
    let answer = get("/").await.ok()?;
    let server = answer.headers().get("server")?.to_str().ok()?;
    Some(format!("Server: {server}"))
}

/// Why the endpoint's answer to a read with no required input is not the service's protocol at
/// all (another service's document), if it is not; `None` when it reads, or nothing can ask.
async fn foreign_answer(client: &Client, service: &Service) -> Option<String> {
    let model = &service.model;
    let operation = model.operations.values().find(|op| {
        (op.name.starts_with("List") || op.name.starts_with("Describe"))
            && op
                .input
                .as_ref()
                .and_then(|i| model.shape(&i.shape))
                .is_none_or(|s| s.required.is_empty())
    })?;
    let exchange = client
        .call(
            &operation.name,
            &serde_json::json!({}),
            &RequestOptions::default(),
        )
        .await;
    let Outcome::Response(response) = &exchange.outcome else {
        return None;
    };
    let kind = response.header("content-type").unwrap_or("no content type");
    let foreign = matches!(response.body, Body::Malformed(_)) && kind.contains("xml");
    foreign.then(|| {
        format!(
            "the endpoint answered {} unsigned with {kind} (HTTP {}: {}), not {}",
            operation.name,
            response.status,
            first_clause(&response.raw),
            model.metadata.protocol_name()
        )
    })
}
