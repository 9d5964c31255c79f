#!/usr/bin/env bash
# Sign-in under load, with the password-hashing bound in place: a server
# (release by default, PROFILE=debug for the debug build; argon2 is built
# optimised in both) on a fresh SQLite database behind a "trusted proxy"
# (the script itself, sending X-Forwarded-For), so that 20 clients at 20
# addresses each keep their own rate limit, as phones behind a reverse proxy
# do. 20 residents register, then sign in 20 at a time for ROUNDS rounds.
# Prints p50/p99/max. Budget: p99 ≤ 1 s at 20 concurrent sign-ins.
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${PROFILE:-release}
PORT=${PORT:-3311}
ROUNDS=${ROUNDS:-10}
CLIENTS=${CLIENTS:-20}
WORK=$(mktemp -d)

if [ "$PROFILE" = release ]; then
  cargo build -q --release -p server
  BIN=${CARGO_TARGET_DIR:-target}/release/server
else
  cargo build -q -p server
  BIN=${CARGO_TARGET_DIR:-target}/debug/server
fi

export DATABASE_URL="sqlite://$WORK/bench.db" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" GRIDLINK_DEMO=0 RUST_LOG=error
export GRIDLINK_TRUSTED_PROXIES=127.0.0.1 LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}
"$BIN" > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done

python3 - "$PORT" "$ROUNDS" "$CLIENTS" "$(nproc)" "$PROFILE" <<'PY'
import http.client, sys, threading, time, urllib.parse
port, rounds, clients, cores, profile = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]

def post(path, form, addr):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = urllib.parse.urlencode(form)
    t = time.perf_counter()
    c.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                   "X-Forwarded-For": addr})
    r = c.getresponse(); r.read(); c.close()
    return r.status, time.perf_counter() - t

users = [(f"1391234{i:04d}", f"198.51.100.{i + 1}") for i in range(clients)]
for phone, addr in users:
    s, _ = post("/api/register", {"phone": phone, "password": "longenough1", "name": "压测居民", "consent": "true"}, addr)
    assert s == 200, f"register {phone}: {s}"

lat, bad = [], []
def one(phone, addr):
    s, dt = post("/api/login", {"phone": phone, "password": "longenough1"}, addr)
    (lat if s == 200 else bad).append(dt if s == 200 else s)

wall = time.perf_counter()
for _ in range(rounds):
    ts = [threading.Thread(target=one, args=u) for u in users]
    for t in ts: t.start()
    for t in ts: t.join()
wall = time.perf_counter() - wall
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] * 1000
print(f"sign-in ({profile}, {cores} cores): {len(lat)} sign-ins in {rounds} rounds of {clients} concurrent, "
      f"{len(lat) / wall:.1f}/s; p50 {q(0.5):.0f} ms, p99 {q(0.99):.0f} ms, max {lat[-1] * 1000:.0f} ms; refused {len(bad)}")
if bad or q(0.99) > 1000:
    sys.exit(1)
PY
