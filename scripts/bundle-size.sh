#!/usr/bin/env bash
# Prints every file of the built site's pkg/ (the main JS and WASM, the lazily loaded
# chunks, the CSS): raw, and as the server sends it — the .gz and .br files that
# `cargo leptos build --precompress` writes next to each. Then the first-load total of a
# storefront page: the main JS, WASM and chunk loader (the page's own chunks come on top;
# end2end/tests/bundle.spec.ts measures whole pages in Chromium and holds the budget).
set -euo pipefail
cd "$(dirname "$0")/.."
pkg="${1:-target/site/pkg}"
size() { [ -f "$1" ] && stat -c %s "$1" || echo 0; }
printf '%-58s %9s %9s %9s\n' "bundle: file" "raw" "gzip" "brotli"
main_br=0
for f in $(ls -S "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css 2>/dev/null); do
  name=$(basename "$f")
  raw=$(size "$f"); gz=$(size "$f.gz"); br=$(size "$f.br")
  printf '%-58s %9d %9d %9d\n' "$name" "$raw" "$gz" "$br"
  case "$name" in
    oxcart.*.js|oxcart.*.wasm|oxcart.js|oxcart.wasm|__wasm_split.*.js) main_br=$((main_br + br)) ;;
  esac
done
echo "bundle: main JS + WASM + chunk loader, brotli: $main_br B (storefront budget: 204800 B per page, chunks included)"
