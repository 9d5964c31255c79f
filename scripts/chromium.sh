#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed (Playwright never downloads browsers here),
# with a Chinese font: a phone in China always has one, and without it every Chinese
# character sends Chromium through fontconfig's fallback search (the first layout of
# /wishes took 100-195 ms instead of 55-75, and e2e screenshots showed boxes).
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
  need+=(fonts-wqy-microhei)
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "==> installing ${need[*]} from Debian's packages"
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" \
  || { as_root apt-get install -y -f -qq; DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}"; }
