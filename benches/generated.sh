#!/usr/bin/env bash
# Wall time of each pack's generated suite (generated/<service>/) against the generic reference
# (embedded) and against moto's server, best of three, release build.
# Needs `pip install "moto[server]==5.2.1"`. Run from the checkout's root.
set -euo pipefail
cargo build --release -q
bin=target/release/proton-conform
port=5124
moto_server -p "$port" >/dev/null 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null' EXIT
sleep 3
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
out=$(mktemp -d)
best() {
  local best=999
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N)
    "$@" --junit "$out/j.xml" --html "$out/i.html" --results "$out/r.json" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    best=$(echo "d = $end - $start; if (d < $best) d else $best" | bc)
  done
  printf '%.3f' "$best"
}
echo "| pack | scenarios | reference (s) | moto (s) | moto / reference |"
echo "|---|---|---|---|---|"
for service in dynamodb ecs secretsmanager acm efs; do
  n=$(ls "generated/$service" | wc -l)
  ref=$(best "$bin" --service "$service" run "generated/$service")
  mot=$(best "$bin" --service "$service" run "generated/$service" --endpoint "http://127.0.0.1:$port" --sign)
  echo "| $service | $n | $ref | $mot | $(echo "scale=1; $mot / $ref" | bc) |"
done
