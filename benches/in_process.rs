//! In-process costs the harness pays per request: schema validation of an answer, template
//! expansion of a request, identity redaction of an answer, and parsing a scenario file.
//! Run: `cargo bench --bench in_process` (figures in BENCHMARKS.md).

use std::sync::Arc;

use proton_conform::model::Model;
use proton_conform::redact::Redactor;
use proton_conform::scenario::{self, template::Bindings};
use proton_conform::service::Service;
use serde_json::{Value, json};

fn main() {
    divan::main();
}

fn version_answer() -> Value {
    json!({
        "environmentTemplateVersion": {
            "arn": "arn:aws:proton:us-east-1:123456789012:environment-template/pcabc-123456-tpl:1.0",
            "templateName": "pcabc-123456-tpl",
            "majorVersion": "1",
            "minorVersion": "0",
            "status": "REGISTRATION_IN_PROGRESS",
            "description": "bench",
            "createdAt": 1796000000.061,
            "lastModifiedAt": 1796000000.061,
        }
    })
}

#[divan::bench]
fn validate_an_answer(bencher: divan::Bencher) {
    let validators = Model::bundled("proton-2020-07-20").unwrap();
    let answer = version_answer();
    // Compile once, as a run does.
    let _ = validators.check_output("CreateEnvironmentTemplateVersion", &answer);
    bencher.bench(|| {
        validators
            .check_output(
                "CreateEnvironmentTemplateVersion",
                divan::black_box(&answer),
            )
            .map(|v| v.len())
    });
}

#[divan::bench]
fn expand_a_request(bencher: divan::Bencher) {
    let mut bindings = Bindings::new("bench", "scenarios/bench.yaml");
    bindings.values.insert("major".into(), json!("1"));
    let request = json!({
        "templateName": "${run.prefix}-tpl",
        "majorVersion": "${major}",
        "clientToken": "${token.a | upper}",
        "source": { "s3": { "bucket": "proton-conform-bundles", "key": "env/v1.tar.gz" } }
    });
    bencher.bench(|| bindings.expand_value(divan::black_box(&request)));
}

#[divan::bench]
fn redact_an_answer(bencher: divan::Bencher) {
    let answer = version_answer();
    let service = Arc::new(Service::proton());
    bencher.bench(|| {
        let mut redactor = Redactor::new(service.clone(), "pcabc-123456");
        redactor.value(divan::black_box(&answer), None, None)
    });
}

#[divan::bench]
fn parse_a_scenario(bencher: divan::Bencher) {
    let text =
        include_str!("../scenarios/environment-template-version/ct4-token-expired-after-8h1s.yaml");
    let service = Service::proton();
    bencher.bench(|| scenario::parse(divan::black_box(text), "bench.yaml", &service).is_ok());
}
