#!/usr/bin/env bash
# Catalog benchmark (a measurement, not a test): seeds N demo products (default 1,000) into
# a fresh SQLite data dir, serves the release binary on loopback and loads, with wrk,
# /health (a trivial axum handler: the ceiling, measured in the same run), the listing
# page, a deep sorted listing page, a search and a product page; then the listing again
# with the catalog cache off. Prints requests/s, p50, p99, and the peak RSS of the server.
#   scripts/bench.sh [seconds per path, default 10] [products, default 1000]
# Needs wrk (apt-get install wrk) and a release build (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
count="${2:-1000}"
bin="${CARGO_TARGET_DIR:-target}/release/oxcart"
port=3398
data=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$data"' EXIT

echo "== seeding $count demo products"
OXCART_DATA_DIR="$data" RUST_LOG=warn "$bin" seed --demo "$count" | tail -n 1

start() {
  OXCART_ADDR="127.0.0.1:$port" OXCART_DATA_DIR="$data" RUST_LOG=warn OXCART_CATALOG_CACHE="$1" "$bin" serve >/dev/null &
  pid=$!
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && return; sleep 0.2; done
  echo "the server did not start" >&2; exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
load() {
  local path=$1
  local out
  out=$(wrk -t2 -c50 -d"${secs}s" --latency "http://127.0.0.1:$port$path")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '%-44s %10s req/s   p50 %8s   p99 %8s   %s\n' "$path" "$rps" "$p50" "$p99" "${errors:+non-2xx: $errors}"
}
peak() { awk '/VmHWM/ {print $2 " kB"}' "/proc/$pid/status"; }

slug=$(sqlite3 "$data/oxcart.db" "select slug from products where status = 'active' order by slug limit 1 offset 500" 2>/dev/null \
  || true)
start on
[ -n "$slug" ] || slug=$(curl -fs "http://127.0.0.1:$port/api/v1/products?limit=1&page=500" | sed -E 's/.*"slug":"([^"]+)".*/\1/')
echo "== wrk -t2 -c50 -d${secs}s per path; catalog cache on"
echo "idle RSS: $(awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status")"
load /health
load /products
load "/products?sort=price-asc&page=20"
load "/search?q=linen"
load "/products/$slug"
echo "peak RSS (cache on): $(peak)"
stop

start off
echo "== catalog cache off (every request reads the database)"
load /products
load "/products?sort=price-asc&page=20"
load "/products/$slug"
echo "peak RSS (cache off): $(peak)"
stop
