# syntax=docker/dockerfile:1
# Multi-stage: the same `make build` as `make run` (cargo-leptos release build, tools from
# the package registries), then a slim runtime with the binary, its hash file and the site.

FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Tools first: this layer is reused until the lockfile (wasm-bindgen version) changes.
COPY Cargo.lock ./
COPY scripts/bootstrap.sh scripts/
RUN scripts/bootstrap.sh
COPY . .
# Stripped: the symbols are most of the release binary's size (docs/performance.md).
RUN make build && strip target/release/oxcart

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin oxcart
WORKDIR /app
# The binary finds ./site (the storefront's bundle) and ./site-admin (the staff
# dashboard's) next to itself, and reads hash.txt and admin-hash.txt (hashed names) there.
# Earlier builds' files are kept in the data volume (pkg-archive, docs/adr/0006).
COPY --from=build /src/target/release/oxcart /app/oxcart
COPY --from=build /src/target/release/hash.txt /src/target/release/admin-hash.txt /app/
COPY --from=build /src/target/site /app/site
COPY --from=build /src/target/site-admin /app/site-admin
RUN mkdir -p /app/data && chown oxcart:oxcart /app/data
USER oxcart
ENV OXCART_ADDR=0.0.0.0:3000 \
    OXCART_DATA_DIR=/app/data \
    LOG_FORMAT=json
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:3000/health >/dev/null || exit 1
# Runs with a read-only root file system (deploy/k8s): it writes only to /app/data and /tmp.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/oxcart"]
CMD ["serve"]
