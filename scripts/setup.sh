#!/usr/bin/env bash
# Installs what Fieldbook needs, skipping whatever is already there at the
# right version. Sourced by scripts/run and scripts/test:
#   setup_build_tools  — wasm32 target, Trunk, wasm-bindgen-cli (the version
#                        Cargo.lock pins), wasm-opt (binaryen from npm)
#   setup_test_tools   — Chromium + ChromeDriver, the tests' npm packages
# Everything here comes from the package registries (crates.io, npm, Debian).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"

export TRUNK_SKIP_VERSION_CHECK=true
export PATH="$ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# The wasm-bindgen version Cargo.lock pins (the CLI must match it exactly).
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  say "installing $* (apt)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

setup_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing Trunk $TRUNK_VERSION (compiles; ~12 min on 2 cores, once)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
  fi

  local wbg
  wbg="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg" ]; then
    say "installing wasm-bindgen-cli $wbg (compiles; ~4 min, once)"
    # Not --locked: its lock file pins a crate release the registry lacks.
    cargo install wasm-bindgen-cli --version "$wbg"
  fi

  if ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  if ! wasm-opt --version 2>/dev/null | grep -q "version_$BINARYEN_VERSION"; then
    say "installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
    mkdir -p "$ROOT/tools"
    npm install --loglevel=error --no-audit --no-fund --prefix "$ROOT/tools" "binaryen@$BINARYEN_VERSION"
  fi
}

setup_test_tools() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver
  fi
  export CHROMEDRIVER=/usr/bin/chromedriver
  if [ ! -d "$ROOT/tests/node_modules/playwright-core" ] ||
    [ "$ROOT/tests/package-lock.json" -nt "$ROOT/tests/node_modules/.package-lock.json" ]; then
    say "installing the tests' npm packages"
    # `npm install` honours the lock file; `npm ci` rejects it over optional
    # platform packages of cbor-extract that npm leaves out of the lock.
    (cd "$ROOT/tests" && npm install --loglevel=error --no-audit --no-fund)
  fi
}

# Build the app with Trunk in release mode into dist/.
build_app() {
  say "building the app (Trunk, release)"
  (cd "$ROOT" && trunk build --release)
}
