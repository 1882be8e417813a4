#!/usr/bin/env bash
# The Stytch conformance suite (tests/conformance/): Stytch's official Python SDK, pinned,
# judges what the sandbox sends (every response, every JWT, every error body, the injected
# faults' included) and what SessionKit hands out (sessions of events, get_sync and the
# stored envelope; check_jwt's reading of a JWT). Ends with
# `stytch conformance: N checks, F failed (stytch X.Y.Z)`; exits non-zero on a failure.
#
#   scripts/stytch-conformance.sh [-v]
#
# Installs the pinned `stytch` from PyPI into a virtual environment in .tools/ when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

STYTCH_VERSION="15.3.0"
venv=".tools/stytch-venv"
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"

if ! "$venv/bin/python" -c "import stytch, sys; sys.exit(stytch.__version__ != '$STYTCH_VERSION')" 2>/dev/null; then
  say "python3 -m venv $venv; pip install stytch==$STYTCH_VERSION"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    apt_install python3-venv
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "stytch==$STYTCH_VERSION"
fi

say "cargo build: the sandbox, its fault bodies, and SessionKit's outputs"
cargo build --locked --quiet -p sessionkit-sandbox --bin sessionkit-sandbox --example fault_bodies
cargo build --locked --quiet -p sessionkit --example conformance_outputs
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$target_dir/debug/examples/fault_bodies" "$work/fault-bodies" >/dev/null
# The outputs hold sandbox test tokens: they live in the temporary folder only.
"$target_dir/debug/examples/conformance_outputs" "$work/sessionkit" >/dev/null

bodies=()
for body in "$work"/fault-bodies/*.json; do bodies+=(--error-body "$body"); done
"$venv/bin/python" tests/conformance/stytch_conformance.py "$@" \
  --sandbox-bin "$target_dir/debug/sessionkit-sandbox" \
  --sessionkit-outputs "$work/sessionkit" \
  "${bodies[@]}"
