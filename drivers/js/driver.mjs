// proton-conform driver for the AWS SDK for JavaScript v3 (`@aws-sdk/client-<service>`,
// installed beside this file by `npm ci`).
//
// Single-call mode: one call of $PC_OPERATION of the service $PC_SERVICE with the JSON input
// $PC_PARAMS; the endpoint, region and dummy credentials come from the environment sdk-check
// sets. Batch mode ($PC_BATCH=1, for sdk-sweep): one call per JSON line on stdin ({"service_id",
// "operation", "params", "endpoint"}), one outcome line per call.
//
// Prints {"outcome": "success" | "<ErrorType>", "max_attempts": N, "sdk": "..."}. The SDK fills
// in idempotency tokens the caller leaves out.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

const here = new URL(".", import.meta.url);

// The package of a service: its model's serviceId, lower case, spaces as dashes.
const packageOf = (serviceId) => `@aws-sdk/client-${serviceId.toLowerCase().replace(/ /g, "-")}`;

// The SDK's version: its core's, which every client shares.
const core = JSON.parse(readFileSync(new URL("node_modules/@aws-sdk/core/package.json", here)));
const label = `aws-sdk-js-v3, @aws-sdk/core ${core.version}`;

const loaded = new Map();
async function load(pkg) {
  if (!loaded.has(pkg)) {
    const sdk = await import(pkg);
    // The service's client class: `ProtonClient`, `DynamoDBClient`, ...
    const Client = Object.entries(sdk).find(
      ([name, value]) => typeof value === "function" && name.endsWith("Client") && name !== "Client",
    )?.[1];
    loaded.set(pkg, { sdk, Client });
  }
  return loaded.get(pkg);
}

async function call(pkg, operation, params, options) {
  let service;
  try {
    service = await load(pkg);
  } catch (e) {
    return { outcome: `DriverError: ${pkg} is not installed` };
  }
  const Command = service.sdk[`${operation}Command`];
  if (!service.Client || !Command) {
    return { outcome: "DriverError: no such client or command", sdk: label };
  }
  const client = new service.Client(options);
  const maxAttempts = await client.config.maxAttempts();
  let outcome;
  try {
    await client.send(new Command(params));
    outcome = "success";
  } catch (e) {
    outcome = e.name || "Error";
  }
  client.destroy();
  return { outcome, max_attempts: maxAttempts, sdk: label };
}

if (process.env.PC_BATCH === "1") {
  for await (const line of createInterface({ input: process.stdin })) {
    const request = JSON.parse(line);
    // The sweep's endpoint is an address: a host prefix (`data.`) cannot be put before it.
    const options = { endpoint: request.endpoint, disableHostPrefix: true };
    const report = await call(packageOf(request.service_id), request.operation, request.params, options);
    console.log(JSON.stringify(report));
  }
} else {
  const pkg = `@aws-sdk/client-${process.env.PC_SERVICE || "proton"}`;
  const report = await call(pkg, process.env.PC_OPERATION, JSON.parse(process.env.PC_PARAMS), {});
  console.log(JSON.stringify(report));
}
