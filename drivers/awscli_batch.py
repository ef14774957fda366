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
    if status == 0:
        outcome = "success"
    else:
        found = re.search(r"An error occurred \(([A-Za-z0-9.]+)\)", err.getvalue())
        first = (err.getvalue().strip().splitlines() or ["CliFailure"])[-1][:120]
        outcome = found.group(1) if found else "CliFailure: " + first
    print(json.dumps({"outcome": outcome, "sdk": SDK}), flush=True)
