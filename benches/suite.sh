#!/usr/bin/env bash
# Suite time, startup and scale of the harness on the embedded emulator (see BENCHMARKS.md).
# Needs /usr/bin/time (apt-get install time). Usage: benches/suite.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
cargo build --release --quiet
BIN=$PWD/target/release/proton-conform
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

measure() { # label, command...: wall seconds and peak RSS (MiB) of one run
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/t" "$@" > /dev/null 2>&1 || true
  read -r wall kib < <(tail -n 1 "$WORK/t")
  printf '| %s | %.2f s | %.1f MiB |\n' "$label" "$wall" "$(echo "$kib / 1024" | bc -l)"
}

echo "| what | wall | peak RSS |"
echo "|---|---|---|"
measure "startup: lint one scenario (model load)" "$BIN" lint scenarios/environment-template/ic1-retry-of-an-unmodified-template.yaml
measure "startup: list the corpus (parse and lint 75 files)" "$BIN" list
for i in 1 2 3; do
  measure "full corpus, cold start to JUnit written (run $i)" "$BIN" run --junit "$WORK/j.xml" --html "$WORK/h.html"
done
for n in 100 1000 10000; do
  small_scenarios "$WORK/s$n" "$n"
  measure "$n generated scenarios (3 calls each)" "$BIN" run "$WORK/s$n" --junit "$WORK/j$n.xml" --html "$WORK/h$n.html"
done
