#!/usr/bin/env python3
"""Writes the Rust SDK driver's calls (drivers/rust-sdk/src/calls/<service>.rs) from the bundled
models: for every operation with an idempotency token, the fluent call with a setter for each
required member, the token and every scalar member, and the JSON readers of the
structures, unions and enums those members reach.

Usage: python3 tools/rust_driver_calls.py [--out DIR]   (after a model or its pack changes; commit the output)

The Rust SDK has no call by name: each operation is a method of its own, each member a setter of
its own. The names follow the SDK's code generator (snake case for methods and setters, Pascal
case for types). A member the driver has no setter for is refused by the driver at run time
(`DriverError`), never dropped.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "src", "model", "data")
OUT = os.path.join(ROOT, "drivers", "rust-sdk", "src", "calls")
# The packs' services the driver is built with: botocore's name -> the SDK crate's.
CRATES = {
    "proton": "aws_sdk_proton",
    "dynamodb": "aws_sdk_dynamodb",
    "ecs": "aws_sdk_ecs",
    "efs": "aws_sdk_efs",
    "eks": "aws_sdk_eks",
    "secretsmanager": "aws_sdk_secretsmanager",
}


def snake(name):
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def pascal(name):
    return "".join(part[:1].upper() + part[1:] for part in snake(name).split("_"))


def model_of(service):
    (name,) = [f for f in os.listdir(DATA) if f.startswith(service + "-") and f.endswith(".service.json")]
    with open(os.path.join(DATA, name)) as f:
        return json.load(f)


SCALARS = {"string", "boolean", "integer", "long"}


def members_read(model, shape):
    """The members the driver reads: the required ones, the token (what the sweep sends), and
    every other scalar or list of scalars (what sdk-check's scenarios send besides)."""
    required = set(shape.get("required", []))

    def scalar(ref):
        target = model["shapes"][ref["shape"]]
        if target["type"] == "list":
            target = model["shapes"][target["member"]["shape"]]
        return target["type"] in SCALARS

    return sorted(
        name
        for name, ref in shape.get("members", {}).items()
        if name in required or ref.get("idempotencyToken") or scalar(ref)
    )


class Service:
    def __init__(self, name):
        self.name = name
        self.crate = CRATES[name]
        self.model = model_of(name)
        self.readers = {}  # shape name -> Rust impl

    def reach(self, shape_name):
        """Adds a JSON reader for a named shape (and those it reaches) where one is needed."""
        shape = self.model["shapes"][shape_name]
        kind = shape["type"]
        if kind == "list":
            self.reach(shape["member"]["shape"])
            return
        if kind == "map":
            self.reach(shape["value"]["shape"])
            return
        if shape_name in self.readers:
            return
        rust = f"{self.crate}::types::{pascal(shape_name)}"
        if kind == "string" and "enum" in shape:
            self.readers[shape_name] = f"enumeration!({rust});"
        elif kind == "structure" and shape.get("union"):
            self.readers[shape_name] = ""  # a placeholder while its members are reached
            arms = []
            for member, ref in sorted(shape["members"].items()):
                self.reach(ref["shape"])
                arms.append(f'    "{member}" => {pascal(member)},')
            self.readers[shape_name] = f"union!({rust} {{\n" + "\n".join(arms) + "\n});"
        elif kind == "structure":
            self.readers[shape_name] = ""
            members = members_read(self.model, shape)
            build = "fallible" if shape.get("required") else "infallible"
            lines = []
            for member in members:
                self.reach(shape["members"][member]["shape"])
                lines.append(f'    "{member}" => set_{snake(member)},')
            body = "\n" + "\n".join(lines) + "\n" if lines else ""
            self.readers[shape_name] = f"structure!({build} {rust} {{{body}}});"

    def calls(self):
        arms = []
        for op_name, op in sorted(self.model["operations"].items()):
            if "input" not in op:
                continue
            shape = self.model["shapes"][op["input"]["shape"]]
            if not any(ref.get("idempotencyToken") for ref in shape.get("members", {}).values()):
                continue
            setters = []
            for member in members_read(self.model, shape):
                self.reach(shape["members"][member]["shape"])
                setters.append(f'            "{member}" => set_{snake(member)},')
            arms.append(
                f'        "{op_name}" => call!(client.{snake(op_name)}(), params, {{\n'
                + "\n".join(setters)
                + "\n        }),"
            )
        return arms

    def imports(self, readers):
        used = {"FromJson", "Members", "call"} if readers else {"Members", "call"}
        for macro in ("enumeration", "structure", "union"):
            if any(r.startswith(macro + "!") for r in readers):
                used.add(macro)
        return sorted(used, key=lambda name: (name[0].islower(), name))

    def render(self):
        arms = self.calls()
        readers = [self.readers[name] for name in sorted(self.readers)]
        return "\n".join(
            [
                f"//! The {self.name} operations with an idempotency token. Generated by",
                "//! tools/rust_driver_calls.py from the bundled model: do not edit.",
                "",
                "use serde_json::Value;",
                "",
                f"use crate::input::{{{', '.join(self.imports(readers))}}};",
                "use crate::{Outcome, outcome};",
                "",
                f"pub async fn call(",
                f"    client: &{self.crate}::Client,",
                "    operation: &str,",
                "    params: &Value,",
                ") -> Result<Outcome, String> {",
                "    match operation {",
                *arms,
                f'        other => Err(format!("this driver has no call of {self.name} {{other}}")),',
                "    }",
                "}",
                "",
                *[r + "\n" for r in readers],
            ]
        ).rstrip() + "\n"


def main():
    # `--out DIR`: elsewhere (tests/sdk_sweep.rs compares a fresh generation with the driver's).
    out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else OUT
    os.makedirs(out, exist_ok=True)
    for name in CRATES:
        with open(os.path.join(out, name + ".rs"), "w") as f:
            f.write(Service(name).render())
    with open(os.path.join(out, "mod.rs"), "w") as f:
        f.write("//! Each service's calls. Generated by tools/rust_driver_calls.py: do not edit.\n\n")
        f.write("".join(f"pub mod {name};\n" for name in sorted(CRATES)))
    # As `cargo fmt` leaves them, so that CI's format check passes on a fresh generation.
    names = [os.path.join(out, name + ".rs") for name in CRATES]
    subprocess.run(["rustfmt", "--edition", "2024", *names], check=True)


if __name__ == "__main__":
    main()
