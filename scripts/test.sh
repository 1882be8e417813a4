#!/usr/bin/env bash
# Every test this machine can run: formatting, lints (host and phone targets), unit,
# integration, property and doc tests, the printed suites, conformance with Stytch's own SDK,
# the library's size, the Kotlin layer on the JVM and the Swift layer (host tests and the
# getSync benchmarks), and the docs (every README sample compiled, every path checked).
#
#   scripts/test.sh          the default run (what CI runs)
#   scripts/test.sh --full   the long runs: 4,096 cases per property test, 10,000 fault-matrix runs,
#                            10 concurrency rounds of 2,000 tasks, 20,000 schedules per model-check
#                            strategy, 200,000 cases per fuzz target (release build), 200 crashes
#                            per point, 60 s of cross-process deadlines and 500 sign-out cycles,
#                            then 10^7 executions per cargo-fuzz target (scripts/fuzz.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

full=0
for arg in "$@"; do
  case "$arg" in
    --full) full=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

if [ "$full" = 1 ]; then
  export PROPTEST_CASES="${PROPTEST_CASES:-4096}"
  export SESSIONKIT_FAULT_MATRIX_RUNS="${SESSIONKIT_FAULT_MATRIX_RUNS:-10000}"
  export SESSIONKIT_CONCURRENCY_TASKS="${SESSIONKIT_CONCURRENCY_TASKS:-2000}"
  export SESSIONKIT_CONCURRENCY_ROUNDS="${SESSIONKIT_CONCURRENCY_ROUNDS:-10}"
  export SESSIONKIT_MODEL_ITERATIONS="${SESSIONKIT_MODEL_ITERATIONS:-20000}"
  export SESSIONKIT_FUZZ_CASES="${SESSIONKIT_FUZZ_CASES:-200000}"
  export SESSIONKIT_CRASH_RUNS="${SESSIONKIT_CRASH_RUNS:-200}"
  export SESSIONKIT_CROSS_PROCESS_SECONDS="${SESSIONKIT_CROSS_PROCESS_SECONDS:-60}"
  export SESSIONKIT_CROSS_PROCESS_CYCLES="${SESSIONKIT_CROSS_PROCESS_CYCLES:-500}"
else
  export SESSIONKIT_MODEL_ITERATIONS="${SESSIONKIT_MODEL_ITERATIONS:-500}"
fi

# The Keystore store's tests start a JVM in the test process: they need a JDK (javac, libjvm).
# kotlin-tests.sh installs the rest of what it needs (kotlinc, JNA) itself.
ensure_jdk

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings (every feature set that ships or is tested)"
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo clippy --locked -p sessionkit-ffi --all-targets --features cli,jvm -- -D warnings
cargo clippy --locked -p sessionkit --all-targets --features uniffi,android-keystore -- -D warnings
cargo clippy --locked -p sessionkit --features model-check --lib --tests -- -D warnings

step "cross-check: the library crates checked and linted for iOS and Android (-Zbuild-std)"
# Debian's Rust builds std for each phone target from source; cached outside the repository,
# a warm run takes seconds (README, "What is verified where").
bash scripts/cross-check.sh

step "cargo test (unit, integration, property and doc tests)"
# The fuzz targets (named fuzz_*), the crash simulation and the printed suites run below.
cargo test --locked --workspace -- --skip fault_matrix --skip concurrency_suite --skip fuzz_ \
  --skip p2_a_crash_at_any_point --skip clock_skew --skip c1_c2_c3_processes \
  --skip hostile_server

# Starts a desktop JVM in the test process: the JDK is found through JAVA_HOME, else the java
# and javac on PATH (JDK 17 or later; libjvm is loaded by absolute path, so no LD_LIBRARY_PATH).
step "Android Keystore store on a desktop JVM (SPEC P4, E4, E5)"
cargo test --locked -p sessionkit --features android-keystore --lib --test storage android_keystore

step "fuzz: hostile responses, JWTs, envelopes and session files (printed)"
if [ "$full" = 1 ]; then
  cargo test --locked -p sessionkit --release --test wire fuzz_ -- --nocapture
else
  cargo test --locked -p sessionkit --test wire fuzz_ -- --nocapture
fi

if [ "$full" = 1 ]; then
  step "cargo fuzz: coverage-guided runs of the same targets, libFuzzer (printed)"
  # To depth: 10^7 executions per target (issue 26), with a day as the time bound.
  SESSIONKIT_FUZZ_RUNS="${SESSIONKIT_FUZZ_RUNS:-10000000}" \
    scripts/fuzz.sh "${SESSIONKIT_CARGO_FUZZ_SECONDS:-86400}"
fi

step "crash simulation: a child process killed at every point of a refresh (printed)"
cargo test --locked -p sessionkit --test storage p2_a_crash_at_any_point -- --nocapture

step "cross-process: 4 processes over one store against the sandbox (C1-C3, printed)"
cargo test --locked -p sessionkit --test processes c1_c2_c3_processes -- --nocapture

step "fault matrix: every sandbox fault against every server operation (printed)"
cargo test --locked -p sessionkit --test under_fire fault_matrix -- --nocapture

step "hostile server: every hostile mode against every server operation (V1-V8, printed)"
cargo test --locked -p sessionkit --test under_fire hostile_server -- --nocapture

step "concurrency suite: 1,000 random tasks against the sandbox, invariants counted (printed)"
cargo test --locked -p sessionkit --test under_fire concurrency_suite -- --nocapture

step "clock skew: devices off by minutes to days, refresh and expiry on server time (R5, printed)"
cargo test --locked -p sessionkit --test scheduler clock_skew -- --nocapture

step "model check: shuttle (DFS, PCT, random) over the engine's own locks and tasks (printed)"
cargo test --locked -p sessionkit --features model-check --lib model_check -- --nocapture

step "Stytch conformance: the sandbox and SessionKit against Stytch's official Python SDK"
bash scripts/stytch-conformance.sh

step "library size: the stripped release cdylib against its budget"
bash scripts/size-report.sh

step "Kotlin: generated bindings and the SessionKit wrapper on the JVM against the sandbox; getSync benchmark"
bash scripts/kotlin-tests.sh

step "Swift: generated bindings and the SessionKit package against the sandbox; getSync benchmark"
bash scripts/swift-tests.sh --if-available

step "docs: every README sample compiled in its language, every repository path named exists (D1, printed)"
bash scripts/docs-samples.sh
