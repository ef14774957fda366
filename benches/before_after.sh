#!/usr/bin/env bash
# Before/after of a change to the harness's hot path, both binaries in one run: wall time
# (hyperfine, mean of 5 after a warm-up) and peak RSS (/usr/bin/time) on the two workloads the
# profile named: checking step-heavy files (64 files of 500 calls) and running 10,000 small
# scenarios on the embedded emulator. Needs hyperfine (apt-get install hyperfine).
# Usage: benches/before_after.sh BEFORE_BINARY AFTER_BINARY
# (build the before binary from an older commit, e.g. with git worktree and its own target dir).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
BEFORE=$1
AFTER=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

heavy_scenarios "$WORK/heavy" 64 500
small_scenarios "$WORK/small" 10000

seconds() { # command...: mean wall seconds
  hyperfine --warmup 1 --runs 5 -N --export-json "$WORK/h.json" "$*" > /dev/null 2>&1
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' "$WORK/h.json"
}
peak_mib() { # command...: peak RSS in MiB of one run
  /usr/bin/time -f "%M" -o "$WORK/t" "$@" > /dev/null 2>&1 || true
  echo "$(tail -n 1 "$WORK/t") / 1024" | bc -l
}
row() { # label, args...: one table row, before and after
  local label=$1; shift
  local tb ta mb ma
  tb=$(seconds "$BEFORE" "$@"); ta=$(seconds "$AFTER" "$@")
  mb=$(peak_mib "$BEFORE" "$@"); ma=$(peak_mib "$AFTER" "$@")
  printf '| %s | %.2f s, %.0f MiB | %.2f s, %.0f MiB | %.2fx faster, %.2fx the memory |\n' \
    "$label" "$tb" "$mb" "$ta" "$ma" "$(echo "$tb / $ta" | bc -l)" "$(echo "$ma / $mb" | bc -l)"
}

echo "| workload | before | after | change |"
echo "|---|---|---|---|"
row "lint 64 files of 500 calls (3.8 MB of YAML)" lint "$WORK/heavy"
row "list 10,000 small scenarios (every one kept parsed)" list "$WORK/small"
row "run 10,000 small scenarios, reports written" run "$WORK/small" --junit "$WORK/j.xml" --html "$WORK/h.html"
