// proton-conform driver for the AWS SDK for JavaScript v3: one call of $PC_OPERATION of the
// service $PC_SERVICE (`@aws-sdk/client-<service>`, installed beside this file by `npm ci`)
// with the JSON input $PC_PARAMS. The endpoint, region and dummy credentials come from the
// environment sdk-check sets. Prints one line: {"outcome": "success" | "<ErrorType>",
// "max_attempts": N}. The SDK fills in idempotency tokens the caller leaves out.
const service = process.env.PC_SERVICE || "proton";
const sdk = await import(`@aws-sdk/client-${service}`);
// The service's client class: `ProtonClient`, `DynamoDBClient`, ...
const Client = Object.entries(sdk).find(
  ([name, value]) => typeof value === "function" && name.endsWith("Client") && name !== "Client",
)?.[1];
const Command = sdk[`${process.env.PC_OPERATION}Command`];
if (!Client || !Command) {
  console.log(JSON.stringify({ outcome: "DriverError: no such client or command" }));
  process.exit(0);
}
const client = new Client({});
const maxAttempts = await client.config.maxAttempts();
let outcome;
try {
  await client.send(new Command(JSON.parse(process.env.PC_PARAMS)));
  outcome = "success";
} catch (e) {
  outcome = e.name || "Error";
}
console.log(JSON.stringify({ outcome, max_attempts: maxAttempts }));
