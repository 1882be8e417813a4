#!/usr/bin/env bash
# Builds the SessionKit AAR: libsessionkit_ffi.so for arm64-v8a, armeabi-v7a and x86_64
# (cargo ndk, 16 KB page alignment), the generated Kotlin bindings, the Kotlin wrapper.
#
#   scripts/build-android.sh            -> android/sessionkit/build/outputs/aar/sessionkit-release.aar
#
# Needs the Android SDK (ANDROID_HOME or ANDROID_SDK_ROOT) with an NDK (ANDROID_NDK_HOME or
# $ANDROID_HOME/ndk/<version>; r27 or newer), cargo-ndk, the three Rust Android targets
# (installable with rustup) and Gradle 8.9+ (on PATH, or android/gradlew). It checks all of
# them first and stops with the list of what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()

sdk="${ANDROID_HOME:-${ANDROID_SDK_ROOT:-}}"
if [ -z "$sdk" ] || [ ! -d "$sdk" ]; then
  missing+=("the Android SDK: set ANDROID_HOME (or ANDROID_SDK_ROOT) to its directory")
fi

ndk="${ANDROID_NDK_HOME:-${ANDROID_NDK_ROOT:-}}"
if [ -z "$ndk" ] && [ -n "$sdk" ] && [ -d "$sdk/ndk" ]; then
  ndk="$(find "$sdk/ndk" -mindepth 1 -maxdepth 1 -type d | sort -V | tail -n 1)"
fi
if [ -z "$ndk" ] || [ ! -d "$ndk" ]; then
  missing+=("the Android NDK: install it with sdkmanager \"ndk;27.2.12479018\" or set ANDROID_NDK_HOME")
else
  export ANDROID_NDK_HOME="$ndk"
fi

if ! cargo ndk --version >/dev/null 2>&1; then
  missing+=("cargo-ndk: cargo install cargo-ndk")
fi

android_targets=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)
if command -v rustup >/dev/null; then
  installed="$(rustup target list --installed 2>/dev/null || true)"
  for target in "${android_targets[@]}"; do
    grep -qx "$target" <<<"$installed" || missing+=("the Rust target $target: rustup target add $target")
  done
else
  missing+=("rustup, to add the Rust targets ${android_targets[*]}")
fi

if [ -x android/gradlew ]; then
  gradle=(android/gradlew -p android)
elif command -v gradle >/dev/null; then
  gradle=(gradle -p android)
else
  missing+=("Gradle 8.9 or newer on PATH (or a wrapper in android/gradlew)")
fi

if [ "${#missing[@]}" -gt 0 ]; then
  {
    echo "build-android.sh: cannot build the AAR; missing:"
    printf '  - %s\n' "${missing[@]}"
  } >&2
  exit 1
fi

"${gradle[@]}" :sessionkit:assembleRelease
aar=android/sessionkit/build/outputs/aar/sessionkit-release.aar
echo "AAR: $aar"

# Check the 16 KB alignment of every packaged library (LOAD segments aligned to 2**14).
if command -v unzip >/dev/null; then
  readelf="$(find "$ndk/toolchains/llvm/prebuilt" -name llvm-readelf -type f | head -n 1)"
  if [ -n "$readelf" ]; then
    tmp="$(mktemp -d)"
    unzip -q -o "$aar" 'jni/*' -d "$tmp"
    for so in "$tmp"/jni/*/libsessionkit_ffi.so; do
      if "$readelf" -lW "$so" | awk '/LOAD/ { if ($NF != "0x4000") bad = 1 } END { exit bad }'; then
        echo "16 KB aligned: ${so#"$tmp"/}"
      else
        echo "NOT 16 KB aligned: ${so#"$tmp"/}" >&2
        exit 1
      fi
    done
    rm -rf "$tmp"
  fi
fi
