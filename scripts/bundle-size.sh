#!/usr/bin/env bash
# Prints every file of the two built bundles (docs/adr/0006) — the storefront's islands
# (target/site/pkg) and the staff dashboard (target/site-admin/pkg) — raw, and as the
# server sends them: the .gz and .br files `cargo leptos build --precompress` writes next
# to each. Then a storefront page's first load: its JS and WASM, brotli (the browser test
# end2end/tests/bundle.spec.ts measures it in Chromium and holds the 204,800 B budget).
set -euo pipefail
cd "$(dirname "$0")/.."
size() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }
printf '%-16s %-44s %9s %9s %9s\n' "bundle" "file" "raw" "gzip" "brotli"
for site in site site-admin; do
  pkg="target/$site/pkg"
  [ -d "$pkg" ] || { echo "$pkg: not built"; continue; }
  label=$([ "$site" = site ] && echo storefront || echo dashboard)
  for f in $(ls -S "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css 2>/dev/null); do
    printf '%-16s %-44s %9d %9d %9d\n' "$label" "$(basename "$f")" "$(size "$f")" "$(size "$f.gz")" "$(size "$f.br")"
  done
done
store=0
for f in target/site/pkg/*.wasm target/site/pkg/*.js; do [ -f "$f.br" ] && store=$((store + $(size "$f.br"))); done
echo "storefront first load (JS + WASM, brotli): $store B of the 204800 B budget"
