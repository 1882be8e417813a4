#!/usr/bin/env bash
# Type-checks (and lints) the library crates for the phone targets, from source, on this Linux
# machine: the code behind `target_vendor = "apple"` and `target_os = "android"` (the Keychain
# store, the JNI entry, the platform log layers) is compiled on every run, not first on a Mac
# or in an Android build.
#
#   scripts/cross-check.sh            check + clippy -D warnings, all four targets
#   scripts/cross-check.sh TARGET...  only these targets
#
# How (../shared/notes/cross-check.md): Debian's current Rust (rustc-web, cargo-web,
# rust-web-src, rust-web-clippy) carries std's sources with std's own dependencies vendored;
# with RUSTC_BOOTSTRAP=1 its cargo builds std for a target from source (-Zbuild-std), and
# `cargo check` needs no linker and no SDK. Offline, one directory serves both std's crates
# and the offline bundle's. ring's C is compiled with the clang of the Swift toolchain, with
# ring's own switch for building without libc headers. Nothing phone-side links here.
#
# Everything it builds (std included) is cached outside the repository, under
# ${XDG_CACHE_HOME:-$HOME/.cache}/sessionkit-cross, as the offline bundle's crates are: a warm
# run takes seconds. Prints `cross-check: N targets, E errors, W warnings` and fails on any.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(aarch64-apple-ios aarch64-apple-ios-sim aarch64-linux-android armv7-linux-androideabi)

cache="${XDG_CACHE_HOME:-$HOME/.cache}/sessionkit-cross"
mkdir -p "$cache"

# ----- tools: Debian's Rust with std's sources and clippy, and a C compiler for ring -----
if [ ! -x /usr/bin/cargo ] || [ ! -d /usr/lib/rustlib/src/rust/library/vendor ] || [ ! -x /usr/bin/cargo-clippy ]; then
  apt_install rustc-web cargo-web rust-web-src rust-web-clippy
fi
toolchain="sessionkit-debian"
if ! rustup toolchain list 2>/dev/null | grep -q "^$toolchain"; then
  rustup toolchain link "$toolchain" /usr >/dev/null
fi
clang=""
for candidate in "${SWIFT_TOOLCHAIN:+$SWIFT_TOOLCHAIN/usr/bin/clang}" /opt/swift/usr/bin/clang "$(command -v clang || true)"; do
  [ -n "$candidate" ] && [ -x "$candidate" ] && { clang="$candidate"; break; }
done
if [ -z "$clang" ]; then
  apt_install clang llvm
  clang="$(command -v clang)"
fi
llvm_ar="$(dirname "$clang")/llvm-ar"
[ -x "$llvm_ar" ] || llvm_ar="$(command -v llvm-ar || true)"
[ -n "$llvm_ar" ] || { apt_install llvm; llvm_ar="$(command -v llvm-ar)"; }

# ----- crates: std's vendored dependencies and the offline bundle's, in one directory -----
std_vendor=/usr/lib/rustlib/src/rust/library/vendor
bundle_vendor="${SESSIONKIT_OFFLINE_VENDOR:-}"
merged="$cache/vendor"
stamp="$(ls "$std_vendor" "${bundle_vendor:-/dev/null}" 2>/dev/null | sha256sum | cut -c1-16)"
if [ "$(cat "$merged/.stamp" 2>/dev/null || true)" != "$stamp" ]; then
  rm -rf "$merged"
  mkdir -p "$merged"
  # std's own first: where both have a crate, the bundle's may be an empty stub.
  for dir in "$std_vendor"/* ${bundle_vendor:+"$bundle_vendor"/*}; do
    name="$(basename "$dir")"
    [ -e "$merged/$name" ] || ln -s "$dir" "$merged/$name"
  done
  echo "$stamp" >"$merged/.stamp"
fi
home="$cache/cargo-home"
mkdir -p "$home"
printf '%s\n' '[source.crates-io]' 'replace-with = "sessionkit-cross"' '' \
  '[source.sessionkit-cross]' "directory = \"$merged\"" '' '[net]' 'offline = true' >"$home/config.toml"

# ----- per target: what ring's C needs, and the features the platform builds with -----
sdk="$cache/sdk"
mkdir -p "$sdk/ios" "$sdk/ios-sim" "$cache/empty-sysroot"
write_target_conditionals() { # DIR SIMULATOR(0/1)
  cat >"$1/TargetConditionals.h" <<EOF
/* The few TARGET_OS_* macros ring's C reads, standing in for the iOS SDK's header. */
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 0
#define TARGET_OS_IPHONE 1
#define TARGET_OS_IOS 1
#define TARGET_OS_TV 0
#define TARGET_OS_WATCH 0
#define TARGET_OS_VISION 0
#define TARGET_OS_SIMULATOR $2
#define TARGET_IPHONE_SIMULATOR $2
EOF
}
write_target_conditionals "$sdk/ios" 0
write_target_conditionals "$sdk/ios-sim" 1
# tracing-oslog's C shim includes <os/log.h> and <os/activity.h>: declarations enough to
# type-check it (nothing links here).
for dir in "$sdk/ios" "$sdk/ios-sim"; do
  mkdir -p "$dir/os"
  printf '%s\n' \
    '/* Type-checking stand-in for the iOS SDK header (scripts/cross-check.sh). */' \
    'typedef struct os_log_s *os_log_t;' \
    'typedef unsigned char os_log_type_t;' \
    '#define OS_LOG_DEFAULT ((os_log_t)0)' \
    '#define os_log_with_type(log, type, format, ...) ((void)(log), (void)(type), (void)(format))' \
    >"$dir/os/log.h"
  printf '%s\n' '/* Type-checking stand-in for the iOS SDK header (scripts/cross-check.sh). */' \
    >"$dir/os/activity.h"
done

target_env() { # TARGET: the environment for ring's build script
  local t="$1" var="${1//-/_}"
  local cflags="-DRING_CORE_NOSTDLIBINC=1"
  case "$t" in
    *-apple-ios-sim) export SDKROOT="$sdk/ios-sim"; cflags="$cflags -isystem $sdk/ios-sim" ;;
    *-apple-ios) export SDKROOT="$sdk/ios"; cflags="$cflags -isystem $sdk/ios" ;;
    *-android*) cflags="$cflags --sysroot=$cache/empty-sysroot" ;;
  esac
  # The NDK's clang would name armv7-a itself; this clang, given only "arm", assumes an older
  # core without Thumb-2, which ring's assembly needs.
  case "$t" in armv7-*) cflags="$cflags -march=armv7-a -mthumb -mfpu=neon -mfloat-abi=softfp" ;; esac
  export "CC_$var=$clang" "AR_$var=$llvm_ar" "CFLAGS_$var=$cflags"
}

packages() { # TARGET: the crates and features as that platform's build has them
  case "$1" in
    *-apple-*) echo "-p sessionkit --features sessionkit/uniffi -p sessionkit-ffi" ;;
    *-android*) echo "-p sessionkit --features sessionkit/uniffi,sessionkit/android-keystore -p sessionkit-ffi" ;;
  esac
}

log="$cache/last-run.log"
: >"$log"
started=$(date +%s)
for target in "${targets[@]}"; do
  for tool in check clippy; do
    extra=()
    [ "$tool" = clippy ] && extra=(-- -D warnings)
    say "$tool $target"
    echo "== $tool $target" >>"$log"
    # shellcheck disable=SC2046
    if ! (target_env "$target"
      CARGO_HOME="$home" RUSTC_BOOTSTRAP=1 RUSTUP_TOOLCHAIN="$toolchain" \
        CARGO_TARGET_DIR="$cache/target" \
        cargo "$tool" --locked --quiet -Zbuild-std=std,panic_unwind --target "$target" \
        $(packages "$target") --message-format short "${extra[@]}") >>"$log" 2>&1; then
      true
    fi
  done
done
# Each diagnostic once (check and clippy report the compiler's own twice).
count() { # KIND: distinct diagnostics of that kind in the log
  awk -v kind="$1" '$0 ~ ("^[^ ]+: " kind "|^" kind "(\\[|:)") && $0 !~ /could not compile|aborting due to|generated [0-9]+ warning/' \
    "$log" | sort -u | wc -l
}
errors=$(count error)
warnings=$(count warning)
if [ "$errors" != 0 ] || [ "$warnings" != 0 ]; then
  awk '/error|warning/' "$log" | sort -u | head -40 >&2
fi
echo "cross-check: ${#targets[@]} targets, $errors errors, $warnings warnings ($(( $(date +%s) - started )) s; check and clippy -D warnings)"
[ "$errors" = 0 ] && [ "$warnings" = 0 ]
