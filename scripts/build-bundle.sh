#!/usr/bin/env bash
# Builds the browser bundle into the site root: the hydrate wasm cut into its first
# download and lazily loaded chunks, the JS glue, the stylesheet and static files,
# with gzip copies. PROFILE=release gives the size-optimised bundle. Needs no
# server build (make bundle-check uses it alone).
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${PROFILE:-debug}
NAME=${LEPTOS_OUTPUT_NAME:-gridlink}
SITE=${LEPTOS_SITE_ROOT:-target/site}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
export LEPTOS_OUTPUT_NAME=$NAME

if [ "$PROFILE" = release ]; then
  WASM_PROFILE=wasm-release
else
  WASM_PROFILE=dev
fi
WASM_DIR=$([ "$WASM_PROFILE" = dev ] && echo debug || echo "$WASM_PROFILE")

echo "==> browser bundle ($WASM_PROFILE)"
# `--cfg erase_components` comes from .cargo/config.toml (server and browser alike).
WASM_BUILD=(cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate --profile "$WASM_PROFILE")
if [ "$PROFILE" = release ]; then
  # The release bundle builds the standard library itself, size-optimised, with
  # panics that trap at once: no panic message formatting, no location strings
  # (23 KB gzip of the first download, docs/performance.md, session 25). Stable
  # Rust allows these unstable flags with RUSTC_BOOTSTRAP; they need the rust-src
  # component (scripts/ensure-tools.sh). A panic in the release bundle therefore
  # logs only "unreachable" in the console: debug builds keep the messages.
  if [ ! -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
    echo "the release bundle needs the rust-src component: rustup component add rust-src" >&2
    exit 1
  fi
  # These flags replace .cargo/config.toml's for the wasm target: its two come first.
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components -Clink-args=--emit-relocs -Zunstable-options -Cpanic=immediate-abort"
  RUSTC_BOOTSTRAP=1 "${WASM_BUILD[@]}" -Zbuild-std=std,panic_abort
  unset CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS
else
  "${WASM_BUILD[@]}"
fi

# Cut the bundle at the lazy routes (ui/pages.rs): the chunks, their loader and the
# prefetch manifest go to pkg/, the main module to app_split.wasm for wasm-bindgen.
# The splitter is our own small binary (tools/wasm-split) around the library
# cargo-leptos uses; the wasm keeps its relocations for it (.cargo/config.toml).
echo "==> wasm-split"
cargo build -q --release -p wasm-split-tool
rm -rf "$SITE/pkg" && mkdir -p "$SITE/pkg"
"$TARGET_DIR/release/gridlink-wasm-split" "$TARGET_DIR/wasm32-unknown-unknown/$WASM_DIR/app.wasm" "$SITE/pkg" "$NAME"

BINDGEN_FLAGS=(--keep-lld-exports --no-demangle)
[ "$PROFILE" = release ] && BINDGEN_FLAGS+=(--remove-name-section --remove-producers-section)
wasm-bindgen --target web --no-typescript "${BINDGEN_FLAGS[@]}" --out-dir "$SITE/pkg" --out-name "$NAME" \
  "$TARGET_DIR/wasm32-unknown-unknown/$WASM_DIR/app_split.wasm"
mv -f "$SITE/pkg/${NAME}_bg.wasm" "$SITE/pkg/$NAME.wasm"
if [ "$PROFILE" = release ]; then
  echo "==> wasm-opt -Oz (the main module, and beside it the chunks in one process)"
  # The chunks share the main module's memory and table: only size passes that keep
  # imports and exports as they are (wasm-opt never renames them without being asked).
  # The same passes and features in scripts/wasm-opt-all.mjs, which loads Binaryen
  # once for all ~300 chunks instead of once per file.
  end2end/node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers --enable-bulk-memory \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types \
    "$SITE/pkg/$NAME.wasm" -o "$SITE/pkg/$NAME.wasm" 2> >(grep -v 'unknown name subsection' >&2) &
  MAIN_OPT=$!
  mapfile -d '' CHUNKS < <(find "$SITE/pkg" -name '*.wasm' ! -name "$NAME.wasm" -print0)
  BINARYEN=end2end/node_modules/binaryen/index.js JOBS=1 node scripts/wasm-opt-all.mjs "${CHUNKS[@]}" \
    2> >(grep -v 'unknown name subsection' >&2)
  wait "$MAIN_OPT"
fi
node scripts/hash-chunks.mjs "$SITE/pkg"
# The JS glue, the loader and our snippets minified (~5 KB gzip of the first
# download, docs/performance.md, session 26), in debug builds too: the end-to-end
# tests (debug in `make test`) then run the JavaScript as it ships.
node scripts/minify-js.mjs "$SITE/pkg"
cp style/main.css "$SITE/pkg/$NAME.css"
cp -R public/. "$SITE/"
# A new build gets a new service worker, which drops the previous build's cache.
BUILD_ID=$(find "$SITE" -type f ! -name sw.js ! -name '*.gz' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-12)
sed -i "s/__BUILD__/$BUILD_ID/" "$SITE/sw.js"
# Precompressed copies: the server sends them to browsers that accept gzip.
for f in "$SITE"/pkg/*.wasm "$SITE"/pkg/*.js "$SITE/pkg/$NAME.css" "$SITE/leaflet/leaflet.js" "$SITE/leaflet/leaflet.css"; do
  gzip -9 -k -f "$f"
done

