#!/bin/sh
# W1: full compliance scan (engine.Service.Evaluate over every org) vs the hand-written SQL peer
# (bench/w1_peer.sql), with exact flagged-set checks against the planted set and the peer.
# Usage: bench/w1.sh [BRANCHES] [YEARS]     env: ORGLIFE_BENCH_DSN (default local postgres),
#        ORGLIFE_BENCH_REUSE=1 keeps a loaded database, ORGLIFE_BENCH_CPUPROFILE=FILE profiles.
set -eu
cd "$(dirname "$0")/.."
export ORGLIFE_BENCH_DSN="${ORGLIFE_BENCH_DSN:-postgres://postgres@127.0.0.1:5432/postgres}"
export ORGLIFE_BENCH_BRANCHES="${1:-${ORGLIFE_BENCH_BRANCHES:-1000}}"
export ORGLIFE_BENCH_YEARS="${2:-${ORGLIFE_BENCH_YEARS:-3}}"
export ORGLIFE_BENCH_OUT="${ORGLIFE_BENCH_OUT:-/tmp/orglife-w1-$ORGLIFE_BENCH_BRANCHES.txt}"
. bench/hw.sh
go test ./bench -run '^TestW1$' -v -count=1 -timeout 180m | grep -E '^\s+(env|w1)_test.go|^(---|ok|FAIL)' || true
echo "results: $ORGLIFE_BENCH_OUT"
