# Oxcart: `make run` serves the store, `make test` runs every check. Both install what is
# missing first (scripts/bootstrap.sh) and are quick the second time.

SHELL := /bin/bash
TOOLS_DIR ?= $(HOME)/.cache/oxcart/tools
export OXCART_TOOLS_DIR := $(TOOLS_DIR)
# The registry-installed tools come first, so cargo-leptos never tries to download its own.
export PATH := $(TOOLS_DIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
OXCART := $(TARGET_DIR)/release/oxcart

.PHONY: run build tools test-tools test lint fmt clippy deny deploy-check unit api-check e2e bench clean

## run: build the release site and binary, then serve http://127.0.0.1:3000 on SQLite in
## ./data, with a demo catalog of 300 products made on the first start
run: build
	$(OXCART) seed --demo 300 --if-empty
	$(OXCART) serve

## bench: pages, cart and checkout under load beside a bare axum handler, memory,
## start-up, bundle sizes and Lighthouse (docs/performance.md); reports, never asserts
bench: build
	@scripts/bootstrap.sh --bench
	scripts/bench.sh

## build: release build of the server and of the two front-end bundles (docs/adr/0006):
## the storefront's islands (target/site) and the staff dashboard (target/site-admin);
## prints their sizes
build: tools
	cargo leptos build --release --precompress --project oxcart
	cargo leptos build --release --precompress --project oxcart-admin --frontend-only
	@scripts/bundle-size.sh

tools:
	@scripts/bootstrap.sh

test-tools:
	@scripts/bootstrap.sh --test

## test: formatting, lints, unit + integration tests (SQLite, and PostgreSQL/Redis when
## TEST_DATABASE_URL/TEST_REDIS_URL are set), then the browser tests in Chromium
test: test-tools lint deploy-check unit build api-check e2e

lint: fmt clippy deny

fmt:
	cargo fmt --all --check

clippy:
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p frontend-admin --target wasm32-unknown-unknown -- -D warnings

## deny: licences, banned crates and sources of every dependency (deny.toml); the lock
## file as committed (the advisory database cannot be fetched here: docs/security.md)
deny:
	cargo deny --locked check licenses bans sources

## deploy-check: manifests, alert rules and dashboard checked offline (scripts/deploy-check.sh)
deploy-check:
	scripts/deploy-check.sh

unit:
	cargo test -p app -p server
	@[ -n "$$TEST_DATABASE_URL" ] || echo "NOTE: TEST_DATABASE_URL is not set: the PostgreSQL half of every integration test returned early (counted as passed)."
	@[ -n "$$TEST_REDIS_URL" ] || echo "NOTE: TEST_REDIS_URL is not set: the Redis scenarios returned early (counted as passed)."

## api-check: schemathesis against the live release binary (its OpenAPI document)
api-check:
	scripts/api-check.sh "$(abspath $(OXCART))"

e2e:
	cd end2end && OXCART_BIN="$(abspath $(OXCART))" npx playwright test

clean:
	cargo clean
	rm -rf end2end/test-results end2end/playwright-report
