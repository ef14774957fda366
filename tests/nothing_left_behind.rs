//! Nothing a run creates is left behind: an interrupted run (SIGINT) runs its teardown; a
//! killed run (SIGKILL) leaves resources that `cleanup --run-id` removes; resources without a
//! run prefix are never touched.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use proton_conform::client::{Client, ClientConfig, RequestOptions};
use proton_conform::service::Service;
use serde_json::{Value, json};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_proton-conform"));
    c.env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

fn serve() -> (Child, String) {
    let mut child = bin()
        .args([
            "serve",
            "--port",
            "0",
            "--register-seconds",
            "0",
            "--deploy-seconds",
            "1",
            "--delete-seconds",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut url = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    (child, url.trim().to_string())
}

/// A scenario that creates a template and version, then keeps the endpoint busy for seconds.
fn long_scenario(dir: &std::path::Path) -> std::path::PathBuf {
    let mut yaml = String::from(
        "name: a long scenario\ncontract: [G1]\nvars: { tpl: \"${run.prefix}-held\" }\nsetup:\n  - call: CreateEnvironmentTemplate\n    params: { name: \"${tpl}\" }\n  - call: CreateEnvironmentTemplateVersion\n    params: { templateName: \"${tpl}\", source: { s3: { bucket: bucket, key: k } } }\n    capture: { major: environmentTemplateVersion.majorVersion, minor: environmentTemplateVersion.minorVersion }\nsteps:\n",
    );
    for _ in 0..400 {
        yaml.push_str("  - call: GetEnvironmentTemplate\n    parallel: 64\n    params: { name: \"${tpl}\" }\n");
    }
    yaml.push_str("teardown:\n  - call: DeleteEnvironmentTemplateVersion\n    params: { templateName: \"${tpl}\", majorVersion: \"${major}\", minorVersion: \"${minor}\" }\n  - call: DeleteEnvironmentTemplate\n    params: { name: \"${tpl}\" }\n");
    let path = dir.join("long.yaml");
    std::fs::write(&path, yaml).unwrap();
    path
}

async fn names(client: &Client) -> Vec<String> {
    let e = client
        .call(
            "ListEnvironmentTemplates",
            &json!({}),
            &RequestOptions::default(),
        )
        .await;
    e.success_body().unwrap()["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

fn run_then_signal(
    client: &Client,
    url: &str,
    scenario: &std::path::Path,
    run_id: &str,
    signal: &str,
    dir: &std::path::Path,
) -> Option<i32> {
    let mut child = bin()
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--endpoint",
            url,
            "--run-id",
            run_id,
        ])
        .args([
            "--junit",
            dir.join(format!("{run_id}.xml")).to_str().unwrap(),
        ])
        .args([
            "--html",
            dir.join(format!("{run_id}.html")).to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Signal once the run's setup has created its template, however slow the machine is.
    let prefix = format!("pc{run_id}-");
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let runtime = tokio::runtime::Handle::current();
    while !runtime
        .block_on(names(client))
        .iter()
        .any(|n| n.starts_with(&prefix))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the run created nothing in 120 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the run ended before the signal: make the scenario longer"
    );
    child.wait().unwrap().code()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_runs_clean_up_and_killed_runs_are_cleaned_up() {
    let (mut server, url) = serve();
    let client = Client::new(&url, Service::proton().model, ClientConfig::default()).unwrap();
    let seed = |op: &'static str, body: Value| {
        let client = client.clone();
        async move {
            assert!(
                client
                    .call(op, &body, &RequestOptions::default())
                    .await
                    .success_body()
                    .is_some()
            )
        }
    };
    seed(
        "CreateEnvironmentTemplate",
        json!({"name": "production-tpl"}),
    )
    .await;
    seed("CreateEnvironmentTemplateVersion", json!({"templateName": "production-tpl", "source": {"s3": {"bucket": "bucket", "key": "k"}}})).await;
    seed("CreateServiceTemplate", json!({"name": "team-svc"})).await;

    let dir = std::env::temp_dir().join(format!("pc-left-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = long_scenario(&dir);
    let (c, u, s, d) = (client.clone(), url.clone(), scenario.clone(), dir.clone());
    let interrupted =
        tokio::task::spawn_blocking(move || run_then_signal(&c, &u, &s, "sigint", "-INT", &d))
            .await
            .unwrap();
    assert_eq!(
        interrupted,
        Some(1),
        "an interrupted run reports its scenario as errored"
    );
    assert!(
        !names(&client)
            .await
            .iter()
            .any(|n| n.starts_with("pcsigint-")),
        "the teardown ran"
    );

    let (c, u, s, d) = (client.clone(), url.clone(), scenario.clone(), dir.clone());
    let killed =
        tokio::task::spawn_blocking(move || run_then_signal(&c, &u, &s, "kill9", "-KILL", &d))
            .await
            .unwrap();
    assert_eq!(killed, None, "killed by a signal");
    assert!(
        names(&client)
            .await
            .iter()
            .any(|n| n.starts_with("pckill9-")),
        "a killed run leaves its resources"
    );

    let cleanup = bin()
        .args(["cleanup", "--run-id", "kill9", "--endpoint", &url])
        .output()
        .unwrap();
    assert!(
        cleanup.status.success(),
        "{}",
        String::from_utf8_lossy(&cleanup.stderr)
    );
    let left = names(&client).await;
    assert!(!left.iter().any(|n| n.starts_with("pc")), "{left:?}");
    assert!(left.contains(&"production-tpl".to_string()), "{left:?}");
    let versions = client
        .call(
            "ListEnvironmentTemplateVersions",
            &json!({"templateName": "production-tpl"}),
            &RequestOptions::default(),
        )
        .await;
    assert_eq!(
        versions.success_body().unwrap()["templateVersions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let svc = client
        .call(
            "GetServiceTemplate",
            &json!({"name": "team-svc"}),
            &RequestOptions::default(),
        )
        .await;
    assert!(
        svc.success_body().is_some(),
        "seeded resources are untouched"
    );

    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(dir);
}
