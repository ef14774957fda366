#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one run, one after the other on an otherwise idle machine,
# into one results file: the machine, the tool versions, then each section's table under the
# command that produced it. Usage: [BEFORE_BIN=path] benches/all.sh [RESULTS_FILE]
# (default benches/results.md); with BEFORE_BIN, a binary built from an older commit, the run
# ends with benches/before_after.sh comparing it with this build. Needs what each script names: wrk, nginx, moto[server], boto3,
# /usr/bin/time, and optionally Hurl.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-benches/results.md}"
cargo build --release --quiet

version() { # command...: its first line of version output, or "not installed"
  "$@" 2>&1 | head -1 || true
}
section() { # title, command...: the command's output under a heading naming it
  local title=$1; shift
  echo "section: $title" >&2
  {
    printf '\n## %s\n\nCommand: `%s`\n\n' "$title" "$*"
    "$@"
  } >> "$OUT"
}

{
  echo "# Benchmark results"
  echo
  echo "One run of \`benches/all.sh\`, started $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)."
  echo
  echo "- machine: $(nproc) CPUs ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/Mem:/ {print $2}') GiB, $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "- rustc: $(version rustc --version)"
  echo "- wrk: $(version wrk -v)"
  echo "- nginx: $(version nginx -v)"
  echo "- moto: $(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null || echo 'not installed')"
  echo "- boto3: $(python3 -c 'import boto3; print(boto3.__version__)' 2>/dev/null || echo 'not installed')"
  echo "- hurl: $(command -v hurl > /dev/null && version hurl --version || echo 'not installed')"
} > "$OUT"

section "Emulator throughput and memory" benches/emulator_throughput.sh 10
section "Suite time, startup and scale" benches/suite.sh
section "Harness overhead against wrk, nginx, boto3 and Hurl" benches/harness_overhead.sh 10 64 500
section "In-process costs" cargo bench --quiet --bench in_process
section "The fuzzer: cases to failure per fault switch" \
  cargo test --quiet --test fuzz every_contract_switch -- --nocapture
section "The CI regression guard" benches/guard.sh
if [ -n "${BEFORE_BIN:-}" ]; then
  section "Before/after: $(basename "$BEFORE_BIN") against this build" \
    benches/before_after.sh "$BEFORE_BIN" target/release/proton-conform
fi
echo "wrote $OUT" >&2
