#!/usr/bin/env bash
# Prints the size of the hydrate bundle (raw and gzip -9), the number DESIGN.md budgets.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  printf 'bundle: %-40s %7d B raw  %7d B gzip\n' "$(basename "$f")" "$raw" "$gz"
done
