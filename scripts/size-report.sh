#!/usr/bin/env bash
# The size of the library an app ships: the release cdylib (libsessionkit_ffi) for this host,
# stripped, against the 3.0 MB budget, with the largest contributors by crate and by section.
#
#   scripts/size-report.sh            prints `cdylib stripped: X MB` and the breakdown
#
# The release profile's code (opt-level "s", fat LTO, one codegen unit, panic = "unwind") is
# built once with symbols kept (profile release-symbols, identical code), so that symbols can
# be attributed to crates; a copy stripped with `strip --strip-all` is what is measured.
# Mobile targets are not built here (no Android NDK, no Apple SDK); their libraries are close
# to this one, plus the platform's own glue.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
budget_mb="3.0"

cargo build --locked --quiet -p sessionkit-ffi --lib --profile release-symbols
built="$target_dir/release-symbols/libsessionkit_ffi.so"
stripped="$target_dir/release-symbols/libsessionkit_ffi.stripped.so"
strip --strip-all -o "$stripped" "$built"
bytes=$(stat -c %s "$stripped")
awk -v b="$bytes" -v budget="$budget_mb" 'BEGIN {
  mb = b / 1000000
  printf "cdylib stripped: %.2f MB (%d bytes; budget %s MB: %s)\n", mb, b, budget, (mb <= budget ? "within" : "OVER")
}'

echo "  by section (stripped):"
size -A "$stripped" | awk '$1 ~ /^\.(text|rodata|eh_frame|eh_frame_hdr|gcc_except_table|data\.rel\.ro|data)$/ {
  printf "    %-18s %7.0f KiB\n", $1, $2 / 1024 }'

echo "  largest contributors to .text by crate (symbol sizes, demangled):"
nm -S --size-sort -C --defined-only "$built" 2>/dev/null | python3 -c '
import collections, re, sys
sizes = collections.Counter()
for line in sys.stdin:
    parts = line.rstrip("\n").split(" ", 3)
    if len(parts) < 4 or parts[2] not in "tTwW":
        continue
    name = parts[3]
    # <T as crate::Trait>::method and <crate::Type>::method: the implementing type decides.
    name = name.lstrip("<&*")
    name = re.sub(r"^(mut |dyn |const )+", "", name)
    if "::" not in name:
        sizes["(C and unnamed)"] += int(parts[1], 16)
        continue
    crate = name.split("::", 1)[0].split(" ")[0]
    # Generic code of core/alloc/std instantiated for a type of another crate counts for that
    # crate (drop_in_place<reqwest::...>, Vec<serde_json::Value>...).
    if crate in ("core", "alloc", "std"):
        inner = re.search(r"<&?(?:mut |dyn )?([a-z_][a-z0-9_]*)::", name)
        if inner and inner.group(1) not in ("core", "alloc", "std"):
            crate = inner.group(1)
    sizes[crate] += int(parts[1], 16)
for crate, size in sizes.most_common(14):
    print(f"    {crate:<26} {size / 1024:7.0f} KiB")
'
