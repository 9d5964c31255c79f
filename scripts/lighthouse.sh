#!/usr/bin/env bash
# make lighthouse: the release build, a server with the demo district on a
# throwaway database, and Lighthouse 12 (tools/lighthouse) on /, /wishes, /board.
# Figures go to docs/performance.md by hand; nothing here is a test.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${LH_PORT:-3190}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-$PWD/target/release-site}
if [ -z "${SKIP_BUILD:-}" ]; then PROFILE=release bash scripts/build-site.sh; fi
# tools/lighthouse/package.json pins (`overrides`) the two packages Lighthouse's
# trace engine asks for as "latest": once the registry's latest moved on, `npm ci`
# refused the lock file ("Missing: third-party-web@0.30.0 from lock file").
if [ ! -d tools/lighthouse/node_modules/lighthouse ]; then
  echo "==> installing Lighthouse 12 in tools/lighthouse (once)"
  (cd tools/lighthouse && npm ci --no-audit --no-fund --loglevel=error)
fi
source scripts/demo-server.sh
start_demo_server "$TARGET_DIR/release/server" "$PORT"
(cd tools/lighthouse && node run.mjs "http://127.0.0.1:$PORT" "$@")
