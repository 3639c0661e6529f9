//! The yardstick of `make bench`: a bare axum "hello" handler on the same runtime as
//! Oxcart (tokio, multi-threaded), with no middleware. Every page figure in
//! docs/performance.md is a ratio to this, measured in the same run.
//!
//!   cargo run --release -p server --example hello -- 127.0.0.1:3397

use axum::routing::get;
use axum::Router;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3397".to_owned());
    let app = Router::new().route("/", get(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
