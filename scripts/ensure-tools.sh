#!/usr/bin/env bash
# Installs what building GridLink needs and is missing: the wasm32 target and rust-src,
# wasm-bindgen-cli at the version the lockfile pins, and the npm packages
# (binaryen's wasm-opt; Playwright for tests). Idempotent and quick when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock)

if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    echo "==> adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # The release bundle rebuilds the standard library (scripts/build-bundle.sh).
  if [ ! -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
    echo "==> adding the rust-src component (the release bundle builds std itself)"
    rustup component add rust-src || echo "rust-src could not be installed: only the release bundle needs it" >&2
  fi
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  echo "==> installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes, once)"
  # Not --locked: the CLI's locked webpki-roots is not in the index reachable here.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -x end2end/node_modules/.bin/terser ] || [ ! -d end2end/node_modules/@playwright/test ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  echo "==> installing npm packages (binaryen, terser, Playwright) in end2end/"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi
