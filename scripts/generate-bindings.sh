#!/usr/bin/env bash
# Generates the Kotlin and Swift bindings of sessionkit-ffi from the built host library.
#
#   scripts/generate-bindings.sh [OUT_DIR [LANGUAGE...]]    (default: build/bindings kotlin swift)
#
# Writes OUT_DIR/kotlin/dev/sessionkit/{sessionkit.kt, ffi/sessionkit_ffi.kt} and
# OUT_DIR/swift/{sessionkit.swift, sessionkit_ffi.swift, *.h, *.modulemap}. Generated code is
# not committed: it always matches the library it was generated from. Kotlin comes from the
# host library built as Android builds it (with the JNI entry and the Keystore store: feature
# `jvm`), Swift from the host library as Apple builds it (no JNI).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
out="${1:-build/bindings}"
shift || true
languages=("$@")
[ ${#languages[@]} -gt 0 ] || languages=(kotlin swift)
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"

so="$target_dir/debug/libsessionkit_ffi.so"
generate() { # LANGUAGE FEATURES
  cargo build --locked --quiet -p sessionkit-ffi --features "$2"
  rm -rf "${out:?}/$1"
  "$target_dir/debug/uniffi-bindgen" generate --no-format --library "$so" \
    --language "$1" --out-dir "$out/$1"
}
for language in "${languages[@]}"; do
  case "$language" in
    kotlin) generate kotlin cli,jvm ;;
    swift) generate swift cli ;;
    *) echo "unknown language: $language (kotlin or swift)" >&2; exit 2 ;;
  esac
done
find "$out" -type f | sort
