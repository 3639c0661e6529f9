#!/usr/bin/env bash
# schemathesis (PyPI) against a live Oxcart: the release binary on a fresh SQLite data dir
# with a demo catalog, called with an API key holding every scope. Fails on any 5xx, any
# answer outside the OpenAPI document (status, content type, schema) and any other
# default check, at most 950 requests a minute so the key stays inside its rate-limit group
# (1000/min) and every operation is exercised, not refused (scripts/schemathesis.toml names the few operations whose rules a schema
# cannot state). Loopback only, a bounded number of cases (SCHEMATHESIS_EXAMPLES each).
#
#   scripts/api-check.sh [path/to/oxcart]
set -euo pipefail
BIN="${1:-${OXCART_BIN:-target/release/oxcart}}"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-15}"
DIR="$(mktemp -d "${TMPDIR:-/tmp}/oxcart-api-check.XXXXXX")"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export OXCART_DATA_DIR="$DIR" OXCART_ADDR="127.0.0.1:$PORT" OXCART_PUBLIC_URL="http://127.0.0.1:$PORT" RUST_LOG=warn
"$BIN" seed --demo 12 >/dev/null
KEY="$("$BIN" create-api-key --name schemathesis --scopes all)"
"$BIN" serve >"$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 0.1
done
schemathesis --config-file "$(dirname "$0")/schemathesis.toml" \
  run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --header "Authorization: Bearer $KEY" \
  --max-examples "$EXAMPLES" \
  --generation-deterministic \
  --workers 1 \
  --rate-limit 950/m \
  --request-timeout 10 \
  --suppress-health-check all
if grep -q "panicked" "$DIR/server.log"; then
  echo "api-check: the server panicked:" >&2
  grep -A5 "panicked" "$DIR/server.log" >&2
  exit 1
fi
