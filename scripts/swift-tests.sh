#!/usr/bin/env bash
# The Swift package on this machine (Linux): builds the Rust library for the host, generates
# the Swift bindings into the package, then runs the package's tests (XCTest and Swift
# Testing, against a sessionkit-sandbox process) and the getSync benchmark.
#
#   scripts/swift-tests.sh            build, test, benchmark
#   scripts/swift-tests.sh --if-available   the same, or one line and success when no Swift
#                                     toolchain is found (what scripts/test.sh runs)
#   scripts/swift-tests.sh --build    only build the library and generate the bindings, so
#                                     that `swift build` / `swift test` work by hand:
#       swift test -Xlinker -L"$PWD/target/debug"  (with LD_LIBRARY_PATH=$PWD/target/debug)
#
# On Linux the package's FFI target is a system library over target/debug (Package.swift);
# on Apple platforms it is the XCFramework of scripts/build-xcframework.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
lib_dir="$target_dir/debug"

# The toolchain: on the PATH, or where swift.org's Linux tarball and the Swift docker images
# put it (a CI shell's PATH often lacks it), or $SWIFT_TOOLCHAIN/usr/bin.
if ! command -v swift >/dev/null; then
  for dir in "${SWIFT_TOOLCHAIN:+$SWIFT_TOOLCHAIN/usr/bin}" /opt/swift/usr/bin /usr/share/swift/usr/bin "$HOME/.swiftly/bin"; do
    [ -n "$dir" ] && [ -x "$dir/swift" ] && { export PATH="$dir:$PATH"; break; }
  done
fi
if ! command -v swift >/dev/null; then
  message="no Swift toolchain (not on the PATH, not in /opt/swift or /usr/share/swift; set SWIFT_TOOLCHAIN); install Swift 6 from swift.org to run the Swift package's tests"
  # scripts/test.sh passes --if-available: one line, and the run goes on without Swift.
  [ "${1:-}" = "--if-available" ] && { say "Swift skipped: $message"; exit 0; }
  echo "swift-tests: $message" >&2
  exit 1
fi
[ "${1:-}" = "--if-available" ] && shift

say "cargo build -p sessionkit-sandbox; generate the Swift bindings (builds sessionkit-ffi)"
cargo build --locked --quiet -p sessionkit-sandbox --bin sessionkit-sandbox
generated="$target_dir/swift-bindings"
bash scripts/generate-bindings.sh "$generated" swift >/dev/null
# Copied only where they changed: a new timestamp on unchanged bindings would make SwiftPM
# rebuild the bindings target and everything above it, in debug and again in release.
sync_generated() { # PATTERN DESTINATION
  mkdir -p "$2"
  local file
  for file in "$2"/$1; do
    [ -e "$file" ] && [ ! -e "$generated/swift/$(basename "$file")" ] && rm -f "$file"
  done
  for file in "$generated"/swift/$1; do
    cmp -s "$file" "$2/$(basename "$file")" || cp "$file" "$2/"
  done
}
sync_generated '*.h' ios/Sources/SessionKitFFI
sync_generated '*.swift' ios/Sources/SessionKitBindings
[ "${1:-}" = "--build" ] && { say "bindings in ios/Sources; library in $lib_dir"; exit 0; }

export LD_LIBRARY_PATH="$lib_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export SESSIONKIT_SANDBOX="$target_dir/debug/sessionkit-sandbox"
link=(-Xlinker "-L$lib_dir")

say "swift build (the wrapper in Swift 6 language mode, strict concurrency; warnings are errors)"
swift build "${link[@]}" --build-tests -Xswiftc -warnings-as-errors 2>&1 | { grep -v "^\[" || true; }

say "swift test (XCTest and Swift Testing, against a sessionkit-sandbox process)"
# Failures, suites and summaries; each passing test's own lines are left out.
# SSL_CERT_FILE: the HTTPS sandbox's test CA, trusted by the native library's TLS in the test
# process only (V7 tests; rustls-native-certs reads it instead of the system store).
SSL_CERT_FILE="$PWD/tests/sandbox/keys/tls-ca-cert.pem" swift test "${link[@]}" --skip-build 2>&1 \
  | grep -vE "^\[[0-9]+/[0-9]+\]|^Test Case .*' (started|passed)|^◇ Test|^✔ Test [a-z0-9_]+\(|^Building|^Build complete" \
  || { echo "swift test failed" >&2; exit 1; }

say "benchmark: Swift getSync from the Swift-side cache vs over the FFI (release Swift, debug Rust library)"
swift build -c release "${link[@]}" --product SessionKitBenchmarks 2>&1 | grep -E "error|warning" || true
"$(swift build -c release "${link[@]}" --show-bin-path)/SessionKitBenchmarks"
