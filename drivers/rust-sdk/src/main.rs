//! proton-conform driver for the AWS SDK for Rust: one call of $PC_OPERATION with the JSON
//! input $PC_PARAMS, against $AWS_ENDPOINT_URL_PROTON. Prints
//! `{"outcome": "success" | "<ErrorType>", "max_attempts": N}`. The SDK fills in clientToken:
//! this driver never sets it.

use aws_sdk_proton::error::ProvideErrorMetadata;
use aws_sdk_proton::types::{
    CompatibleEnvironmentTemplateInput, ComponentDeploymentUpdateType, DeploymentUpdateType,
    S3ObjectSource, TemplateVersionSourceInput,
};
use serde_json::{Value, json};

type Outcome = Result<(), String>;

fn text(params: &Value, name: &str) -> Option<String> {
    params.get(name).and_then(Value::as_str).map(str::to_string)
}

fn source(params: &Value) -> Result<TemplateVersionSourceInput, String> {
    let s3 = &params["source"]["s3"];
    let object = S3ObjectSource::builder()
        .set_bucket(text(s3, "bucket"))
        .set_key(text(s3, "key"))
        .build()
        .map_err(|e| e.to_string())?;
    Ok(TemplateVersionSourceInput::S3(object))
}

/// The error type of a failed call: the service's, else what kind of failure it was.
fn outcome<T, E: ProvideErrorMetadata + std::fmt::Debug>(
    result: Result<T, aws_sdk_proton::error::SdkError<E>>,
) -> Outcome {
    result.map(|_| ()).map_err(|e| {
        e.code().map(str::to_string).unwrap_or_else(|| {
            format!("{e:?}")
                .split('(')
                .next()
                .unwrap_or("SdkError")
                .to_string()
        })
    })
}

async fn call(
    client: &aws_sdk_proton::Client,
    operation: &str,
    p: &Value,
) -> Result<Outcome, String> {
    Ok(match operation {
        "CreateEnvironmentTemplateVersion" => outcome(
            client
                .create_environment_template_version()
                .set_template_name(text(p, "templateName"))
                .set_description(text(p, "description"))
                .set_major_version(text(p, "majorVersion"))
                .source(source(p)?)
                .send()
                .await,
        ),
        "CreateServiceTemplateVersion" => {
            let mut request = client
                .create_service_template_version()
                .set_template_name(text(p, "templateName"))
                .set_description(text(p, "description"))
                .source(source(p)?);
            for t in p["compatibleEnvironmentTemplates"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let input = CompatibleEnvironmentTemplateInput::builder()
                    .set_template_name(text(t, "templateName"))
                    .set_major_version(text(t, "majorVersion"))
                    .build()
                    .map_err(|e| e.to_string())?;
                request = request.compatible_environment_templates(input);
            }
            outcome(request.send().await)
        }
        "CreateEnvironmentAccountConnection" => outcome(
            client
                .create_environment_account_connection()
                .set_environment_name(text(p, "environmentName"))
                .set_management_account_id(text(p, "managementAccountId"))
                .set_role_arn(text(p, "roleArn"))
                .send()
                .await,
        ),
        "CreateComponent" => outcome(
            client
                .create_component()
                .set_name(text(p, "name"))
                .set_environment_name(text(p, "environmentName"))
                .set_service_name(text(p, "serviceName"))
                .set_service_instance_name(text(p, "serviceInstanceName"))
                .set_manifest(text(p, "manifest"))
                .set_template_file(text(p, "templateFile"))
                .send()
                .await,
        ),
        "UpdateComponent" => outcome(
            client
                .update_component()
                .set_name(text(p, "name"))
                .set_description(text(p, "description"))
                .set_deployment_type(
                    text(p, "deploymentType")
                        .map(|t| ComponentDeploymentUpdateType::from(t.as_str())),
                )
                .send()
                .await,
        ),
        "CreateServiceInstance" => outcome(
            client
                .create_service_instance()
                .set_service_name(text(p, "serviceName"))
                .set_name(text(p, "name"))
                .set_spec(text(p, "spec"))
                .send()
                .await,
        ),
        "UpdateServiceInstance" => outcome(
            client
                .update_service_instance()
                .set_service_name(text(p, "serviceName"))
                .set_name(text(p, "name"))
                .set_spec(text(p, "spec"))
                .set_deployment_type(
                    text(p, "deploymentType").map(|t| DeploymentUpdateType::from(t.as_str())),
                )
                .send()
                .await,
        ),
        other => return Err(format!("this driver does not know {other}")),
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let operation = std::env::var("PC_OPERATION").unwrap_or_default();
    let params: Value = serde_json::from_str(&std::env::var("PC_PARAMS").unwrap_or_default())
        .unwrap_or(Value::Null);
    let shared = aws_config::load_from_env().await;
    let mut config = aws_sdk_proton::config::Builder::from(&shared);
    if let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL_PROTON") {
        config = config.endpoint_url(endpoint);
    }
    let config = config.build();
    let max_attempts = config.retry_config().map_or(3, |r| r.max_attempts());
    let client = aws_sdk_proton::Client::from_conf(config);
    match call(&client, &operation, &params).await {
        Ok(result) => {
            let outcome = result.err().unwrap_or_else(|| "success".to_string());
            println!(
                "{}",
                json!({ "outcome": outcome, "max_attempts": max_attempts })
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
