# Shared by the bench scripts (sourced): generated scenario sets and whole-process timing.

# small_scenarios DIR N: N copies of a 3-call scenario of the corpus.
small_scenarios() {
  mkdir -p "$1"
  for i in $(seq 1 "$2"); do
    cp scenarios/environment-template/ic1-retry-of-an-unmodified-template.yaml "$1/s$i.yaml"
  done
}

# heavy_scenarios DIR FILES STEPS: FILES copies of one scenario of STEPS GetEnvironmentTemplate
# calls, each with a `paths` expectation (against a template named `bench`).
heavy_scenarios() {
  mkdir -p "$1"
  {
    printf 'name: reads\ncontract: [G2]\noperations: [GetEnvironmentTemplate]\nsteps:\n'
    for _ in $(seq 1 "$3"); do
      printf '  - call: GetEnvironmentTemplate\n    params: { name: bench }\n    expect: { paths: { environmentTemplate.name: bench } }\n'
    done
  } > "$1/s1.yaml"
  for i in $(seq 2 "$2"); do cp "$1/s1.yaml" "$1/s$i.yaml"; done
}

# best_seconds COMMAND...: wall seconds of the fastest of three runs; a failed run ends the script.
best_seconds() {
  local best="" start end took
  for _ in 1 2 3; do
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    end=$(date +%s.%N)
    took=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$took < $best" | bc -l)" = 1 ]; then best=$took; fi
  done
  echo "$best"
}
