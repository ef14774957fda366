#!/usr/bin/env bash
# Emulator throughput and memory, side by side with moto in one run (see BENCHMARKS.md).
# Needs: wrk (apt-get install wrk), moto (pip install 'moto[server]'), a release build.
# Usage: benches/emulator_throughput.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"
CONNECTIONS=32
THREADS=2
BIN=target/release/proton-conform
cargo build --release --quiet

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
rps() { awk '/Requests\/sec/ {print $2}'; }

$BIN serve --port 0 > /tmp/pc-bench.url 2>/dev/null &
PC_PID=$!
moto_server -p 0 > /tmp/pc-bench-moto.log 2>&1 &
MOTO_PID=$!
trap 'kill $PC_PID $MOTO_PID 2>/dev/null || true' EXIT
sleep 2
PC_URL=$(head -1 /tmp/pc-bench.url)
MOTO_PORT=$(grep -o 'http://127.0.0.1:[0-9]*' /tmp/pc-bench-moto.log | head -1 | sed 's/.*://')
MOTO_URL="http://127.0.0.1:${MOTO_PORT}"

curl -sf -X POST "$PC_URL/" -H 'content-type: application/x-amz-json-1.0' \
  -H 'x-amz-target: AwsProton20200720.CreateEnvironmentTemplate' -d '{"name":"bench"}' > /dev/null
curl -sf -X POST "$MOTO_URL/" -H 'content-type: application/x-amz-json-1.0' \
  -H 'x-amz-target: DynamoDB_20120810.CreateTable' \
  -H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
  -d '{"TableName":"bench","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}' > /dev/null

PC_RPS=$(wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s -s benches/get_template.lua "$PC_URL" | rps)
MOTO_RPS=$(wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s -s benches/describe_table.lua "$MOTO_URL" | rps)

# Memory stays flat across a million reads.
RSS_BEFORE=$(rss_kib $PC_PID)
GETS=0
while [ "$GETS" -lt 1000000 ]; do
  OUT=$(wrk -t$THREADS -c$CONNECTIONS -d10s -s benches/get_template.lua "$PC_URL")
  GETS=$((GETS + $(echo "$OUT" | awk '/requests in/ {print $1}')))
done
RSS_AFTER_GETS=$(rss_kib $PC_PID)

# Memory per stored resource: create many templates, divide the growth.
RSS_BEFORE_CREATES=$(rss_kib $PC_PID)
CREATED=$(wrk -t1 -c1 -d10s -s benches/create_templates.lua "$PC_URL" | awk '/requests in/ {print $1}')
RSS_AFTER_CREATES=$(rss_kib $PC_PID)

python3 - "$PC_RPS" "$MOTO_RPS" "$GETS" "$RSS_BEFORE" "$RSS_AFTER_GETS" "$CREATED" "$RSS_BEFORE_CREATES" "$RSS_AFTER_CREATES" <<'PY'
import sys
pc, moto, gets, before, after, created, cb, ca = sys.argv[1:]
pc, moto = float(pc), float(moto)
per = (int(ca) - int(cb)) * 1024 / max(int(created), 1)
print("| measure | value |")
print("|---|---|")
print(f"| proton-conform GetEnvironmentTemplate | {pc:,.0f} req/s |")
print(f"| moto DynamoDB DescribeTable | {moto:,.0f} req/s |")
print(f"| ratio (target >= 20x) | {pc / moto:.1f}x |")
print(f"| RSS before / after {int(gets):,} Gets | {int(before)/1024:.1f} MiB / {int(after)/1024:.1f} MiB |")
print(f"| memory per stored template ({int(created):,} created) | {per:,.0f} bytes |")
PY
