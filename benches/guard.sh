#!/usr/bin/env bash
# The CI regression guard: each whole-process measure, best of three, must stay under three
# times its baseline (recorded on the 2-core machine of BENCHMARKS.md). It catches gross
# regressions (an accidental quadratic, a per-request reload), never noise.
# Usage: benches/guard.sh (after `cargo build --release`)
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
BIN=$PWD/target/release/proton-conform
FACTOR=3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

small_scenarios "$WORK/s1000" 1000

failed=0
guard() { # label, baseline seconds, command...
  local label=$1 baseline=$2 best limit ratio
  shift 2
  best=$(best_seconds "$@")
  limit=$(echo "$baseline * $FACTOR" | bc -l)
  ratio=$(echo "$best / $baseline" | bc -l)
  if [ "$(echo "$best > $limit" | bc -l)" = 1 ]; then
    printf 'REGRESSION %-40s %6.2f s, %.1fx its baseline of %.2f s (limit %dx)\n' "$label" "$best" "$ratio" "$baseline" "$FACTOR"
    failed=1
  else
    printf 'ok         %-40s %6.2f s, %.1fx its baseline of %.2f s\n' "$label" "$best" "$ratio" "$baseline"
  fi
}

guard "the corpus, cold start to reports" 0.26 "$BIN" run --junit "$WORK/j.xml" --html "$WORK/h.html" --results "$WORK/r.json"
guard "1,000 generated scenarios" 0.90 "$BIN" run "$WORK/s1000" --junit "$WORK/k.xml" --html "$WORK/k.html" --results "$WORK/k.json"
guard "fuzz, 256 cases" 2.2 "$BIN" fuzz --cases 256 --seed 1 --counterexamples "$WORK/c"
exit $failed
