#!/usr/bin/env bash
# Every test this machine can run: formatting, lints, unit, integration, property and doc tests,
# and the Kotlin layer on the JVM (host tests and the getSync benchmark).
#
#   scripts/test.sh          the default run (what CI runs)
#   scripts/test.sh --full   the long runs: 4,096 cases per property test, 10,000 fault-matrix runs
set -euo pipefail
cd "$(dirname "$0")/.."

full=0
for arg in "$@"; do
  case "$arg" in
    --full) full=1 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

if [ "$full" = 1 ]; then
  export PROPTEST_CASES="${PROPTEST_CASES:-4096}"
  export SESSIONKIT_FAULT_MATRIX_RUNS="${SESSIONKIT_FAULT_MATRIX_RUNS:-10000}"
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p sessionkit-ffi --all-targets --features cli -- -D warnings

step "cargo test (unit, integration, property and doc tests)"
cargo test --workspace -- --skip fault_matrix

step "fault matrix: every sandbox fault against every server operation (printed)"
cargo test -p sessionkit --test fault_matrix -- --nocapture

step "Kotlin: generated bindings and the SessionKit wrapper on the JVM against the sandbox; getSync benchmark"
bash scripts/kotlin-tests.sh
