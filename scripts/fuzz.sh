#!/usr/bin/env bash
# Coverage-guided fuzzing of everything SessionKit reads from outside (SPEC E6: no panic), with
# cargo-fuzz and libFuzzer on the project's stable toolchain (RUSTC_BOOTSTRAP=1 lets cargo-fuzz
# pass its nightly-only sanitizer flags).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   default: 60 s each, every target
#
# Targets live in core/fuzz/fuzz_targets/. Each run starts from the committed seeds
# (core/fuzz/corpus/<target>/) plus what earlier runs found (core/fuzz/target/corpus/<target>/,
# not committed) and prints `cargo fuzz <target>: N executions in S s, findings: 0`. A crash,
# a failed property, a timeout (10 s per input) or an out-of-memory is a finding: the script
# prints libFuzzer's report, with the artifact path to reproduce it
# (`RUSTC_BOOTSTRAP=1 cargo fuzz run --debug-assertions <target> <artifact>` in core/), and
# exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/../core"
# shellcheck source=scripts/lib.sh
. ../scripts/lib.sh

seconds="${1:-60}"
shift || true
case "$seconds" in
  ''|*[!0-9]*) echo "SECONDS_PER_TARGET must be a whole number, not '$seconds'" >&2; exit 2 ;;
esac
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(response_parser jwt_reader jwt_verifier envelope_decoder session_file)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
# cargo-fuzz has no --locked of its own: check fuzz/Cargo.lock first, so the build below uses
# exactly the locked crates (and fails rather than resolve anew).
cargo fetch --locked --manifest-path fuzz/Cargo.toml
# Builds into core/fuzz/target, apart from the workspace's target dir. Debug assertions on:
# integer overflow is a finding too.
cargo fuzz build --debug-assertions

dict_for() {
  case "$1" in
    response_parser|envelope_decoder) echo "fuzz/dict/stytch.dict" ;;
    jwt_reader|jwt_verifier) echo "fuzz/dict/jwt.dict" ;;
  esac
}

mkdir -p fuzz/target/logs
failed=0
for target in "${targets[@]}"; do
  grown="fuzz/target/corpus/$target"
  log="fuzz/target/logs/$target.log"
  mkdir -p "$grown"
  args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10)
  # SESSIONKIT_FUZZ_RUNS=N stops each target after N executions (or the time, if sooner).
  [ -n "${SESSIONKIT_FUZZ_RUNS:-}" ] && args+=(-runs="$SESSIONKIT_FUZZ_RUNS")
  dict="$(dict_for "$target")"
  [ -n "$dict" ] && args+=(-dict="$dict")
  started=$(date +%s)
  status=0
  cargo fuzz run --debug-assertions "$target" "$grown" "fuzz/corpus/$target" -- "${args[@]}" \
    >"$log" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - started ))
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  # libFuzzer's last status line: edge coverage, features, and the corpus it keeps.
  coverage=$(grep -E '^#[0-9]+' "$log" | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' | tail -n 1 || true)
  files=$(find "$grown" -type f | wc -l)
  if [ "$status" = 0 ]; then
    echo "cargo fuzz $target: ${executions:-?} executions in $elapsed s, findings: 0"
    echo "  ${coverage:-cov: ?}; $files files in core/$grown"
  else
    failed=1
    echo "cargo fuzz $target: ${executions:-?} executions in $elapsed s, findings: 1 (exit $status)"
    grep -E 'panicked at|^==[0-9]+== ?ERROR|SUMMARY|Test unit written to|ERROR: libFuzzer' "$log" || tail -n 40 "$log"
    echo "  full log: core/$log"
  fi
done
exit "$failed"
