#!/usr/bin/env bash
# Docs that cannot drift (SPEC D1): every repository path a Markdown file names exists, and
# every code sample of README.md, ios/README.md, android/README.md and bindings/README.md
# compiles in its own language against the real API:
#   Rust     as doctests (core/src/lib.rs includes README.md)
#   Kotlin   compiled with kotlinc against the wrapper jar that scripts/kotlin-tests.sh built;
#            the Android quick start against scripts/docs-stubs/kotlin (Application, androidx
#            lifecycle and Compose runtime in their real packages and signatures: no Android
#            SDK here)
#   Swift    type-checked with swiftc against the modules that scripts/swift-tests.sh built;
#            the SwiftUI sample against a stand-in SwiftUI module (scripts/docs-stubs/swift:
#            SwiftUI exists only on Apple platforms)
# A sample that cannot compile here is preceded by `<!-- not compiled: why -->`.
# Run by scripts/test.sh after the Kotlin and Swift steps; prints
#   docs: N samples compiled, M paths checked, 0 missing
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

paths=$(python3 scripts/docs-check.py paths) || { printf '%s\n' "$paths"; exit 1; }
printf '%s\n' "$paths" | grep -v "^paths:" || true
checked=$(printf '%s\n' "$paths" | sed -n 's/^paths: \([0-9]*\) checked.*/\1/p')

out=build/docs
python3 scripts/docs-check.py extract "$out"
read -r rust kotlin swift skipped < "$out/counts"
compiled=0

say "Rust samples: doctests"
cargo test --locked --quiet -p sessionkit --doc readme_samples
compiled=$((compiled + rust))

jar=build/kotlin/host-tests.jar
kotlin_lib=.tools/node_modules/kotlin-compiler/lib
if [ "$kotlin" -gt 0 ]; then
  [ -f "$jar" ] || { echo "no $jar: run scripts/kotlin-tests.sh first" >&2; exit 1; }
  say "Kotlin samples: kotlinc against the wrapper"
  cp="$jar:$kotlin_lib/kotlinx-coroutines-core-jvm.jar:/usr/share/java/jna.jar:/usr/share/java/okhttp.jar:/usr/share/java/okio.jar"
  rm -rf "$out/kotlin-classes"
  if ! .tools/node_modules/kotlin-compiler/bin/kotlinc -cp "$cp" -d "$out/kotlin-classes" \
      "$out"/kotlin/*.kt scripts/docs-stubs/kotlin/*.kt 2>&1 | { grep -v "unable to find kotlin-stdlib" || true; }; then
    echo "a Kotlin sample of the READMEs does not compile (see build/docs/kotlin)" >&2
    exit 1
  fi
  compiled=$((compiled + kotlin))
fi

if [ "$swift" -gt 0 ]; then
  if ! command -v swiftc >/dev/null; then
    say "Swift samples: not type-checked (no swiftc on PATH)"
  else
    say "Swift samples: swiftc -typecheck against the package"
    modules=$(swift build --show-bin-path)
    atomics="$modules/SessionKitAtomics.build/module.modulemap"
    [ -f "$atomics" ] || { echo "no Swift build: run scripts/swift-tests.sh first" >&2; exit 1; }
    mkdir -p "$out/swiftui"
    swiftc -emit-module -parse-as-library -swift-version 6 -module-name SwiftUI \
      -emit-module-path "$out/swiftui/SwiftUI.swiftmodule" scripts/docs-stubs/swift/SwiftUI.swift
    if ! swiftc -typecheck -swift-version 6 -I "$modules/Modules" -I ios/Sources/SessionKitFFI \
        -I ios/Sources/SessionKitAtomics/include -Xcc "-fmodule-map-file=$atomics" \
        -I "$out/swiftui" "$out"/swift/*.swift scripts/docs-stubs/swift/AppScreens.swift 2>&1 | { grep -E "error" || true; }; then
      echo "a Swift sample of the READMEs does not compile (see build/docs/swift)" >&2
      exit 1
    fi
    compiled=$((compiled + swift))
  fi
fi

echo "docs: $compiled samples compiled, $checked paths checked, 0 missing ($skipped samples not compiled, each says why)"
