#!/usr/bin/env python3
"""A deliberately broken client for sdk-check's own test: boto3, but every attempt carries a
fresh clientToken, as an SDK that generates the token inside its retry loop would."""
import json
import os
import uuid

import boto3
import botocore.exceptions


def new_token_per_attempt(request, **_):
    body = json.loads(request.body or b"{}")
    if "clientToken" in body:
        body["clientToken"] = str(uuid.uuid4())
        request.body = json.dumps(body).encode()
        request.headers["Content-Length"] = str(len(request.body))


client = boto3.client("proton")
client.meta.events.register("before-send.proton.*", new_token_per_attempt)
method = {api: py for py, api in client.meta.method_to_api_mapping.items()}[os.environ["PC_OPERATION"]]
try:
    getattr(client, method)(**json.loads(os.environ["PC_PARAMS"]))
    outcome = "success"
except botocore.exceptions.ClientError as e:
    outcome = e.response.get("Error", {}).get("Code", "ClientError")
print(json.dumps({"outcome": outcome, "max_attempts": 5}))
