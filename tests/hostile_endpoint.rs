//! An endpoint that misbehaves in every way a broken server can: each step fails (or errors)
//! with a clear message within the step timeout, the run goes on, and nothing panics.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use proton_conform::client::ClientConfig;
use proton_conform::contract::Profile;
use proton_conform::event::Verdict;
use proton_conform::runner::{RunConfig, Target, run_collect};
use proton_conform::scenario::files;
use proton_conform::service::Service;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TEMPLATE: &str = r#"{"environmentTemplate":{"arn":"arn:aws:proton:us-east-1:123456789012:environment-template/t","name":"t","createdAt":1,"lastModifiedAt":1}}"#;

/// Reads one request; returns its X-Amz-Target, or None for anything else.
async fn read_request(socket: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buffer).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let body_start = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    while buffer.len() < body_start + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let target = head
        .lines()
        .find_map(|l| l.strip_prefix("x-amz-target:"))?
        .trim();
    Some(target.rsplit('.').next()?.to_string())
}

fn response(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn misbehave(mut socket: TcpStream) {
    let Some(operation) = read_request(&mut socket).await else {
        let _ = socket
            .write_all(&response("404 Not Found", "text/plain", "no"))
            .await;
        return;
    };
    let json = "application/x-amz-json-1.0";
    let _ = match operation.as_str() {
        "listenvironmenttemplates" => {
            socket
                .write_all(&response("200 OK", "text/html", "<html>oops</html>"))
                .await
        }
        "getenvironmenttemplate" => {
            socket
                .write_all(&response("200 OK", json, r#"{"environmentTemplate":"#))
                .await
        }
        "updateenvironmenttemplate" => {
            socket
                .write_all(&response(
                    "200 OK",
                    json,
                    r#"{"__type":"ConflictException","message":"no"}"#,
                ))
                .await
        }
        "createenvironmenttemplate" => {
            socket
                .write_all(&response("200 OK", "text/html", TEMPLATE))
                .await
        }
        "deleteenvironmenttemplate" => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {json}\r\ncontent-length: {}\r\n\r\n",
                64 << 20
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let block = vec![b' '; 1 << 20];
            for _ in 0..64 {
                if socket.write_all(&block).await.is_err() {
                    break;
                }
            }
            Ok(())
        }
        "listenvironmenttemplateversions" => {
            let _ = socket
                .write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: {json}\r\ncontent-length: 1000\r\n\r\n"
                    )
                    .as_bytes(),
                )
                .await;
            for _ in 0..100 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if socket.write_all(b" ").await.is_err() {
                    break;
                }
            }
            Ok(())
        }
        "getenvironmenttemplateversion" => Ok(()), // dropped: the connection closes unanswered
        "deleteenvironmenttemplateversion" => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(())
        }
        "listservicetemplates" => {
            let mut flood = String::from("HTTP/1.1 200 OK\r\n");
            for i in 0..20_000 {
                flood.push_str(&format!("x-flood-{i}: {}\r\n", "y".repeat(64)));
            }
            socket.write_all(flood.as_bytes()).await
        }
        _ => {
            socket
                .write_all(&response("500 Internal Server Error", "text/plain", "?"))
                .await
        }
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_misbehaviour_fails_its_step_clearly_and_the_run_goes_on() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(misbehave(socket));
        }
    });
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let scenarios: Vec<_> = files::discover(&[dir])
        .unwrap()
        .iter()
        .map(|p| files::load(p, &Service::proton()).unwrap())
        .collect();
    let count = scenarios.len();
    let config = RunConfig {
        service: Arc::new(Service::proton()),
        interrupt: None,
        snapshots: None,
        target: Target::Endpoint(url),
        profile: Profile::strict(),
        client: ClientConfig {
            timeout: Duration::from_secs(2),
            max_body_bytes: 1 << 20,
            ..ClientConfig::default()
        },
        jobs: 16,
        run_id: "hostile".into(),
        driver: None,
    };
    let started = Instant::now();
    let results = run_collect(scenarios, config).await.unwrap();
    // A guard against hangs only: under the 60 s the endpoint holds a request, so a timeout
    // that does not fire shows, and far above the few seconds the 2 s timeouts take, so a
    // loaded machine does not decide it.
    assert!(
        started.elapsed() < Duration::from_secs(50),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(results.len(), count, "the run went on to every scenario");
    let expected = [
        (
            "garbage",
            true,
            "content type \"text/html\" is not awsJson1_0",
        ),
        ("invalid-json", true, "body is not JSON"),
        ("error-in-a-200", true, "carries an error body"),
        (
            "wrong-content-type",
            true,
            "content type \"text/html\" is not awsJson1_0",
        ),
        ("huge-body", false, "exceeds the 1048576-byte cap"),
        ("slow-drip", false, "no complete response within 2s"),
        ("reset", false, "connection failed mid-exchange"),
        ("hang", false, "no complete response within 2s"),
        ("flood-of-headers", false, "connection failed mid-exchange"),
    ];
    for (name, is_failure, text) in expected {
        let r = results
            .iter()
            .find(|r| r.file.ends_with(&format!("{name}.yaml")))
            .unwrap_or_else(|| panic!("no result for {name}"));
        let problem = match (&r.verdict, is_failure) {
            (Verdict::Failed { problem }, true) => {
                assert_eq!(problem.clause.as_deref(), Some("G3"), "{name}");
                problem
            }
            (Verdict::Errored { problem }, false) => problem,
            (other, _) => panic!("{name}: unexpected verdict {other:?}"),
        };
        assert!(
            problem.message.contains(text),
            "{name}: {:?} lacks {text:?}",
            problem.message
        );
    }
}
