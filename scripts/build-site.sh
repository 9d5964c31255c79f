#!/usr/bin/env bash
# Builds what cargo-leptos would, without it: the hydrate bundle (wasm +
# JS glue), the stylesheet and static files into the site root, then the
# server binary. PROFILE=release gives the size-optimised bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${PROFILE:-debug}
NAME=${LEPTOS_OUTPUT_NAME:-gridlink}
SITE=${LEPTOS_SITE_ROOT:-target/site}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
export LEPTOS_OUTPUT_NAME=$NAME

if [ "$PROFILE" = release ]; then
  WASM_PROFILE=wasm-release
  SERVER_FLAGS=(--release)
else
  WASM_PROFILE=dev
  SERVER_FLAGS=()
fi
WASM_DIR=$([ "$WASM_PROFILE" = dev ] && echo debug || echo "$WASM_PROFILE")

echo "==> browser bundle ($WASM_PROFILE)"
# `--cfg erase_components` comes from .cargo/config.toml (server and browser alike).
cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate --profile "$WASM_PROFILE"

mkdir -p "$SITE/pkg"
BINDGEN_FLAGS=()
[ "$PROFILE" = release ] && BINDGEN_FLAGS=(--remove-name-section --remove-producers-section)
wasm-bindgen --target web --no-typescript "${BINDGEN_FLAGS[@]}" --out-dir "$SITE/pkg" --out-name "$NAME" \
  "$TARGET_DIR/wasm32-unknown-unknown/$WASM_DIR/app.wasm"
mv -f "$SITE/pkg/${NAME}_bg.wasm" "$SITE/pkg/$NAME.wasm"
if [ "$PROFILE" = release ]; then
  echo "==> wasm-opt -Oz"
  end2end/node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types \
    "$SITE/pkg/$NAME.wasm" -o "$SITE/pkg/$NAME.opt.wasm"
  mv -f "$SITE/pkg/$NAME.opt.wasm" "$SITE/pkg/$NAME.wasm"
fi
cp style/main.css "$SITE/pkg/$NAME.css"
cp -R public/. "$SITE/"
# Precompressed copies: the server sends them to browsers that accept gzip.
for f in "$SITE/pkg/$NAME.wasm" "$SITE/pkg/$NAME.js" "$SITE/pkg/$NAME.css" "$SITE/leaflet/leaflet.js" "$SITE/leaflet/leaflet.css"; do
  gzip -9 -k -f "$f"
done

echo "==> server (${PROFILE})"
cargo build -p server "${SERVER_FLAGS[@]}"
