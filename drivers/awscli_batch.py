#!/usr/bin/env python3
"""proton-conform driver for the AWS CLI in batch mode (sdk-sweep): one CLI invocation per JSON
line on stdin ({"service", "operation", "params", "endpoint"}), run in this process with the
CLI's own entry point (`awscli.clidriver`), as `aws SERVICE OPERATION --cli-input-json PARAMS
--endpoint-url ENDPOINT` would run it. Prints one {"outcome": ..., "sdk": ...} line per call.
"""
import contextlib
import io
import json
import re
import sys

import awscli
from botocore import xform_name
from awscli.clidriver import create_clidriver

SDK = "awscli " + awscli.__version__

for line in sys.stdin:
    request = json.loads(line)
    argv = [
        request["service"],
        # The CLI's own spelling of the operation (`CreateABTest`: `create-ab-test`).
        xform_name(request["operation"], "-"),
        "--cli-input-json",
        json.dumps(request["params"]),
        "--endpoint-url",
        request["endpoint"],
        "--output",
        "json",
    ]
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = create_clidriver().main(argv)
    except SystemExit as e:
        status = e.code
    except Exception as e:
        status, err = 255, io.StringIO("DriverError: " + type(e).__name__)
    text = err.getvalue()
    found = re.search(r"An error occurred \(([A-Za-z0-9.]+)\)", text)
    if status == 0:
        outcome = "success"
    elif found:
        outcome = found.group(1)
    else:
        # Named after what went wrong, never with the run's ports or tokens in it.
        kinds = [
            ("Could not connect to the endpoint URL", "EndpointConnectionError"),
            ("Unable to locate authorization token", "NoAuthTokenError"),
            ("Invalid choice", "CliUsageError: no such command"),
            ("the following arguments are required", "CliUsageError: arguments the input cannot give"),
        ]
        outcome = next((kind for needle, kind in kinds if needle in text), "CliFailure")
    print(json.dumps({"outcome": outcome, "sdk": SDK}), flush=True)
