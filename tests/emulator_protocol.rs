//! The emulator's front door: error encodings, bad input, control API, concurrency.

use std::net::SocketAddr;
use std::sync::Arc;

use proton_conform::client::{Body, Client, ClientConfig, Exchange, RequestOptions};
use proton_conform::endpoint::proton::{self as emulator, Emulator};
use proton_conform::endpoint::{self, RunningServer};
use proton_conform::service::Service;
use serde_json::{Value, json};

async fn server() -> (RunningServer, Client) {
    let server = endpoint::start(
        Arc::new(Emulator::new(emulator::Config::default())),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .unwrap();
    let client = Client::new(
        &server.url(),
        Service::proton().model,
        ClientConfig::default(),
    )
    .unwrap();
    (server, client)
}

async fn call(client: &Client, op: &str, body: Value) -> Exchange {
    client.call(op, &body, &RequestOptions::default()).await
}

fn error_of(e: &Exchange) -> (u16, String, Option<String>) {
    let r = e.response().expect("an answer");
    match &r.body {
        Body::Error(err) => (
            r.status,
            err.error_type.clone(),
            r.header("x-amzn-errortype").map(String::from),
        ),
        other => panic!("expected an error, got {other:?}"),
    }
}

async fn raw_post(
    url: &str,
    target: Option<&str>,
    content_type: &str,
    body: &'static str,
) -> (u16, Value) {
    let http = reqwest::Client::new();
    let mut req = http
        .post(format!("{url}/"))
        .header("content-type", content_type)
        .body(body);
    if let Some(t) = target {
        req = req.header("x-amz-target", t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap())
}

#[tokio::test]
async fn errors_carry_both_the_header_and_the_body_type() {
    let (_s, client) = server().await;
    let e = call(
        &client,
        "GetEnvironmentTemplate",
        json!({"name": "missing"}),
    )
    .await;
    assert_eq!(
        error_of(&e),
        (
            404,
            "ResourceNotFoundException".into(),
            Some("ResourceNotFoundException".into())
        )
    );
    let raw = &e.response().unwrap().raw;
    assert!(
        raw.contains("\"__type\":\"ResourceNotFoundException\"") && raw.contains("\"message\""),
        "{raw}"
    );
}

#[tokio::test]
async fn bad_requests_get_protocol_errors() {
    let (server, client) = server().await;
    let url = server.url();
    let ct = "application/x-amz-json-1.0";
    let (status, body) = raw_post(
        &url,
        Some("AwsProton20200720.GetEnvironmentTemplate"),
        ct,
        "{not json",
    )
    .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("SerializationException"))
    );
    let (status, body) = raw_post(
        &url,
        Some("AwsProton20200720.GetEnvironmentTemplate"),
        "text/plain",
        "{}",
    )
    .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("SerializationException"))
    );
    let (status, body) = raw_post(&url, Some("AwsProton20200720.Nope"), ct, "{}").await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("UnknownOperationException"))
    );
    let (status, body) = raw_post(&url, None, ct, "{}").await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("UnknownOperationException"))
    );
    // In the model but not implemented: said so, in a valid error.
    let e = call(&client, "CreateRepository", json!({"connectionArn": "arn:aws:codestar-connections:us-east-1:123456789012:connection/x", "name": "a/b", "provider": "GITHUB"})).await;
    assert_eq!(error_of(&e).1, "UnknownOperationException");
    assert!(e.response().unwrap().raw.contains("not implemented"));
    // Input validated against the model.
    let e = call(
        &client,
        "CreateEnvironmentTemplate",
        json!({"name": "has space"}),
    )
    .await;
    assert_eq!(error_of(&e).1, "ValidationException");
    let e = call(&client, "CreateEnvironmentTemplate", json!({})).await;
    assert_eq!(error_of(&e).1, "ValidationException");
}

#[tokio::test]
async fn the_clock_moves_forward_only() {
    let (server, client) = server().await;
    let http = client.http();
    let post = |body: &'static str| {
        http.post(format!("{}/_conformance/clock", server.url()))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let now: Value = post(r#"{"advanceSeconds": 0}"#)
        .await
        .unwrap()
        .json_value()
        .await;
    let later: Value = post(r#"{"advanceSeconds": 3600}"#)
        .await
        .unwrap()
        .json_value()
        .await;
    let moved = later["now"].as_f64().unwrap() - now["now"].as_f64().unwrap();
    assert!((3600.0..3610.0).contains(&moved), "moved {moved}");
    assert_eq!(
        post(r#"{"advanceSeconds": -1}"#)
            .await
            .unwrap()
            .status()
            .as_u16(),
        400
    );
    assert_eq!(post("nonsense").await.unwrap().status().as_u16(), 400);
}

#[tokio::test]
async fn reset_empties_the_store() {
    let (server, client) = server().await;
    call(&client, "CreateEnvironmentTemplate", json!({"name": "t"})).await;
    let r = client
        .http()
        .post(format!("{}/_conformance/reset", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let e = call(&client, "GetEnvironmentTemplate", json!({"name": "t"})).await;
    assert_eq!(error_of(&e).1, "ResourceNotFoundException");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_identical_requests_make_one_resource() {
    let (_s, client) = server().await;
    call(&client, "CreateEnvironmentTemplate", json!({"name": "t"})).await;
    let body = json!({"templateName": "t", "clientToken": "same", "source": {"s3": {"bucket": "bucket", "key": "k"}}});
    let calls = (0..64).map(|_| {
        let (client, body) = (client.clone(), body.clone());
        tokio::spawn(async move { call(&client, "CreateEnvironmentTemplateVersion", body).await })
    });
    let mut arns = std::collections::HashSet::new();
    for c in calls {
        let e = c.await.unwrap();
        let body = e
            .success_body()
            .unwrap_or_else(|| panic!("{:?}", e.outcome));
        arns.insert(
            body["environmentTemplateVersion"]["arn"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(arns.len(), 1, "{arns:?}");
    let list = call(
        &client,
        "ListEnvironmentTemplateVersions",
        json!({"templateName": "t"}),
    )
    .await;
    assert_eq!(
        list.success_body().unwrap()["templateVersions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Without a token, every request is its own (CT6).
    let body = json!({"templateName": "t", "source": {"s3": {"bucket": "bucket", "key": "k"}}});
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let (client, body) = (client.clone(), body.clone());
            tokio::spawn(
                async move { call(&client, "CreateEnvironmentTemplateVersion", body).await },
            )
        })
        .collect();
    for c in calls {
        assert!(c.await.unwrap().success_body().is_some());
    }
    let list = call(
        &client,
        "ListEnvironmentTemplateVersions",
        json!({"templateName": "t", "maxResults": 100}),
    )
    .await;
    assert_eq!(
        list.success_body().unwrap()["templateVersions"]
            .as_array()
            .unwrap()
            .len(),
        17
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_identical_named_creates_make_one_template() {
    let (_s, client) = server().await;
    let calls: Vec<_> = (0..64)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                call(
                    &client,
                    "CreateEnvironmentTemplate",
                    json!({"name": "same"}),
                )
                .await
            })
        })
        .collect();
    let mut created = std::collections::HashSet::new();
    for c in calls {
        let e = c.await.unwrap();
        let t = &e.success_body().unwrap()["environmentTemplate"];
        created.insert((t["arn"].to_string(), t["createdAt"].to_string()));
    }
    assert_eq!(created.len(), 1, "{created:?}");
}

trait JsonValue {
    async fn json_value(self) -> Value;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> Value {
        serde_json::from_str(&self.text().await.unwrap()).unwrap()
    }
}

#[tokio::test]
async fn the_request_log_keeps_requests_but_never_credentials() {
    let (server, client) = server().await;
    client
        .http()
        .post(format!("{}/", server.url()))
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "AwsProton20200720.ListEnvironmentTemplates")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/x, Signature=deadbeef",
        )
        .header("x-amz-security-token", "session-secret")
        .body("{}")
        .send()
        .await
        .unwrap();
    let log: Value = client
        .http()
        .get(format!("{}/_conformance/requests?since=0", server.url()))
        .send()
        .await
        .unwrap()
        .json_value()
        .await;
    let text = log.to_string();
    assert_eq!(
        log["requests"][0]["target"],
        "AwsProton20200720.ListEnvironmentTemplates"
    );
    assert!(
        !text.contains("deadbeef")
            && !text.contains("session-secret")
            && !text.contains("AKIDEXAMPLE"),
        "{text}"
    );
    let later: Value = client
        .http()
        .get(format!(
            "{}/_conformance/requests?since={}",
            server.url(),
            log["last"]
        ))
        .send()
        .await
        .unwrap()
        .json_value()
        .await;
    assert_eq!(later["requests"], json!([]));
}

#[tokio::test]
async fn fault_switches_and_injections_are_set_through_the_control_api() {
    let (server, client) = server().await;
    let post = |body: Value| {
        client
            .http()
            .post(format!("{}/_conformance/faults", server.url()))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    assert_eq!(
        post(json!({"switches": ["no-such-switch"]}))
            .await
            .unwrap()
            .status()
            .as_u16(),
        400
    );
    assert_eq!(
        post(json!({"switches": ["untyped-errors"]}))
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    let e = call(
        &client,
        "GetEnvironmentTemplate",
        json!({"name": "missing"}),
    )
    .await;
    assert!(
        matches!(e.response().unwrap().body, Body::Malformed(_)),
        "an untyped error is not valid awsJson1_0"
    );
    post(json!({"switches": []})).await.unwrap();
    post(json!({"inject": {"operation": "ListEnvironmentTemplates", "status": 429}}))
        .await
        .unwrap();
    let e = call(&client, "ListEnvironmentTemplates", json!({})).await;
    assert_eq!(error_of(&e).1, "ThrottlingException");
    let e = call(&client, "ListEnvironmentTemplates", json!({})).await;
    assert!(e.success_body().is_some(), "the injection was one-shot");
}

mod random_input {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Whatever the target and body, the emulator answers with a status and never panics.
        #[test]
        fn random_targets_and_bodies_get_an_answer(
            op in prop::sample::select(proton_conform::service::Service::proton().model.operations.keys().cloned().collect::<Vec<_>>()),
            garbage_target in "[ -~]{0,30}",
            use_garbage in any::<bool>(),
            body in prop_oneof![
                "\\PC{0,200}",
                Just("{}".to_string()),
                "\\{\"[a-zA-Z]{1,12}\": ?(\"[ -~]{0,20}\"|[0-9]{1,5}|true|null|\\[\\]|\\{\\})\\}",
            ],
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let (server, client) = super::server().await;
                let target = if use_garbage { garbage_target.clone() } else { format!("AwsProton20200720.{op}") };
                let response = client
                    .http()
                    .post(format!("{}/", server.url()))
                    .header("content-type", "application/x-amz-json-1.0")
                    .header("x-amz-target", target)
                    .body(body.clone())
                    .send()
                    .await
                    .expect("the emulator answers");
                let status = response.status().as_u16();
                prop_assert!((200..600).contains(&status));
                if status >= 400 {
                    let text = response.text().await.unwrap();
                    let v: serde_json::Value = serde_json::from_str(&text).expect("errors are JSON");
                    prop_assert!(v["__type"].is_string(), "{}", text);
                }
                Ok(())
            })?;
        }
    }
}

#[tokio::test]
async fn every_answer_carries_its_own_request_id() {
    let (_server, client) = server().await;
    let ok = call(&client, "ListEnvironmentTemplates", json!({})).await;
    let err = call(&client, "GetEnvironmentTemplate", json!({"name": "none"})).await;
    let id = |e: &Exchange| {
        e.response()
            .and_then(|r| r.header("x-amzn-requestid"))
            .map(String::from)
            .expect("an x-amzn-RequestId header")
    };
    let (a, b) = (id(&ok), id(&err));
    assert_ne!(a, b);
    assert_eq!(a.len(), 36, "{a}");
}
