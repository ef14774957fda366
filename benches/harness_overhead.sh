#!/usr/bin/env bash
# Harness overhead (see BENCHMARKS.md): the same GetEnvironmentTemplate calls at the same
# concurrency, sent by proton-conform `run` (schema validation, expectations, JUnit and HTML
# reports on), by wrk, by a boto3 script and by Hurl (when installed: the same calls as .hurl
# files with the same assertion, run with --test --jobs 32); first against nginx serving a fixed
# answer (the client's own cost), then against the emulator. Whole-process runs (proton-conform,
# Hurl) are best of three. Needs wrk, nginx (apt-get install wrk nginx-light), python3 with
# boto3, a release build; Hurl: apt-get install libcurl4-openssl-dev libxml2-dev libclang-dev,
# then cargo install hurl@8.0.1 --locked (the last release that builds with rustc 1.95).
# Usage: benches/harness_overhead.sh [SECONDS] [FILES] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
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
heavy_scenarios "$WORK/scenarios" "$FILES" "$STEPS"
TOTAL=$((FILES * STEPS))
# The same calls for Hurl: one file per scenario, the same assertion on every answer.
mkdir -p "$WORK/hurl"
for _ in $(seq 1 "$STEPS"); do
  printf 'POST {{url}}/\nContent-Type: application/x-amz-json-1.0\nX-Amz-Target: AwsProton20200720.GetEnvironmentTemplate\n{"name":"bench"}\nHTTP 200\n[Asserts]\njsonpath "$.environmentTemplate.name" == "bench"\n\n'
done > "$WORK/one.hurl"
for i in $(seq 1 "$FILES"); do cp "$WORK/one.hurl" "$WORK/hurl/s$i.hurl"; done

best_rps() { # command...: calls per second of the fastest of three whole-process runs
  local best
  best=$(best_seconds "$@")
  echo "$TOTAL / $best" | bc -l
}
harness_rps() { # url
  best_rps "$BIN" run "$WORK/scenarios" --endpoint "$1" --jobs $CONNECTIONS --junit "$WORK/j.xml" --html "$WORK/h.html"
}
hurl_rps() { # url
  if command -v hurl > /dev/null; then
    best_rps hurl --test --jobs $CONNECTIONS --variable "url=$1" "$WORK"/hurl/*.hurl
  else
    echo 0
  fi
}
wrk_rps() { # url
  wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s -s benches/get_template.lua "$1" | awk '/Requests\/sec/ {print $2}'
}
boto3_rps() { # url
  python3 benches/boto3_gets.py "$1" $CONNECTIONS "$SECONDS_PER_RUN"
}

H_NGINX=$(harness_rps "$NGINX_URL"); W_NGINX=$(wrk_rps "$NGINX_URL"); B_NGINX=$(boto3_rps "$NGINX_URL"); U_NGINX=$(hurl_rps "$NGINX_URL")
H_EMU=$(harness_rps "$EMULATOR_URL"); W_EMU=$(wrk_rps "$EMULATOR_URL"); B_EMU=$(boto3_rps "$EMULATOR_URL"); U_EMU=$(hurl_rps "$EMULATOR_URL")

python3 - "$H_NGINX" "$W_NGINX" "$B_NGINX" "$U_NGINX" "$H_EMU" "$W_EMU" "$B_EMU" "$U_EMU" "$TOTAL" <<'PY'
import sys
hn, wn, bn, un, he, we, be, ue = map(float, sys.argv[1:9])
total = int(sys.argv[9])
def hurl(h, u):
    return (f"{u:,.0f} req/s", f"{h / u:.1f}x") if u else ("not installed", "-")
print(f"| endpoint | proton-conform run ({total:,} calls) | wrk | boto3 (32 threads) | Hurl (--jobs 32) | harness / wrk (target >= 0.5) | harness / boto3 | harness / Hurl |")
print("|---|---|---|---|---|---|---|---|")
for label, h, w, b, u in (("nginx, fixed answer", hn, wn, bn, un), ("proton-conform emulator", he, we, be, ue)):
    u_rate, u_ratio = hurl(h, u)
    print(f"| {label} | {h:,.0f} req/s | {w:,.0f} req/s | {b:,.0f} req/s | {u_rate} | {h / w:.2f} | {h / b:.1f}x | {u_ratio} |")
PY
