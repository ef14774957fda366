#!/usr/bin/env python3
"""proton-conform driver for boto3.

Single-call mode: one call of $PC_OPERATION of the service $PC_SERVICE with the JSON input
$PC_PARAMS; the endpoint, region and dummy credentials come from the environment sdk-check sets.
Batch mode ($PC_BATCH=1, for sdk-sweep): one call per JSON line on stdin ({"service",
"operation", "params", "endpoint"}), one outcome line per call.

Prints {"outcome": "success" | "<ErrorType>", "max_attempts": N, "sdk": "boto3 X"}. boto3
fills in idempotency tokens the caller leaves out.
"""
import json
import os
import sys

import boto3
import botocore.config
import botocore.exceptions

SDK = "boto3 " + boto3.__version__


def call(client, operation, params):
    method = {api: py for py, api in client.meta.method_to_api_mapping.items()}[operation]
    retries = client.meta.config.retries or {}
    legacy = retries.get("mode", "legacy") == "legacy"
    max_attempts = retries.get("total_max_attempts", 5 if legacy else 3)
    try:
        getattr(client, method)(**params)
        outcome = "success"
    except botocore.exceptions.ClientError as e:
        outcome = e.response.get("Error", {}).get("Code", "ClientError")
    except botocore.exceptions.BotoCoreError as e:
        outcome = type(e).__name__
    except Exception as e:  # a driver error is an outcome too, never a dead driver
        outcome = "DriverError: " + type(e).__name__
    return {"outcome": outcome, "max_attempts": max_attempts, "sdk": SDK}


def batch():
    clients = {}
    # The sweep's endpoint is an address: a host prefix (`data.`) cannot be put before it.
    config = botocore.config.Config(inject_host_prefix=False)
    for line in sys.stdin:
        request = json.loads(line)
        key = (request["service"], request["endpoint"])
        try:
            if key not in clients:
                clients[key] = boto3.client(key[0], endpoint_url=key[1], config=config)
            report = call(clients[key], request["operation"], request["params"])
        except Exception as e:
            report = {"outcome": "DriverError: " + type(e).__name__, "sdk": SDK}
        print(json.dumps(report), flush=True)


if os.environ.get("PC_BATCH") == "1":
    batch()
else:
    client = boto3.client(os.environ.get("PC_SERVICE", "proton"))
    print(json.dumps(call(client, os.environ["PC_OPERATION"], json.loads(os.environ["PC_PARAMS"]))))
