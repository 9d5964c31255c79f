#!/usr/bin/env bash
# Keeps the shared cargo cache from filling the disk. The cache lives outside
# the clone and is shared by every session and CI run on this machine; left
# alone it grew to 70 GB (incremental data and every superseded build of each
# crate) and a CI run died with "No space left on device".
# Usage: scripts/prune-target.sh [GB free below which to prune]   (default 25)
set -euo pipefail
TARGET=${CARGO_TARGET_DIR:-$HOME/.cache/gridlink-target}
WANT=${1:-25}
[ -d "$TARGET" ] || exit 0

free_gb() { df -Pk "$TARGET" | awk 'NR==2 { printf "%d", $4 / 1048576 }'; }

echo "==> cargo cache $TARGET: $(du -sh "$TARGET" 2>/dev/null | cut -f1), $(free_gb) GB free"
[ "$(free_gb)" -ge "$WANT" ] && exit 0

# 1. Incremental data: only speeds up rebuilding our own crates.
find "$TARGET" -maxdepth 3 -type d -name incremental -prune -exec rm -rf {} +

# 2. Superseded builds: in each deps/ keep only the newest file per crate name,
#    kind and extension (name-<16 hex>.ext); older hashes are old feature sets
#    or old sources that cargo rebuilds if it ever needs them again.
for deps in "$TARGET"/*/deps "$TARGET"/*/*/deps; do
  [ -d "$deps" ] || continue
  find "$deps" -maxdepth 1 -type f -printf '%T@ %f\n' \
    | sed -nE 's/^([0-9.]+) (.*)-([0-9a-f]{16})(.*)$/\2\4 \1 \2-\3\4/p' \
    | sort -k1,1 -k2,2nr \
    | awk -v d="$deps" '$1 == last { print d "/" $3 } { last = $1 }' \
    | xargs -r rm -f
done

# 3. Too little for even our own build (~12 GB): start cold rather than fail
#    half-way through it. Other users of the disk can keep it under WANT, so
#    the floor here is what a cold build needs, not WANT.
if [ "$(free_gb)" -lt 14 ]; then
  echo "==> still under 14 GB free: removing the whole cache"
  rm -rf "$TARGET"
  exit 0
fi
echo "==> $(free_gb) GB free after pruning"
