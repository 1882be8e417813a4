#!/usr/bin/env bash
# The JVM host tests of the Kotlin layer: builds libsessionkit_ffi and the sandbox for the
# host, generates the Kotlin bindings, compiles them with the wrapper and the tests, runs the
# tests against a sandbox process, then the getSync benchmark.
#
#   scripts/kotlin-tests.sh              tests, then the benchmark
#   scripts/kotlin-tests.sh NAME...      only the named tests, no benchmark
#
# The tests are JUnit 4 classes (so Gradle's `test` task finds them too); TestRunner runs them
# here with one line per test and a closing "N passed, M failed" line.
#
# Installs what it needs when missing: the npm package kotlin-compiler (kotlinc, the Kotlin
# stdlib, kotlin-test and kotlinx-coroutines) into .tools/ (the offline bundle provides it),
# and Debian's libjna-java and junit4.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
root="$PWD"

KOTLIN_COMPILER_VERSION="2.4.20"
tools="$root/.tools"
kotlin_home="$tools/node_modules/kotlin-compiler"
jna_jar="/usr/share/java/jna.jar"
# The optional OkHttp module (android/sessionkit-okhttp) is compiled and tested against
# Debian's OkHttp 3.13 and its Okio 1.x.
okhttp_cp="/usr/share/java/okhttp.jar:/usr/share/java/okio.jar"
junit_jar="/usr/share/java/junit4.jar"
hamcrest_jar="/usr/share/java/hamcrest-core.jar"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
build="$root/build/kotlin"

# ----- tools -----
ensure_jdk
if [ ! -x "$kotlin_home/bin/kotlinc" ]; then
  command -v npm >/dev/null || apt_install npm
  say "npm install kotlin-compiler@$KOTLIN_COMPILER_VERSION into .tools/"
  if ! npm install --silent --no-audit --no-fund --prefix "$tools" "kotlin-compiler@$KOTLIN_COMPILER_VERSION"; then
    say "kotlinc $KOTLIN_COMPILER_VERSION is missing: npm could not install it and ../shared/offline has no kotlin-compiler-$KOTLIN_COMPILER_VERSION.tar.* to unpack"
    exit 1
  fi
fi
[ -f "$jna_jar" ] || apt_install libjna-java
[ -f "$junit_jar" ] && [ -f "$hamcrest_jar" ] || apt_install junit4
[ -f /usr/share/java/okhttp.jar ] && [ -f /usr/share/java/okio.jar ] || apt_install libokhttp-java

lib="$kotlin_home/lib"
compile_cp="$lib/kotlinx-coroutines-core-jvm.jar:$lib/kotlin-test.jar:$jna_jar:$junit_jar:$hamcrest_jar:$okhttp_cp"
run_cp="$lib/kotlin-stdlib.jar:$compile_cp"

# ----- native library, bindings generator and sandbox, for the host -----
say "cargo build -p sessionkit-sandbox"
cargo build --locked --quiet -p sessionkit-sandbox --bin sessionkit-sandbox
so="$target_dir/debug/libsessionkit_ffi.so"
sandbox="$target_dir/debug/sessionkit-sandbox"

say "generate the Kotlin bindings into build/kotlin/generated (builds libsessionkit_ffi.so with JNI)"
rm -rf "$build"
mkdir -p "$build"
bash scripts/generate-bindings.sh "$build" kotlin >/dev/null
mv "$build/kotlin" "$build/generated"

# ----- the software stand-in for AndroidKeyStore (shared with the core's JVM tests) -----
java_test_src="core/tests/storage/android_keystore/java"
# ... and the OkHttp module's Java shim, which its Kotlin code calls.
mapfile -t java_sources < <(find "$java_test_src" android/sessionkit-okhttp/src/main/java -name '*.java')
javac -nowarn -cp "$okhttp_cp" -d "$build/java-classes" "${java_sources[@]}"
compile_cp="$build/java-classes:$compile_cp"
run_cp="$build/java-classes:$run_cp"

# ----- compile: generated bindings + wrapper + tests, then the Java callers. The hostTest
# source set holds a stand-in android.content.Context (so the Android entry points compile
# and run here) and the tests that need it; Gradle's unit tests never see it.
main_src="android/sessionkit/src/main/kotlin"
test_src="android/sessionkit/src/test/kotlin"
host_src="android/sessionkit/src/hostTest"
okhttp_src="android/sessionkit-okhttp/src"
mapfile -t sources < <(find "$build/generated" "$main_src" "$test_src" "$host_src/kotlin" \
  "$okhttp_src/main/kotlin" "$okhttp_src/test/kotlin" -name '*.kt')
mapfile -t java_tests < <(find "$host_src/java" -name '*.java')
say "kotlinc: ${#sources[@]} files"
started=$(date +%s)
# Warnings are errors for the wrapper; the generated bindings carry UniFFI's own, which
# -nowarn would hide along with ours, so they are compiled as they are and ours checked below.
"$kotlin_home/bin/kotlinc" -cp "$compile_cp" -d "$build/host-tests.jar" "${sources[@]}" 2>"$build/kotlinc.log" \
  || { cat "$build/kotlinc.log" >&2; exit 1; }
ours=$(grep ": warning:" "$build/kotlinc.log" | grep -v "/generated/" || true)
if [ -n "$ours" ]; then
  printf '%s\n' "$ours" >&2
  echo "kotlinc: warnings in the wrapper or its tests (they are errors here)" >&2
  exit 1
fi
javac -nowarn -cp "$build/host-tests.jar:$compile_cp:$lib/kotlin-stdlib.jar" -d "$build/java-test-classes" "${java_tests[@]}"
say "compiled in $(( $(date +%s) - started )) s"

# ----- run -----
# The HTTPS sandbox's test CA, trusted by the native library's TLS in this JVM only (V7 tests):
# rustls-native-certs reads SSL_CERT_FILE instead of the system store. Nothing else here uses
# TLS through Rust.
jvm=(env "SSL_CERT_FILE=$root/tests/sandbox/keys/tls-ca-cert.pem" java -cp "$build/host-tests.jar:$build/java-test-classes:$run_cp"
  "-Djna.library.path=$(dirname "$so")"
  "-Duniffi.component.sessionkit_ffi.libraryOverride=$so"
  "-Duniffi.component.sessionkit.libraryOverride=$so"
  "-Dsessionkit.sandbox=$sandbox")

say "host tests"
"${jvm[@]}" dev.sessionkit.TestRunnerKt "$@"
if [ "$#" = 0 ]; then
  # X3: an app's own tests with FakeSessionClient, in a JVM that has no native library to
  # load (no JNA path, no library override): any call into Rust would fail them.
  say "the app example tests without the native library"
  java -cp "$build/host-tests.jar:$build/java-test-classes:$run_cp" -Djna.nosys=true \
    dev.sessionkit.TestRunnerKt --class dev.sessionkit.AppExampleTests
  say "getSync benchmark"
  "${jvm[@]}" dev.sessionkit.GetSyncBenchmarkKt
fi
