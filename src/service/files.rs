//! Services beyond the bundled packs: a botocore model from a file (`--model PATH`) or from an
//! installed botocore (`--service NAME`), with a pack file (`--pack PATH`) or, without one, a
//! bare pack: the model's token operations with every point of their contract unknown, so that
//! scenarios a person writes run with every model check, and nothing is decided silently.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use super::{Pack, Service, in_pack};
use crate::error::Error;
use crate::model::Model;

fn fail(what: &str, reason: impl Into<String>) -> Error {
    Error::input(reason.into()).context(in_pack(what))
}

/// A model from a botocore `service-2.json` (its `paginators-1.json` and `waiters-2.json`
/// beside it are read when present).
pub fn model_file(path: &Path) -> Result<Model, Error> {
    let what = path.display().to_string();
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    let service =
        std::fs::read_to_string(path).map_err(|e| fail(&what, format!("cannot read: {e}")))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let paginators = read(&dir.join("paginators-1.json"));
    let waiters = read(&dir.join("waiters-2.json"));
    Model::from_botocore(&service, &waiters, &paginators).map_err(|e| e.context(in_pack(&what)))
}

/// What both readings of the installed botocore's models start with: where they are, a file
/// read plain or gzipped (botocore ships either), a service's newest API version directory.
const BOTOCORE_PRELUDE: &str = r#"
import gzip, json, os, sys
import botocore
DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
def load(path):
    if os.path.exists(path): return open(path).read()
    if os.path.exists(path + ".gz"): return gzip.open(path + ".gz", "rt").read()
    return ""
def newest(name):
    base = os.path.join(DATA, name)
    if not os.path.isdir(base): return None
    versions = sorted(v for v in os.listdir(base) if load(os.path.join(base, v, "service-2.json")))
    return os.path.join(base, versions[-1]) if versions else None
"#;

/// Runs a script after [`BOTOCORE_PRELUDE`] with python3.
fn botocore_python(script: &str, args: &[&str]) -> std::io::Result<std::process::Output> {
    Command::new("python3")
        .arg("-c")
        .arg(format!("{BOTOCORE_PRELUDE}{script}"))
        .args(args)
        .output()
}

/// A model from the installed botocore, by service name (its newest API version).
pub fn botocore_model(name: &str) -> Result<Model, Error> {
    let script = r#"
d = newest(sys.argv[1])
if d is None: sys.exit(1)
print(json.dumps([load(os.path.join(d, f)) for f in ("service-2.json", "waiters-2.json", "paginators-1.json")]))
"#;
    let output = botocore_python(script, &[name]).map_err(|e| {
        fail(
            name,
            format!("no bundled pack, and python3 to find botocore's model cannot run: {e}"),
        )
    })?;
    if !output.status.success() {
        let bundled: Vec<&str> = super::BUNDLED.iter().map(|b| b.name).collect();
        return Err(fail(
            name,
            format!(
                "no such pack (the bundled ones are {}), and no such service in the installed botocore (pip install botocore), whose models `--service` also takes",
                bundled.join(", ")
            ),
        ));
    }
    let files: Vec<String> = serde_json::from_slice(&output.stdout)
        .map_err(|e| fail(name, format!("botocore's model could not be read: {e}")))?;
    let [service, waiters, paginators] = files.as_slice() else {
        return Err(fail(name, "botocore's model could not be read"));
    };
    Model::from_botocore(service, waiters, paginators).map_err(|e| e.context(in_pack(name)))
}

/// The services of the installed botocore that have an operation with an idempotency token
/// (newest API version of each, with its waiters and paginators), as (botocore's name, model),
/// by name: the SDKs built on
/// botocore (boto3, the AWS CLI) know exactly these.
pub fn botocore_token_models() -> Result<Vec<(String, Model)>, Error> {
    let script = r#"
for name in sorted(os.listdir(DATA)):
    d = newest(name)
    if d is None: continue
    text = load(os.path.join(d, "service-2.json"))
    if '"idempotencyToken"' in text:
        print(json.dumps([name, text] + [load(os.path.join(d, f)) for f in ("waiters-2.json", "paginators-1.json")]))
"#;
    let output = botocore_python(script, &[]).map_err(|e| {
        Error::input(format!(
            "python3, to read botocore's models, cannot run: {e}"
        ))
    })?;
    if !output.status.success() {
        return Err(Error::input(
            "botocore is not installed for python3 (pip install boto3): its models are the sweep's",
        ));
    }
    let mut models = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let (name, text, waiters, paginators): (String, String, String, String) =
            serde_json::from_str(line).map_err(|e| {
                Error::input(format!("botocore's model list could not be read: {e}"))
            })?;
        // The waiters and paginators too: setup waits for what it made, effect reads page.
        let model = Model::from_botocore(&text, &waiters, &paginators)
            .map_err(|e| e.context(format_args!("botocore's model of {name}")))?;
        models.push((name, model));
    }
    Ok(models)
}

/// The Smithy trait every token member carries, the source of what holds for any token
/// operation: the service "MUST ensure that the request is not replayed within a
/// service-defined period of time".
const TRAIT: &str = "https://smithy.io/2.0/spec/behavior-traits.html#idempotencytoken-trait";

/// A pack for a model without one (`name`: what the command line called it, else the model's
/// endpoint prefix): its token operations, each with the one point that holds for all (an
/// immediate retry has no second effect, from the trait) and every other point unknown, no
/// documentation having been read.
pub fn bare_pack(model: &Model, name: Option<&str>) -> Result<Pack, Error> {
    let name = name.map_or_else(|| model.metadata.endpoint_prefix.clone(), String::from);
    let tokens: Vec<&String> = model
        .operations
        .keys()
        .filter(|op| model.idempotency_token_member(op).is_some())
        .collect();
    let token_entries: Vec<Value> = tokens
        .iter()
        .map(|op| {
            json!({ "operation": op, "source": TRAIT,
                    "retry": "effect", "mismatch": "unknown", "window": "unknown" })
        })
        .collect();
    let head = json!({
        "name": name,
        "model": format!("{}-{}", model.metadata.endpoint_prefix, model.metadata.api_version),
        "title": model.metadata.service_id,
        "sdk_name": name,
        "operation_groups": { "tokens": tokens },
        "coverage": ["tokens"],
        "tokens": token_entries,
        "documented": false,
    });
    // JSON is YAML: the head as one flow mapping; the clauses are the default catalogue.
    let mut text = String::new();
    for (key, value) in head.as_object().into_iter().flatten() {
        text.push_str(&format!("{key}: {value}\n"));
    }
    Pack::parse(&text).map_err(|e| e.context(in_pack(&name)))
}

/// The service the command line names: a bundled pack, else a model file or an installed
/// botocore's model, with a pack file or a bare pack.
pub fn resolve(name: &str, model: Option<&Path>, pack: Option<&Path>) -> Result<Service, Error> {
    // A bundled pack that does not load is an error to show, never a reason to fall back to
    // a bare pack of the installed botocore.
    if model.is_none() && pack.is_none() && super::BUNDLED.iter().any(|b| b.name == name) {
        return Service::bundled(name);
    }
    let pack_text = match pack {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| fail(&p.display().to_string(), format!("cannot read: {e}")))?,
        ),
        None => None,
    };
    let pack = match &pack_text {
        Some(text) => {
            let file = pack.map(|p| p.display().to_string()).unwrap_or_default();
            Some(Pack::parse_file(text, &file)?)
        }
        None => None,
    };
    let model = match (model, &pack) {
        (Some(path), _) => model_file(path)?,
        (None, Some(pack)) => Model::bundled(&pack.model)
            .or_else(|_| botocore_model(&pack.name))
            .map_err(|e| e.context(in_pack(&pack.name)))?,
        (None, None) => botocore_model(name)?,
    };
    let pack = match pack {
        Some(pack) => pack,
        None => bare_pack(&model, Some(name))?,
    };
    Service::new(model, pack).map_err(|e| e.context(in_pack(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_pack_lists_the_token_operations_and_decides_what_the_trait_says() {
        let model = Model::bundled("dynamodb-2012-08-10").unwrap();
        let pack = bare_pack(&model, None).unwrap();
        assert_eq!(pack.name, "dynamodb");
        let ops: Vec<&str> = pack.tokens.iter().map(|t| t.operation.as_str()).collect();
        assert!(ops.contains(&"TransactWriteItems"), "{ops:?}");
        assert!(
            pack.tokens
                .iter()
                .all(|t| t.retry == "effect" && t.mismatch == "unknown" && t.window == "unknown")
        );
        let service = Service::new(model, pack).unwrap();
        let (files, coverage) = crate::generate::generate(&service);
        // Only what the model and the trait say: the token's form, an immediate retry.
        assert!(
            files
                .iter()
                .all(|f| f.file.contains("-ct1") || f.file.contains("-ct2")),
            "{:?}",
            files.iter().map(|f| &f.file).collect::<Vec<_>>()
        );
        // The table an export needs is found in the model: CreateTable's answer has its ARN.
        let export = files
            .iter()
            .find(|f| f.file == "export-table-to-point-in-time-ct2.yaml")
            .map(|f| f.text.as_str())
            .unwrap_or_default();
        assert!(export.contains(r#""call":"CreateTable""#), "{export}");
        assert!(
            export.contains(r#""TableArn":"${made_tablearn}""#),
            "{export}"
        );
        assert!(
            coverage
                .iter()
                .filter(|(_, clause, _)| !["CT1", "CT2"].contains(clause))
                .all(|(_, _, status)| *status == crate::generate::Coverage::Unknown)
        );
    }

    #[test]
    fn a_model_file_with_a_pack_file_is_a_service() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let service = resolve(
            "ignored",
            Some(&root.join("src/model/data/secretsmanager-2017-10-17.service.json")),
            Some(&root.join("src/packs/secretsmanager.yaml")),
        )
        .unwrap();
        assert_eq!(service.name(), "secretsmanager");
        assert!(resolve("ignored", Some(&root.join("nope.json")), None).is_err());
    }
}
