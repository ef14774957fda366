//! `proton-conform cleanup`: deletes what runs left behind (an aborted run, a killed CI job),
//! recognised by the run prefix in its name, in dependency order, waiting for asynchronous
//! deletes. Anything whose name lacks a run prefix is never touched.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use proton_conform::client::{Body, Client, ClientConfig, RetryPolicy};
use proton_conform::runner::{Capabilities, Target, advance_clock};
use proton_conform::scenario::parse_duration;

use super::args::CleanupArgs;
use super::exit::Exit;
use super::run::{signer_for, target_for};

/// One kind of resource: how to list it, name it, delete it, and see it gone.
struct Kind {
    list: &'static str,
    list_params: fn() -> Vec<Value>,
    items: &'static str,
    name: &'static str,
    delete: &'static str,
    key: &'static str,
    /// Polled until ResourceNotFoundException, for asynchronous deletes.
    get: Option<&'static str>,
}

/// In dependency order: what hangs on something is deleted before it.
const KINDS: &[Kind] = &[
    Kind {
        list: "ListComponents",
        list_params: || vec![json!({})],
        items: "components",
        name: "name",
        delete: "DeleteComponent",
        key: "name",
        get: Some("GetComponent"),
    },
    Kind {
        list: "ListServices",
        list_params: || vec![json!({})],
        items: "services",
        name: "name",
        delete: "DeleteService",
        key: "name",
        get: Some("GetService"),
    },
    Kind {
        list: "ListEnvironments",
        list_params: || vec![json!({})],
        items: "environments",
        name: "name",
        delete: "DeleteEnvironment",
        key: "name",
        get: Some("GetEnvironment"),
    },
    Kind {
        list: "ListEnvironmentAccountConnections",
        list_params: || {
            vec![
                json!({"requestedBy": "ENVIRONMENT_ACCOUNT"}),
                json!({"requestedBy": "MANAGEMENT_ACCOUNT"}),
            ]
        },
        items: "environmentAccountConnections",
        name: "environmentName",
        delete: "DeleteEnvironmentAccountConnection",
        key: "id",
        get: None,
    },
];

/// Template kinds: their versions go first, then the template.
const TEMPLATES: &[(&str, &str, &str, &str)] = &[
    (
        "ListServiceTemplates",
        "ListServiceTemplateVersions",
        "DeleteServiceTemplateVersion",
        "DeleteServiceTemplate",
    ),
    (
        "ListEnvironmentTemplates",
        "ListEnvironmentTemplateVersions",
        "DeleteEnvironmentTemplateVersion",
        "DeleteEnvironmentTemplate",
    ),
];

pub fn cleanup(args: CleanupArgs) -> Exit {
    let endpoint = args
        .endpoint
        .clone()
        .or_else(|| std::env::var("AWS_ENDPOINT_URL_PROTON").ok())
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok());
    let target = match target_for(endpoint.as_deref(), &args.allow_endpoints) {
        Ok(target) => target,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    let Target::Endpoint(url) = &target else {
        eprintln!(
            "error: cleanup needs an endpoint (--endpoint or AWS_ENDPOINT_URL_PROTON): the embedded emulator keeps nothing"
        );
        return Exit::BadInput;
    };
    let matcher = match (&args.run_id, &args.older_than) {
        (Some(id), None) => Matcher::Run(format!("pc{id}-")),
        (None, Some(age)) => match parse_duration(age) {
            Ok(seconds) => Matcher::Older(seconds as f64),
            Err(e) => {
                eprintln!("error: --older-than {age:?}: {e}");
                return Exit::BadInput;
            }
        },
        _ => {
            eprintln!("error: give --run-id ID or --older-than DURATION");
            return Exit::BadInput;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::CouldNotRun;
        }
    };
    let signer = match signer_for(&args.signing, &target, &runtime) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cleanup cannot take place: {e}");
            return Exit::CouldNotRun;
        }
    };
    let client = match Client::new(
        url,
        ClientConfig {
            signer,
            ..ClientConfig::default()
        },
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::CouldNotRun;
        }
    };
    match runtime.block_on(run(&client, &matcher, args.dry_run)) {
        Ok((deleted, kept)) => {
            let verb = if args.dry_run {
                "would delete"
            } else {
                "deleted"
            };
            eprintln!(
                "{verb} {deleted} resource(s); {kept} without a matching run prefix left untouched"
            );
            Exit::Success
        }
        Err(e) => {
            eprintln!("error: {e}");
            Exit::CouldNotRun
        }
    }
}

enum Matcher {
    /// Names starting with this run's prefix.
    Run(String),
    /// Any run prefix, created more than this many seconds before the endpoint's now.
    Older(f64),
}

/// A run prefix: `pc` + run id + `-` + six hex digits (see `scenario::template::Bindings`).
fn has_run_prefix(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("pc") else {
        return false;
    };
    let Some((id, tail)) = rest.split_once('-') else {
        return false;
    };
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
        && tail.len() >= 6
        && tail.as_bytes()[..6].iter().all(u8::is_ascii_hexdigit)
        && (tail.len() == 6 || tail.as_bytes()[6] == b'-')
}

impl Matcher {
    fn matches(&self, name: &str, created: Option<f64>, now: f64) -> bool {
        match self {
            Matcher::Run(prefix) => name.starts_with(prefix.as_str()),
            Matcher::Older(age) => has_run_prefix(name) && created.is_some_and(|c| now - c > *age),
        }
    }
}

async fn list_all(
    client: &Client,
    operation: &str,
    params: &Value,
    items: &str,
) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    let mut params = params.clone();
    loop {
        let exchange = client
            .call_retrying(operation, &params, &RetryPolicy::default())
            .await;
        let body = exchange.success_body().ok_or_else(|| {
            format!(
                "{operation} failed: {}",
                proton_conform::redact::exchange_text(&exchange)
            )
        })?;
        out.extend(body[items].as_array().cloned().unwrap_or_default());
        match body["nextToken"].as_str() {
            Some(token) => params["nextToken"] = json!(token),
            None => return Ok(out),
        }
    }
}

async fn delete(client: &Client, operation: &str, params: &Value) -> Result<(), String> {
    let exchange = client
        .call_retrying(operation, params, &RetryPolicy::default())
        .await;
    match exchange.response().map(|r| &r.body) {
        Some(Body::Success(_)) => Ok(()),
        Some(Body::Error(e)) if e.error_type == "ResourceNotFoundException" => Ok(()),
        _ => Err(format!(
            "{operation} failed: {}",
            proton_conform::redact::exchange_text(&exchange)
        )),
    }
}

/// Polls until the resource is gone (ResourceNotFoundException), for up to ten minutes.
async fn wait_gone(client: &Client, operation: &str, params: &Value) -> Result<(), String> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(600) {
        let exchange = client
            .call_retrying(operation, params, &RetryPolicy::default())
            .await;
        if let Some(Body::Error(e)) = exchange.response().map(|r| &r.body)
            && e.error_type == "ResourceNotFoundException"
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(format!(
        "{operation} {params}: still there after ten minutes"
    ))
}

/// The endpoint's time: its virtual clock if it has one (runs may have moved it), else ours.
async fn endpoint_now(client: &Client) -> f64 {
    let clock = Capabilities::discover(client).await.is_ok_and(|c| c.clock);
    if clock && let Ok(now) = advance_clock(client, 0).await {
        return now;
    }
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

async fn run(client: &Client, matcher: &Matcher, dry_run: bool) -> Result<(usize, usize), String> {
    let now = endpoint_now(client).await;
    let (mut deleted, mut kept) = (0, 0);
    let created = |item: &Value| {
        item["createdAt"]
            .as_f64()
            .or_else(|| item["requestedAt"].as_f64())
    };
    for kind in KINDS {
        for params in (kind.list_params)() {
            for item in list_all(client, kind.list, &params, kind.items).await? {
                let name = item[kind.name].as_str().unwrap_or_default();
                if !matcher.matches(name, created(&item), now) {
                    kept += 1;
                    continue;
                }
                let key = json!({ kind.key: item[kind.key] });
                eprintln!(
                    "{} {} {key}",
                    if dry_run { "would call" } else { "calling" },
                    kind.delete
                );
                if !dry_run {
                    delete(client, kind.delete, &key).await?;
                    if let Some(get) = kind.get {
                        wait_gone(client, get, &key).await?;
                    }
                }
                deleted += 1;
            }
        }
    }
    for (list, list_versions, delete_version, delete_template) in TEMPLATES {
        for template in list_all(client, list, &json!({}), "templates").await? {
            let name = template["name"].as_str().unwrap_or_default();
            if !matcher.matches(name, created(&template), now) {
                kept += 1;
                continue;
            }
            for version in list_all(
                client,
                list_versions,
                &json!({"templateName": name}),
                "templateVersions",
            )
            .await?
            {
                let key = json!({"templateName": name, "majorVersion": version["majorVersion"], "minorVersion": version["minorVersion"]});
                eprintln!(
                    "{} {delete_version} {key}",
                    if dry_run { "would call" } else { "calling" }
                );
                if !dry_run {
                    delete(client, delete_version, &key).await?;
                }
                deleted += 1;
            }
            eprintln!(
                "{} {delete_template} {name}",
                if dry_run { "would call" } else { "calling" }
            );
            if !dry_run {
                delete(client, delete_template, &json!({"name": name})).await?;
            }
            deleted += 1;
        }
    }
    Ok((deleted, kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_run_prefixes_only() {
        assert!(has_run_prefix("pcabc123-0f3e9a-tpl"));
        assert!(has_run_prefix("pcabc123-0f3e9a"));
        assert!(!has_run_prefix("production-tpl"));
        assert!(!has_run_prefix("pcabc123-xyz-tpl"));
        assert!(!has_run_prefix("pc-0f3e9a-tpl"));
        let m = Matcher::Older(3600.0);
        assert!(m.matches("pcabc-0f3e9a-t", Some(0.0), 7200.0));
        assert!(!m.matches("pcabc-0f3e9a-t", Some(5000.0), 7200.0));
        assert!(!m.matches("mine", Some(0.0), 7200.0));
        assert!(Matcher::Run("pcabc-".into()).matches("pcabc-0f3e9a-t", None, 0.0));
    }
}
