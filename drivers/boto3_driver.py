#!/usr/bin/env python3
"""proton-conform driver for boto3: one call of $PC_OPERATION of the service $PC_SERVICE with the
JSON input $PC_PARAMS.

The endpoint, region and dummy credentials come from the environment sdk-check sets. Prints one
line: {"outcome": "success" | "<ErrorType>", "max_attempts": N}. boto3 fills in clientToken.
"""
import json
import os

import boto3
import botocore.exceptions

client = boto3.client(os.environ.get("PC_SERVICE", "proton"))
method = {api: py for py, api in client.meta.method_to_api_mapping.items()}[os.environ["PC_OPERATION"]]
retries = client.meta.config.retries or {}
max_attempts = retries.get("total_max_attempts", 5 if retries.get("mode", "legacy") == "legacy" else 3)
try:
    getattr(client, method)(**json.loads(os.environ["PC_PARAMS"]))
    outcome = "success"
except botocore.exceptions.ClientError as e:
    outcome = e.response.get("Error", {}).get("Code", "ClientError")
except botocore.exceptions.BotoCoreError as e:
    outcome = type(e).__name__
print(json.dumps({"outcome": outcome, "max_attempts": max_attempts}))
