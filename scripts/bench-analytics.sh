#!/usr/bin/env bash
# Analytics at volume (issue 15): a year of history — ORDERS orders (100,000 by default)
# and ten funnel visits per order — made by `oxcart seed --history`, on SQLite and on
# PostgreSQL (a scratch database `oxcart_bench` beside BENCH_PG, default the local
# server), then the dashboard's numbers and every report timed over 12 months by
# `oxcart bench-reports`. Reports what it measured; asserts nothing. Numbers go in
# docs/performance.md.
#
#   scripts/bench-analytics.sh                 both engines
#   ORDERS=20000 scripts/bench-analytics.sh    a smaller year
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${OXCART_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/oxcart}"
ORDERS="${ORDERS:-100000}"
BENCH_PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
[ -x "$BIN" ] || { echo "bench-analytics: build first (make build); no $BIN" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

bench() {
  local name="$1" url="$2"
  mkdir -p "$work/$name"
  export OXCART_DATA_DIR="$work/$name" DATABASE_URL="$url" LOG_FORMAT=json RUST_LOG=warn
  "$BIN" migrate
  local started=$SECONDS
  "$BIN" seed --demo 300 --history "$ORDERS"
  echo "($name: seeded in $((SECONDS - started)) s)"
  "$BIN" bench-reports --runs 7
  echo
}

bench sqlite "sqlite://$work/sqlite/oxcart.db"
if psql "$BENCH_PG/postgres" -qc 'drop database if exists oxcart_bench' -c 'create database oxcart_bench' 2>/dev/null; then
  bench postgres "$BENCH_PG/oxcart_bench"
  psql "$BENCH_PG/postgres" -qc 'drop database if exists oxcart_bench' || true
else
  echo "PostgreSQL at $BENCH_PG is not reachable: SQLite only."
fi
