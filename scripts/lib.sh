# What the scripts in scripts/ share; each sources it right after `set -euo pipefail`:
#   . "$(dirname "$0")/lib.sh"
# It activates the offline bundle and defines say, as_root, apt_install and ensure_jdk.
# Sourcing it changes no directory.

sessionkit_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Without the crate and npm registries the offline bundle beside the checkout stands in for
# them (see ../shared/offline/README.md): cargo builds from its vendored crates (through
# CARGO_HOME, never a file of this repository) and kotlinc is unpacked into .tools/.
# Sourcing it again is harmless.
if [ -f "$sessionkit_root/../shared/offline/activate.sh" ]; then
  # shellcheck source=/dev/null
  SESSIONKIT_ROOT="$sessionkit_root" . "$sessionkit_root/../shared/offline/activate.sh"
fi

say() { printf '  -- %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages, with one `apt-get update` per script run.
apt_updated=""
apt_install() { # PACKAGE...
  say "apt-get install $*"
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# A JDK (java, javac, libjvm): $JAVA_HOME's when it names one, else the PATH's, else Debian's
# OpenJDK 17.
ensure_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    export PATH="$JAVA_HOME/bin:$PATH"
  fi
  if ! command -v java >/dev/null || ! command -v javac >/dev/null; then
    apt_install openjdk-17-jdk-headless
  fi
}
