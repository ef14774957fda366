"""Drives the proton-conform emulator with boto3: every implemented operation, the idempotency
clauses, and the modelled exception classes. Writes each parsed response (one JSON object per
line) to the file named by the second argument, so the Rust test can check it against the
model's schemas. Usage: boto3_check.py ENDPOINT OUT.jsonl"""

import datetime
import json
import sys

import boto3
from botocore.config import Config

ENDPOINT, OUT = sys.argv[1], sys.argv[2]
ROLE = "arn:aws:iam::123456789012:role/proton-conform"
BUNDLE = {"s3": {"bucket": "proton-conform-bundles", "key": "bundle.tar.gz"}}
FAST = {"Delay": 1, "MaxAttempts": 60}

client = boto3.client(
    "proton",
    region_name="us-east-1",
    endpoint_url=ENDPOINT,
    aws_access_key_id="AKIDEXAMPLE",
    aws_secret_access_key="not-a-secret",
    config=Config(retries={"max_attempts": 1}),
)
records = []
failures = []


def plain(value):
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def call(operation, **params):
    method = "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")
    response = getattr(client, method)(**params)
    response.pop("ResponseMetadata", None)
    records.append({"operation": operation, "response": plain(response)})
    return response


def expect_error(exception, operation, message=None, **params):
    try:
        call(operation, **params)
    except getattr(client.exceptions, exception) as e:
        if message and message.lower() not in str(e).lower():
            failures.append(f"{operation}: {exception} without {message!r}: {e}")
        return
    except Exception as e:  # noqa: BLE001 - any other class is the finding
        failures.append(f"{operation}: expected {exception}, got {type(e).__name__}: {e}")
        return
    failures.append(f"{operation}: expected {exception}, got success")


def check(condition, what):
    if not condition:
        failures.append(what)


# Environment templates and versions, CT and IC clauses.
call("CreateEnvironmentTemplate", name="env-tpl", displayName="Env", tags=[{"key": "team", "value": "qa"}])
again = call("CreateEnvironmentTemplate", name="env-tpl", displayName="Env", tags=[{"key": "team", "value": "qa"}])
check(again["environmentTemplate"]["name"] == "env-tpl", "IC1: retry returned another template")
expect_error("ValidationException", "CreateEnvironmentTemplate", "idempotent parameter mismatch", name="env-tpl", displayName="Other")
call("GetEnvironmentTemplate", name="env-tpl")
call("ListEnvironmentTemplates")
v1 = call("CreateEnvironmentTemplateVersion", templateName="env-tpl", clientToken="tok-1", source=BUNDLE)
v1b = call("CreateEnvironmentTemplateVersion", templateName="env-tpl", clientToken="tok-1", source=BUNDLE)
check(v1["environmentTemplateVersion"]["arn"] == v1b["environmentTemplateVersion"]["arn"], "CT2: retry made another version")
expect_error("ValidationException", "CreateEnvironmentTemplateVersion", "idempotent parameter mismatch",
             templateName="env-tpl", clientToken="tok-1", source=BUNDLE, description="changed")
# CT6: boto3 fills a fresh token into each call that has none.
t1 = call("CreateEnvironmentTemplateVersion", templateName="env-tpl", source=BUNDLE)
t2 = call("CreateEnvironmentTemplateVersion", templateName="env-tpl", source=BUNDLE)
check(t1["environmentTemplateVersion"]["arn"] != t2["environmentTemplateVersion"]["arn"], "CT6: two calls made one version")
check(len(call("ListEnvironmentTemplateVersions", templateName="env-tpl")["templateVersions"]) == 3, "CT: expected 3 versions")
major = v1["environmentTemplateVersion"]["majorVersion"]
minor = v1["environmentTemplateVersion"]["minorVersion"]
client.get_waiter("environment_template_version_registered").wait(
    templateName="env-tpl", majorVersion=major, minorVersion=minor, WaiterConfig=FAST)
call("UpdateEnvironmentTemplateVersion", templateName="env-tpl", majorVersion=major, minorVersion=minor, status="PUBLISHED")
call("GetEnvironmentTemplateVersion", templateName="env-tpl", majorVersion=major, minorVersion=minor)
for extra in (t1, t2):
    v = extra["environmentTemplateVersion"]
    call("DeleteEnvironmentTemplateVersion", templateName="env-tpl", majorVersion=v["majorVersion"], minorVersion=v["minorVersion"])
    repeated = call("DeleteEnvironmentTemplateVersion", templateName="env-tpl", majorVersion=v["majorVersion"], minorVersion=v["minorVersion"])
    check("environmentTemplateVersion" in repeated, "ID1: repeated delete lost the metadata")
call("UpdateEnvironmentTemplate", name="env-tpl", description="updated")
expect_error("ConflictException", "CreateEnvironmentTemplate", name="env-tpl", displayName="Env", tags=[{"key": "team", "value": "qa"}])
empty = call("DeleteEnvironmentTemplate", name="never-existed")
check("environmentTemplate" not in empty, "ID2: delete of nothing returned something")
expect_error("ResourceNotFoundException", "GetEnvironmentTemplate", name="never-existed")

# Service templates and versions.
call("CreateServiceTemplate", name="svc-tpl", pipelineProvisioning="CUSTOMER_MANAGED")
call("GetServiceTemplate", name="svc-tpl")
call("ListServiceTemplates")
call("UpdateServiceTemplate", name="svc-tpl", description="updated")
sv = call("CreateServiceTemplateVersion", templateName="svc-tpl", clientToken="tok-s", source=BUNDLE,
          compatibleEnvironmentTemplates=[{"templateName": "env-tpl", "majorVersion": major}])["serviceTemplateVersion"]
client.get_waiter("service_template_version_registered").wait(
    templateName="svc-tpl", majorVersion=sv["majorVersion"], minorVersion=sv["minorVersion"], WaiterConfig=FAST)
call("UpdateServiceTemplateVersion", templateName="svc-tpl", majorVersion=sv["majorVersion"], minorVersion=sv["minorVersion"], status="PUBLISHED")
call("GetServiceTemplateVersion", templateName="svc-tpl", majorVersion=sv["majorVersion"], minorVersion=sv["minorVersion"])
call("ListServiceTemplateVersions", templateName="svc-tpl")

# Environments, connections, services, instances, pipelines, components, deployments.
spec = "proton: EnvironmentSpec\nspec: {}\n"
call("CreateEnvironment", name="env", templateName="env-tpl", templateMajorVersion=major, spec=spec, protonServiceRoleArn=ROLE)
client.get_waiter("environment_deployed").wait(name="env", WaiterConfig=FAST)
call("GetEnvironment", name="env")
call("ListEnvironments")
call("UpdateEnvironment", name="env", deploymentType="NONE", description="updated")
conn = call("CreateEnvironmentAccountConnection", environmentName="env", managementAccountId="123456789012", roleArn=ROLE)
cid = conn["environmentAccountConnection"]["id"]
call("GetEnvironmentAccountConnection", id=cid)
call("ListEnvironmentAccountConnections", requestedBy="ENVIRONMENT_ACCOUNT")
call("AcceptEnvironmentAccountConnection", id=cid)
expect_error("ConflictException", "RejectEnvironmentAccountConnection", id=cid)
call("DeleteEnvironmentAccountConnection", id=cid)
call("DeleteEnvironmentAccountConnection", id=cid)
conn2 = call("CreateEnvironmentAccountConnection", environmentName="env", managementAccountId="123456789012", roleArn=ROLE)
call("RejectEnvironmentAccountConnection", id=conn2["environmentAccountConnection"]["id"])

svc_spec = "proton: ServiceSpec\ninstances:\n  - name: one\n    environment: env\n"
call("CreateService", name="svc", templateName="svc-tpl", templateMajorVersion=sv["majorVersion"], spec=svc_spec)
client.get_waiter("service_created").wait(name="svc", WaiterConfig=FAST)
call("GetService", name="svc")
call("ListServices")
call("GetServiceInstance", serviceName="svc", name="one")
call("ListServiceInstances", serviceName="svc")
client.get_waiter("service_instance_deployed").wait(serviceName="svc", name="one", WaiterConfig=FAST)
client.get_waiter("service_pipeline_deployed").wait(name="svc", WaiterConfig=FAST)
inst = call("CreateServiceInstance", serviceName="svc", name="two", clientToken="tok-i", spec="environment: env\n")
inst_again = call("CreateServiceInstance", serviceName="svc", name="two", clientToken="tok-i", spec="environment: env\n")
check(inst["serviceInstance"]["arn"] == inst_again["serviceInstance"]["arn"], "CT2 (model-only): CreateServiceInstance retry")
client.get_waiter("service_instance_deployed").wait(serviceName="svc", name="two", WaiterConfig=FAST)
call("UpdateServiceInstance", serviceName="svc", name="two", deploymentType="CURRENT_VERSION", clientToken="tok-u", spec="environment: env\n")
call("CancelServiceInstanceDeployment", serviceName="svc", serviceInstanceName="two")
call("UpdateServicePipeline", serviceName="svc", deploymentType="CURRENT_VERSION", spec="proton: ServiceSpec\n")
call("CancelServicePipelineDeployment", serviceName="svc")
call("UpdateService", name="svc", description="updated")
client.get_waiter("service_updated").wait(name="svc", WaiterConfig=FAST)
call("CreateComponent", name="comp", environmentName="env", clientToken="tok-c",
     manifest="infrastructure:\n  templates: []\n", templateFile="Resources: {}\n")
client.get_waiter("component_deployed").wait(name="comp", WaiterConfig=FAST)
call("GetComponent", name="comp")
call("ListComponents")
call("UpdateComponent", name="comp", deploymentType="CURRENT_VERSION", clientToken="tok-cu", templateFile="Resources: {}\n")
call("CancelComponentDeployment", componentName="comp")
deployments = call("ListDeployments")["deployments"]
call("GetDeployment", id=deployments[0]["id"])
call("UpdateEnvironment", name="env", deploymentType="CURRENT_VERSION")
call("CancelEnvironmentDeployment", environmentName="env")
call("DeleteComponent", name="comp")
client.get_waiter("component_deleted").wait(name="comp", WaiterConfig=FAST)

# Tags, summary, settings.
arn = call("GetEnvironmentTemplate", name="env-tpl")["environmentTemplate"]["arn"]
call("TagResource", resourceArn=arn, tags=[{"key": "stage", "value": "test"}])
call("UntagResource", resourceArn=arn, tagKeys=["team"])
tags = call("ListTagsForResource", resourceArn=arn)["tags"]
check(tags == [{"key": "stage", "value": "test"}], f"tags: {tags}")
call("GetResourcesSummary")
call("UpdateAccountSettings", pipelineServiceRoleArn=ROLE)
call("GetAccountSettings")

# AD on an environment, and the service template deletes.
call("CreateEnvironment", name="env2", templateName="env-tpl", templateMajorVersion=major, spec=spec, protonServiceRoleArn=ROLE)
client.get_waiter("environment_deployed").wait(name="env2", WaiterConfig=FAST)
first = call("DeleteEnvironment", name="env2")
during = call("DeleteEnvironment", name="env2")
check(during.get("environment", {}).get("arn") == first["environment"]["arn"], "AD1: retry during the delete")
call("DeleteServiceTemplateVersion", templateName="svc-tpl", majorVersion=sv["majorVersion"], minorVersion=sv["minorVersion"])
call("CreateServiceTemplate", name="svc-tpl-2")
call("DeleteServiceTemplate", name="svc-tpl-2")

# Left for the AWS CLI: a deploying environment and a service being deleted.
call("CreateEnvironment", name="cli-env", templateName="env-tpl", templateMajorVersion=major, spec=spec, protonServiceRoleArn=ROLE)
call("DeleteService", name="svc")
call("DeleteService", name="svc")

with open(OUT, "w") as f:
    for r in records:
        f.write(json.dumps(r) + "\n")
if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"{len(records)} responses from {len({r['operation'] for r in records})} operations")
