#!/usr/bin/env bash
# Builds SessionKitFFI.xcframework, the Rust library for the Swift package on Apple platforms:
# static libraries for aarch64-apple-ios (devices), aarch64-apple-ios-sim + x86_64-apple-ios
# (simulators, merged with lipo) and aarch64-apple-darwin + x86_64-apple-darwin (macOS, merged,
# so `swift test` also runs on a Mac), each slice with UniFFI's headers and one module map
# (ios/templates/module.modulemap). Also regenerates the Swift bindings into
# ios/Sources/SessionKitBindings from the macOS build.
#
#   scripts/build-xcframework.sh                  -> ios/build/SessionKitFFI.xcframework
#                                                    (Package.swift's local binary target)
#   scripts/build-xcframework.sh --release URL    also zips it, computes its checksum and
#                                                    writes URL + checksum into Package.swift
#                                                    (upload the zip to URL before tagging)
#
# Needs macOS with Xcode (xcodebuild, lipo, xcrun) and the five Rust targets (rustup). It
# checks them first and stops with one message naming what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

release_url=""
if [ "${1:-}" = "--release" ]; then
  release_url="${2:?--release needs the URL the zip will be published at}"
fi

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
missing=()
[ "$(uname -s)" = "Darwin" ] || missing+=("macOS (this is $(uname -s))")
for tool in xcodebuild lipo xcrun; do
  command -v "$tool" >/dev/null || missing+=("$tool (install Xcode and its command line tools)")
done
if command -v rustup >/dev/null; then
  installed="$(rustup target list --installed 2>/dev/null || true)"
  for target in "${targets[@]}"; do
    grep -qx "$target" <<<"$installed" || missing+=("the Rust target $target (rustup target add $target)")
  done
else
  missing+=("rustup, for the Rust targets ${targets[*]}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  (IFS=';'; echo "build-xcframework: cannot build the XCFramework here; missing:${missing[*]/#/ }") >&2
  exit 1
fi

# shellcheck source=scripts/lib.sh
. scripts/lib.sh
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
build="ios/build"
rm -rf "$build"
mkdir -p "$build"

for target in "${targets[@]}"; do
  echo "  -- cargo build --release --target $target"
  cargo build --locked --release -p sessionkit-ffi --lib --target "$target"
done
lib() { echo "$target_dir/$1/release/libsessionkit_ffi.a"; }

echo "  -- Swift bindings and headers (from the macOS dylib the loop above built)"
cargo build --locked -p sessionkit-ffi --features cli --bin uniffi-bindgen
generated="$build/generated"
"$target_dir/debug/uniffi-bindgen" generate --no-format --language swift \
  --library "$target_dir/aarch64-apple-darwin/release/libsessionkit_ffi.dylib" --out-dir "$generated"
mkdir -p ios/Sources/SessionKitBindings
rm -f ios/Sources/SessionKitBindings/*.swift
cp "$generated"/*.swift ios/Sources/SessionKitBindings/

slice() { # NAME LIBRARY...
  local dir="$build/slices/$1"
  mkdir -p "$dir/Headers"
  if [ $# -gt 2 ]; then lipo -create "${@:2}" -output "$dir/libsessionkit_ffi.a"; else cp "$2" "$dir/"; fi
  cp "$generated"/*.h "$dir/Headers/"
  cp ios/templates/module.modulemap "$dir/Headers/module.modulemap"
}
slice ios "$(lib aarch64-apple-ios)"
slice ios-simulator "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)"
slice macos "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)"

echo "  -- xcodebuild -create-xcframework"
args=()
for name in ios ios-simulator macos; do
  args+=(-library "$build/slices/$name/libsessionkit_ffi.a" -headers "$build/slices/$name/Headers")
done
xcodebuild -create-xcframework "${args[@]}" -output "$build/SessionKitFFI.xcframework"

(cd "$build" && rm -f SessionKitFFI.xcframework.zip && zip -qry SessionKitFFI.xcframework.zip SessionKitFFI.xcframework)
checksum="$(swift package compute-checksum "$build/SessionKitFFI.xcframework.zip")"
echo "  -- $build/SessionKitFFI.xcframework.zip  checksum $checksum"

if [ -n "$release_url" ]; then
  # The one line Package.swift reads; everything else in it stays as written.
  sed -i '' -E "s|^let releasedXCFramework: .*$|let releasedXCFramework: (url: String, checksum: String)? = (url: \"$release_url\", checksum: \"$checksum\")|" Package.swift
  grep -q "$checksum" Package.swift || { echo "build-xcframework: could not write the checksum into Package.swift" >&2; exit 1; }
  echo "  -- Package.swift now points at $release_url; upload the zip there, then commit and tag"
fi
