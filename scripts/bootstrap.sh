#!/usr/bin/env bash
# Installs what building (and, with --test, testing) Oxcart needs, from the package
# registries only: crates.io, npm, Debian's apt. Idempotent: each step checks first, so a
# second run takes a second or two. Never downloads from GitHub (cargo-leptos would try
# to when a tool is missing from PATH; that fails offline).
#
#   scripts/bootstrap.sh          build tools
#   scripts/bootstrap.sh --bench  build tools + wrk, sqlite3, Chromium and Lighthouse (make bench)
#   scripts/bootstrap.sh --test   build tools + cargo-deny, Chromium, the end-to-end test packages and
#                                 aiosmtpd (a real SMTP server for the mail tests),
#                                 moto (a local S3-compatible server for the storage test),
#                                 standardwebhooks (verifies our webhook signatures),
#                                 schemathesis (the API against its OpenAPI document),
#                                 kubernetes-validate (deploy/k8s against the Kubernetes schemas)
#                                 and promtool (the alert rules' unit tests)
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.10   # 0.3.11 needs rustc 1.96
CARGO_DENY_VERSION=0.20.2     # licences, bans and sources of the dependency tree
BINARYEN_VERSION=132.0.0      # npm's binaryen; Debian's binaryen 108 breaks hydration
LIGHTHOUSE_VERSION=12.8.2     # npm; `make bench` only
TOOLS_DIR="${OXCART_TOOLS_DIR:-$HOME/.cache/oxcart/tools}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  if [ ! -f /tmp/.oxcart-apt-updated ]; then
    as_root apt-get update -qq && touch /tmp/.oxcart-apt-updated
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v cargo >/dev/null || { echo "bootstrap: the Rust toolchain (rustup) is required" >&2; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (once; ~15-25 min on 2 cores)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

# The CLI must be exactly the wasm-bindgen version of Cargo.lock. `--locked` fails here:
# one of its locked dependencies is not in the registry index.
WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' "$ROOT/Cargo.lock")"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WBG_VERSION" ]; then
  say "installing wasm-bindgen-cli $WBG_VERSION (once; ~3 min)"
  cargo install wasm-bindgen-cli --version "$WBG_VERSION"
fi

if ! command -v npm >/dev/null; then
  say "installing Node.js and npm"
  apt_install nodejs npm
fi

if [ "$("$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
  say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
fi

if [ "${1:-}" = "--test" ]; then
  if [ "$(cargo deny --version 2>/dev/null | awk '{print $2}')" != "$CARGO_DENY_VERSION" ]; then
    say "installing cargo-deny $CARGO_DENY_VERSION (once; ~6 min)"
    cargo install cargo-deny --locked --version "$CARGO_DENY_VERSION"
  fi
  if ! command -v chromium >/dev/null; then
    say "installing Chromium (Debian's) for the browser tests"
    apt_install chromium
  fi
  if ! command -v moto_server >/dev/null; then
    say "installing moto (PyPI): a local S3-compatible server for the picture storage test"
    python3 -m pip install --quiet --disable-pip-version-check "moto[server]==5.2.1"
  fi
  if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "installing aiosmtpd (PyPI) for the SMTP delivery tests"
    python3 -m pip install --quiet --disable-pip-version-check aiosmtpd==1.4.6
  fi
  if ! python3 -c 'import standardwebhooks' 2>/dev/null; then
    say "installing standardwebhooks (PyPI): the reference verifier of our webhook signatures"
    python3 -m pip install --quiet --disable-pip-version-check standardwebhooks==1.3.0
  fi
  if [ "$(schemathesis --version 2>/dev/null | awk '{print $NF}')" != "4.32.5" ]; then
    say "installing schemathesis (PyPI): the API checked against its OpenAPI document"
    python3 -m pip install --quiet --disable-pip-version-check schemathesis==4.32.5
  fi
  if [ "$(python3 -m pip show kubernetes-validate 2>/dev/null | awk '/^Version:/ {print $2}')" != "1.37.0" ]; then
    say "installing kubernetes-validate (PyPI, with the Kubernetes JSON schemas): deploy/k8s checked offline"
    python3 -m pip install --quiet --disable-pip-version-check kubernetes-validate==1.37.0
  fi
  if ! command -v promtool >/dev/null; then
    say "installing promtool (Debian's prometheus package): the alert rules' tests"
    apt_install --no-install-recommends prometheus
  fi
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || \
     [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    say "installing the end-to-end test packages"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
  fi
fi

if [ "${1:-}" = "--bench" ]; then
  command -v wrk >/dev/null || { say "installing wrk (Debian's) for make bench"; apt_install wrk; }
  command -v sqlite3 >/dev/null || { say "installing sqlite3 (Debian's) for make bench"; apt_install sqlite3; }
  command -v chromium >/dev/null || { say "installing Chromium (Debian's) for Lighthouse"; apt_install chromium; }
  if [ "$("$TOOLS_DIR/node_modules/.bin/lighthouse" --version 2>/dev/null)" != "$LIGHTHOUSE_VERSION" ]; then
    say "installing lighthouse $LIGHTHOUSE_VERSION (npm) into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "lighthouse@$LIGHTHOUSE_VERSION"
  fi
fi
