#!/usr/bin/env bash
# `make bench`: a measurement, never a test. In one run, on loopback, with the release
# build: a bare axum "hello" handler (server/examples/hello.rs, the yardstick), then
# Oxcart on N demo products (default 1,000): start-up to the first 200 on /, the pages
# under `wrk -t2 -c32` (served as an anonymous visitor gets them, then rendered for a
# visitor with a session), add-to-cart and whole guest checkouts (server/examples/
# shoppers.rs, 32 at a time), the peak RSS, the bundle sizes, and Lighthouse (mobile) for
# /, /products and a product page. On SQLite, and on PostgreSQL too when DATABASE_URL
# names one (a fresh database is made on that server and dropped afterwards).
#
#   scripts/bench.sh [seconds per measurement, default 10] [products, default 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
count="${2:-1000}"
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/oxcart"
tools="${OXCART_TOOLS_DIR:-$HOME/.cache/oxcart/tools}"
port=3398
hello_port=3397
postgres_url="${DATABASE_URL:-}"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${pg_bench_db:-}" ] && psql -q "$pg_admin" -c "drop database if exists $pg_bench_db with (force)" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -x "$bin" ] || { echo "bench: $bin is missing: run make build" >&2; exit 1; }
# With cargo-leptos' flags and compile-time environment, so the release dependencies it
# built are reused rather than rebuilt (and rebuilt again by the next `make build`).
RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=oxcart LEPTOS_SITE_ROOT=target/site \
  LEPTOS_SITE_PKG_DIR=pkg LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 \
  LEPTOS_LIB_DIR=frontend LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=true \
  LEPTOS_HASH_FILE_NAME=hash.txt \
  cargo build --release -q -p server --example hello --example shoppers
hello_bin="$target/release/examples/hello"
shoppers_bin="$target/release/examples/shoppers"

# One measurement: "label rps p50 p99 non2xx", from wrk's --latency output.
measure() {
  local label=$1 url=$2; shift 2
  local out rps p50 p99 errors
  # One request first: the measurement is of the steady state (a cached page is cached).
  curl -s -o /dev/null "$@" "$url" || true
  out=$(wrk -t2 -c32 -d"${secs}s" --latency "$@" "$url")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "$label $rps $p50 $p99 ${errors:-0}"
}
# p99 in ms from wrk's "4.50ms" / "120.00us" / "1.20s".
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.3f", n }'; }
row() { # label rps p50 p99 non2xx
  local ratio p99x
  ratio=$(awk -v a="$2" -v b="$hello_rps" 'BEGIN { printf "%.1f %%", 100 * a / b }')
  p99x=$(awk -v a="$(to_ms "$4")" -v b="$(to_ms "$hello_p99")" 'BEGIN { printf "%.1f×", a / b }')
  printf '%-34s %11s req/s  p50 %9s  p99 %9s  %8s of hello  p99 %7s hello%s\n' \
    "$1" "$2" "$3" "$4" "$ratio" "$p99x" "$([ "$5" != 0 ] && echo "  non-2xx: $5")"
}

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u +%Y-%m-%dT%H:%MZ)"
"$hello_bin" "127.0.0.1:$hello_port" & pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$hello_port/" >/dev/null && break; sleep 0.05; done
read -r _ hello_rps hello_p50 hello_p99 _ <<<"$(measure hello "http://127.0.0.1:$hello_port/")"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
printf '%-34s %11s req/s  p50 %9s  p99 %9s\n' "bare axum hello (yardstick)" "$hello_rps" "$hello_p50" "$hello_p99"

suite() { # name database_url sql_cli...
  local name=$1 url=$2; shift 2
  local data="$work/$name" base="http://127.0.0.1:$port"
  mkdir -p "$data"
  export OXCART_DATA_DIR="$data" DATABASE_URL="$url" RUST_LOG=warn OXCART_ADDR="127.0.0.1:$port" OXCART_TRUST_PROXY=true
  echo
  echo "== $name: seeding $count demo products"
  "$bin" seed --demo "$count" | tail -n 1
  local t0 t1
  t0=$(date +%s%N)
  "$bin" serve >"$work/$name.log" 2>&1 & pids+=($!)
  local server=${pids[-1]}
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/" 2>/dev/null)" = 200 ]; do sleep 0.002; done
  t1=$(date +%s%N)
  echo "start-up to the first 200 on /: $(( (t1 - t0) / 1000000 )) ms; idle RSS $(awk '/VmRSS/ {print $2 " kB"}' "/proc/$server/status")"
  local slug variant
  slug=$(curl -fs "$base/api/v1/products?limit=1&page=$((count / 2))" | sed -E 's/.*"slug":"([^"]+)".*/\1/')
  variant=$(curl -fs "$base/api/v1/products/$slug" | python3 -c 'import json,sys; print(next(v["id"] for v in json.load(sys.stdin)["data"]["variants"]))')
  "$@" "update variants set stock = 100000000 where id = '$variant'" >/dev/null

  echo "-- pages as an anonymous visitor gets them (wrk -t2 -c32 -d${secs}s)"
  row "/health (middleware only)" $(measure x "$base/health" | cut -d' ' -f2-)
  for path in / /products "/products?sort=price-asc&page=20" "/search?q=linen" "/products/$slug"; do
    row "$path" $(measure x "$base$path" | cut -d' ' -f2-)
  done
  echo "-- the same pages rendered for a visitor with a session cookie (never cached)"
  for path in / /products "/products?sort=price-asc&page=20" "/search?q=linen" "/products/$slug"; do
    row "$path" $(measure x "$base$path" -H "Cookie: oxcart_session=bench" | cut -d' ' -f2-)
  done
  echo "-- buying (server/examples/shoppers.rs, 32 guests at a time, ${secs}s each)"
  printf '%-34s ' "add to cart (a new guest each)"; "$shoppers_bin" cart "$base" "$variant" "$secs" 32
  printf '%-34s ' "guest checkout (6 requests)"; "$shoppers_bin" checkout "$base" "$variant" "$secs" 32
  echo "peak RSS after the run: $(awk '/VmHWM/ {print $2 " kB"}' "/proc/$server/status")"
  if [ "$name" = sqlite ]; then lighthouse "$base" "$slug"; fi
  if ! kill "$server" 2>/dev/null; then
    echo "the server had stopped; its last lines:"; tail -n 20 "$work/$name.log"
  fi
  wait "$server" 2>/dev/null || true
}

lighthouse() {
  local base=$1 slug=$2 lh="$tools/node_modules/.bin/lighthouse"
  if [ ! -x "$lh" ] || ! command -v chromium >/dev/null; then
    echo "-- Lighthouse: not installed (scripts/bootstrap.sh --bench installs it)"; return
  fi
  echo "-- Lighthouse (mobile preset, Debian's Chromium)"
  for path in / /products "/products/$slug"; do
    CHROME_PATH=/usr/bin/chromium "$lh" "$base$path" --quiet --output=json --output-path="$work/lh.json" \
      --only-categories=performance,accessibility \
      --chrome-flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync" \
      >/dev/null 2>&1 || { echo "$path: lighthouse failed"; continue; }
    python3 - "$path" "$work/lh.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))
c, a = r["categories"], r["audits"]
def ms(k): return a[k]["numericValue"]
print(f'{sys.argv[1]:<34} performance {round(c["performance"]["score"]*100)}  accessibility {round(c["accessibility"]["score"]*100)}'
      f'  FCP {ms("first-contentful-paint"):.0f} ms  LCP {ms("largest-contentful-paint"):.0f} ms  TBT {ms("total-blocking-time"):.0f} ms  CLS {a["cumulative-layout-shift"]["numericValue"]:.3f}')
for k, v in a.items():
    if v.get("score") is not None and v["score"] < 1 and v.get("scoreDisplayMode") in ("binary", "metricSavings", "numeric") and k in (
        "color-contrast", "image-alt", "label", "link-name", "button-name", "heading-order", "document-title", "html-has-lang",
        "meta-viewport", "target-size", "render-blocking-resources", "unused-javascript", "uses-text-compression", "bootup-time"):
        print(f'{"":<34} {k}: {v.get("displayValue") or v["title"]}')
PY
  done
}

suite sqlite "sqlite://$work/sqlite/oxcart.db" sqlite3 "$work/sqlite/oxcart.db"
if [[ "$postgres_url" == postgres* ]]; then
  pg_admin="$postgres_url"
  pg_bench_db="oxcart_bench_$$"
  psql -q "$pg_admin" -c "create database $pg_bench_db" >/dev/null
  pg_url="${pg_admin%/*}/$pg_bench_db"
  suite postgres "$pg_url" psql -q "$pg_url" -c
fi
echo
scripts/bundle-size.sh
