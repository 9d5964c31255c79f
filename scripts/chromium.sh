#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed (Playwright never downloads browsers here).
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "==> installing Chromium from Debian's packages"
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium \
  || { as_root apt-get install -y -f -qq; DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium; }
