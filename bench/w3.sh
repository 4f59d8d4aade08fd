#!/bin/sh
# W3: durable transitions per second through the API (orglife serve on PostgreSQL, the shared
# load driver ../shared/bench/w3) against the pgbench peer (../shared/bench/w3/peer.sql), in one
# run, at each client count. PACK is bench/w3pack (the toggle workflow and one rule reading it)
# or "none" (the toggle workflow without rules).
# Usage: bench/w3.sh [CLIENTS...]   env: ORGLIFE_BENCH_DSN, W3_SECONDS (15), W3_INSTANCES (1000), W3_RULES (1),
#        ORGLIFE_BIN (an orglife binary to measure instead of one built from this tree, e.g. an older build),
#        W3_DB (orglife_w3) and W3_PEER_DB (w3_peer): the databases it recreates, W3_PORT (18093)
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
export ORGLIFE_BENCH_DSN="${ORGLIFE_BENCH_DSN:-postgres://postgres@127.0.0.1:5432/postgres}"
secs="${W3_SECONDS:-15}"; n="${W3_INSTANCES:-1000}"
clients="${*:-1 8 32}"
db="${W3_DB:-orglife_w3}"; peerdb="${W3_PEER_DB:-w3_peer}"; port="${W3_PORT:-18093}"
. bench/hw.sh
work=$(mktemp -d)
trap 'kill $(cat "$work/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
(cd ../shared/bench/w3 && go build -o "$work/w3load" .)
if [ -n "${ORGLIFE_BIN:-}" ]; then cp "$ORGLIFE_BIN" "$work/orglife"; else go build -o "$work/orglife" ./cmd/orglife; fi
pack="$root/bench/w3pack"
if [ "${W3_RULES:-1}" = 0 ]; then mkdir -p "$work/pack/workflows" && cp bench/w3pack/workflows/*.yaml "$work/pack/workflows/" && pack="$work/pack"; fi
base="${ORGLIFE_BENCH_DSN%/*}"
psql "$ORGLIFE_BENCH_DSN" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -qc "CREATE DATABASE $db" \
  -qc "DROP DATABASE IF EXISTS $peerdb WITH (FORCE)" -qc "CREATE DATABASE $peerdb"
psql "$base/$peerdb" -qf ../shared/bench/w3/peer-setup.sql
for c in $clients; do
  psql "$ORGLIFE_BENCH_DSN" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -qc "CREATE DATABASE $db"
  "$work/orglife" serve --db "$base/$db" --pack "$pack" --addr 127.0.0.1:$port --eval-interval 0 >"$work/serve.log" 2>&1 &
  echo $! > "$work/pid"
  for _ in $(seq 1 100); do grep -q 'msg=listening' "$work/serve.log" && break; sleep 0.1; done
  admin=$(sed -n 's/^admin token: //p' "$work/serve.log")
  curl -sf -XPOST http://127.0.0.1:$port/v1/orgs -H "Authorization: Bearer $admin" -d '{"id":"bench-b","name":"基准支部","kind":"branch"}' >/dev/null
  tok=$(curl -sf -XPOST http://127.0.0.1:$port/v1/tokens -H "Authorization: Bearer $admin" -d '{"name":"w3","role":"branch","org_id":"bench-b"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
  api=$("$work/w3load" -base http://127.0.0.1:$port -token "$tok" -org bench-b -workflow toggle -instances "$n" -c "$c" -d "${secs}s" | tail -1)
  kill "$(cat "$work/pid")"; wait "$(cat "$work/pid")" 2>/dev/null || true
  peer=$(pgbench -n -M prepared -c "$c" -j 2 -T "$secs" -D instances=1000 -f ../shared/bench/w3/peer.sql "$base/$peerdb" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  echo "W3 c=$c: api: $api | pgbench peer: $peer tps"
done
