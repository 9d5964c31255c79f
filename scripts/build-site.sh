#!/usr/bin/env bash
# Builds what cargo-leptos would, without it: the browser bundle
# (scripts/build-bundle.sh), then the server binary. PROFILE=release gives the
# size-optimised bundle and the optimised server.
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${PROFILE:-debug}
PROFILE=$PROFILE bash scripts/build-bundle.sh
SERVER_FLAGS=()
[ "$PROFILE" = release ] && SERVER_FLAGS=(--release)
echo "==> server (${PROFILE})"
cargo build -p server "${SERVER_FLAGS[@]}"
