#!/usr/bin/env bash
# Installs what Fieldbook needs, skipping whatever is already there at the
# right version. Sourced by scripts/run and scripts/test:
#   setup_build_tools  — wasm32 target, the app's pinned nightly (below),
#                        Trunk, wasm-bindgen-cli (the version Cargo.lock
#                        pins), wasm-opt (binaryen from npm)
#   setup_test_tools   — Chromium + ChromeDriver, the tests' npm packages
# Everything here comes from the package registries (crates.io, npm, Debian)
# and rustup's own distribution server (the wasm32 target, the nightly).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"
# The app's release build rebuilds the standard library for size, which
# needs a nightly toolchain: this one, pinned (everything else is stable).
APP_TOOLCHAIN="nightly-2026-05-20"

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

# Is APP_TOOLCHAIN installed with what rebuilding std for wasm32 needs?
app_toolchain_ready() {
  local components targets
  components="$(rustup component list --toolchain "$APP_TOOLCHAIN" --installed 2>/dev/null)" &&
    targets="$(rustup target list --toolchain "$APP_TOOLCHAIN" --installed 2>/dev/null)" &&
    grep -q '^rust-src' <<<"$components" && grep -qx wasm32-unknown-unknown <<<"$targets"
}

setup_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  if ! app_toolchain_ready; then
    say "installing $APP_TOOLCHAIN with rust-src and wasm32 (for the app's release build; ~20 s)"
    rustup toolchain install "$APP_TOOLCHAIN" --profile minimal \
      --component rust-src --target wasm32-unknown-unknown ||
      say "could not install $APP_TOOLCHAIN: the app will build on stable, about 60 KB larger with brotli"
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

# Build the app with Trunk in release mode into dist/, on APP_TOOLCHAIN
# with the standard library rebuilt for size: its size-optimised code paths
# (`optimize_for_size`) and panics that abort at once, without the
# formatting machinery a panic message needs (a release build has no panic
# hook, so the message was never shown), and derived `{:?}` output cut to
# the type's name (`-Zfmt-debug=shallow`: messages a person reads are
# written out, never derived). 702 KB → 613 KB with brotli.
# Without that toolchain (it could not be installed), on stable as it is.
build_app() {
  (
    cd "$ROOT"
    if app_toolchain_ready; then
      say "building the app (Trunk, release, $APP_TOOLCHAIN with std rebuilt for size)"
      export RUSTUP_TOOLCHAIN="$APP_TOOLCHAIN"
      export CARGO_UNSTABLE_BUILD_STD="std,panic_abort"
      export CARGO_UNSTABLE_BUILD_STD_FEATURES="optimize_for_size"
      # Joined with .cargo/config.toml's flags for this target.
      export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=shallow"
    else
      say "building the app (Trunk, release, stable: $APP_TOOLCHAIN is missing)"
    fi
    # Trunk builds offline: fetch the workspace's dependencies, then the
    # standard library's own when it is rebuilt (fetched only with a target
    # given; on stable this finds nothing new).
    cargo fetch
    cargo fetch --target wasm32-unknown-unknown
    trunk build --release
  )
}
