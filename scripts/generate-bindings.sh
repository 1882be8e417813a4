#!/usr/bin/env bash
# Generates the Kotlin and Swift bindings of sessionkit-ffi from the built host library.
#
#   scripts/generate-bindings.sh [OUT_DIR]    (default: build/bindings)
#
# Writes OUT_DIR/kotlin/dev/sessionkit/sessionkit_ffi.kt and OUT_DIR/swift/{SessionKit.swift,
# SessionKitFFI.h, SessionKitFFI.modulemap}. Generated code is not committed: it always
# matches the library it was generated from. The interface is the same for every target, so
# the host library serves for the Android and iOS builds too.
set -euo pipefail
cd "$(dirname "$0")/.."
# Without the crate and npm registries the offline bundle beside the checkout stands in for
# them (see ../shared/offline/README.md); sourcing it again is harmless.
# shellcheck source=/dev/null
[ -f ../shared/offline/activate.sh ] && SESSIONKIT_ROOT="$PWD" . ../shared/offline/activate.sh
out="${1:-build/bindings}"
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"

cargo build --locked --quiet -p sessionkit-ffi --features cli
so="$target_dir/debug/libsessionkit_ffi.so"
for language in kotlin swift; do
  rm -rf "$out/$language"
  "$target_dir/debug/uniffi-bindgen" generate --no-format --library "$so" \
    --language "$language" --out-dir "$out/$language"
done
find "$out" -type f | sort
