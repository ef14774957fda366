#!/bin/sh
# proton-conform driver for the AWS CLI: one call of $PC_OPERATION_CLI with the JSON input
# $PC_PARAMS. Prints {"outcome": "success" | "<ErrorType>"}. The CLI fills in clientToken.
# Batch mode (PC_BATCH=1, for sdk-sweep): the CLI's entry point, in one Python process.
if [ "$PC_BATCH" = 1 ]; then
  exec python3 "$(dirname "$0")/awscli_batch.py"
fi
out=$(aws "${PC_SERVICE:-proton}" "$PC_OPERATION_CLI" --cli-input-json "$PC_PARAMS" --output json 2>&1)
if [ $? -eq 0 ]; then
  echo '{"outcome": "success"}'
  exit 0
fi
code=$(printf '%s' "$out" | sed -n 's/.*An error occurred (\([A-Za-z]*\)).*/\1/p' | head -n 1)
printf '{"outcome": "%s"}\n' "${code:-CliFailure}"
