#!/usr/bin/env bash
# Throughput and memory of the release binary on loopback, bounded in time.
#   scripts/bench.sh [seconds per path, default 10]
# Needs wrk (apt-get install wrk) and a release build (make build). Reports, never asserts.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
bin="${CARGO_TARGET_DIR:-target}/release/oxcart"
port=3398
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

OXCART_ADDR="127.0.0.1:$port" OXCART_DATA_DIR="$data" RUST_LOG=warn "$bin" serve >/dev/null &
pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.2; done

rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "idle RSS: $(rss)"
for path in /health / /no-such-page; do
  echo "== GET $path (wrk -t2 -c50 -d${secs}s)"
  wrk -t2 -c50 -d"${secs}s" --latency "http://127.0.0.1:$port$path" | grep -E "Requests/sec|Latency|99%|Non-2xx"
done
echo "RSS after load: $(rss)"
