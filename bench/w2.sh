#!/bin/sh
# W2: latency of one committed `record` transition until the ledger shows it (Fire re-evaluates
# synchronously) vs the pgbench peer bench/w2_peer.sql (insert one record + one aggregate query
# for that branch and month). Run bench/w1.sh BRANCHES first: it loads and evaluates the data.
# Usage: bench/w2.sh [BRANCHES] [SAMPLES]
set -eu
cd "$(dirname "$0")/.."
export ORGLIFE_BENCH_DSN="${ORGLIFE_BENCH_DSN:-postgres://postgres@127.0.0.1:5432/postgres}"
export ORGLIFE_BENCH_BRANCHES="${1:-${ORGLIFE_BENCH_BRANCHES:-1000}}"
export ORGLIFE_BENCH_SAMPLES="${2:-${ORGLIFE_BENCH_SAMPLES:-200}}"
export ORGLIFE_BENCH_OUT="${ORGLIFE_BENCH_OUT:-/tmp/orglife-w2-$ORGLIFE_BENCH_BRANCHES.txt}"
. bench/hw.sh
go test ./bench -run '^TestW2$' -v -count=1 -timeout 60m | grep -E '^\s+(env|w2)_test.go|^(---|ok|FAIL)' || true
db="${ORGLIFE_BENCH_DB_PREFIX:-orglife_bench}_${ORGLIFE_BENCH_BRANCHES}_3_1"
url="${ORGLIFE_BENCH_DSN%/*}/$db"
log=$(mktemp -d)
(cd "$log" && pgbench -n -c 1 -t "$ORGLIFE_BENCH_SAMPLES" -D branches="$ORGLIFE_BENCH_BRANCHES" -f "$OLDPWD/bench/w2_peer.sql" -l "$url" >/dev/null)
# per-transaction latency is the third column of the log, in µs
sort -n -k3 "$log"/pgbench_log.* | awk '{a[NR]=$3} END {p50=a[int(NR*0.5+0.5)]; p99=a[int(NR*0.99+0.5)];
  printf "pgbench peer (insert + aggregate, 1 client, %d tx): p50 %.2f ms, p99 %.2f ms\n", NR, p50/1000, p99/1000}' | tee -a "$ORGLIFE_BENCH_OUT"
psql "$url" -qc "DELETE FROM instances WHERE created_by = 'pgbench'"
rm -rf "$log"
