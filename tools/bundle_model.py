#!/usr/bin/env python3
"""Copies a botocore service model into src/model/data/, documentation stripped.

Usage: python3 tools/bundle_model.py SERVICE [SERVICE ...]   (botocore must be installed)

Writes <service>-<api version>.{service,paginators,waiters}.json (the last two when botocore has
them). Documentation strings, examples and endpoint rules are left out: the harness needs the
operations, shapes, waiters and paginators only.
"""
import gzip
import json
import os
import sys

import botocore

DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
OUT = os.path.join(os.path.dirname(__file__), "..", "src", "model", "data")
DROP = {"documentation", "documentationUrl", "examples", "deprecatedMessage"}


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in DROP}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def load(path):
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    if os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rt") as f:
            return json.load(f)
    return None


def bundle(service):
    versions = sorted(
        v for v in os.listdir(os.path.join(DATA, service))
        if load(os.path.join(DATA, service, v, "service-2.json")) is not None
    )
    version = versions[-1]
    base = os.path.join(DATA, service, version)
    stem = os.path.join(OUT, f"{service}-{version}")
    model = strip(load(os.path.join(base, "service-2.json")))
    with open(stem + ".service.json", "w") as f:
        json.dump(model, f, indent=1, sort_keys=True)
        f.write("\n")
    for kind, name in [("paginators", "paginators-1.json"), ("waiters", "waiters-2.json")]:
        data = load(os.path.join(base, name))
        if data is not None:
            with open(f"{stem}.{kind}.json", "w") as f:
                json.dump(strip(data), f, indent=1, sort_keys=True)
                f.write("\n")
    print(f"{service}: {version} (botocore {botocore.__version__})")


if __name__ == "__main__":
    for name in sys.argv[1:]:
        bundle(name)
