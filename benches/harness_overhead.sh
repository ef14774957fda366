#!/usr/bin/env bash
# Harness overhead (see BENCHMARKS.md): the same GetEnvironmentTemplate calls at the same
# concurrency, sent by proton-conform `run` (schema validation, expectations, JUnit and HTML
# reports on), by wrk, and by a boto3 script; first against nginx serving a fixed answer (the
# client's own cost), then against the emulator. Needs wrk, nginx (apt-get install wrk
# nginx-light), python3 with boto3, a release build.
# Usage: benches/harness_overhead.sh [SECONDS] [FILES] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"
FILES="${2:-64}"
STEPS="${3:-500}"
CONNECTIONS=32
BIN=$PWD/target/release/proton-conform
cargo build --release --quiet
WORK=$(mktemp -d)
NGINX_PORT=18080

cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      default_type application/x-amz-json-1.0;
      return 200 '{"environmentTemplate":{"arn":"arn:aws:proton:us-east-1:123456789012:environment-template/bench","name":"bench","createdAt":1796000000,"lastModifiedAt":1796000000}}';
    }
  }
}
CONF
nginx -c "$WORK/nginx.conf"
$BIN serve --port 0 > "$WORK/emulator.url" 2>/dev/null &
EMULATOR_PID=$!
trap 'kill $EMULATOR_PID 2>/dev/null || true; nginx -c "$WORK/nginx.conf" -s stop 2>/dev/null || true; rm -rf "$WORK"' EXIT
sleep 1
EMULATOR_URL=$(head -1 "$WORK/emulator.url")
NGINX_URL="http://127.0.0.1:$NGINX_PORT"
curl -sf -X POST "$EMULATOR_URL/" -H 'content-type: application/x-amz-json-1.0' \
  -H 'x-amz-target: AwsProton20200720.CreateEnvironmentTemplate' -d '{"name":"bench"}' > /dev/null

# FILES scenarios of STEPS calls each; run with --jobs 32, that is 32 requests in flight.
mkdir -p "$WORK/scenarios"
{
  printf 'name: reads\ncontract: [G2]\noperations: [GetEnvironmentTemplate]\nsteps:\n'
  for _ in $(seq 1 "$STEPS"); do
    printf '  - call: GetEnvironmentTemplate\n    params: { name: bench }\n    expect: { paths: { environmentTemplate.name: bench } }\n'
  done
} > "$WORK/one.yaml"
for i in $(seq 1 "$FILES"); do cp "$WORK/one.yaml" "$WORK/scenarios/s$i.yaml"; done
TOTAL=$((FILES * STEPS))

harness_rps() { # url
  local start end
  start=$(date +%s.%N)
  "$BIN" run "$WORK/scenarios" --endpoint "$1" --jobs $CONNECTIONS --junit "$WORK/j.xml" --html "$WORK/h.html" > /dev/null 2>&1
  end=$(date +%s.%N)
  echo "$TOTAL / ($end - $start)" | bc -l
}
wrk_rps() { # url
  wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s -s benches/get_template.lua "$1" | awk '/Requests\/sec/ {print $2}'
}
boto3_rps() { # url
  python3 benches/boto3_gets.py "$1" $CONNECTIONS "$SECONDS_PER_RUN"
}

H_NGINX=$(harness_rps "$NGINX_URL"); W_NGINX=$(wrk_rps "$NGINX_URL"); B_NGINX=$(boto3_rps "$NGINX_URL")
H_EMU=$(harness_rps "$EMULATOR_URL"); W_EMU=$(wrk_rps "$EMULATOR_URL"); B_EMU=$(boto3_rps "$EMULATOR_URL")

python3 - "$H_NGINX" "$W_NGINX" "$B_NGINX" "$H_EMU" "$W_EMU" "$B_EMU" "$TOTAL" <<'PY'
import sys
hn, wn, bn, he, we, be = map(float, sys.argv[1:7])
print(f"| endpoint | proton-conform run ({int(sys.argv[7]):,} calls) | wrk | boto3 (32 threads) | harness / wrk (target >= 0.5) | harness / boto3 |")
print("|---|---|---|---|---|---|")
print(f"| nginx, fixed answer | {hn:,.0f} req/s | {wn:,.0f} req/s | {bn:,.0f} req/s | {hn / wn:.2f} | {hn / bn:.1f}x |")
print(f"| proton-conform emulator | {he:,.0f} req/s | {we:,.0f} req/s | {be:,.0f} req/s | {he / we:.2f} | {he / be:.1f}x |")
PY
