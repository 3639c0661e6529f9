//! The whole HTTP surface in one place: the page routes, the REST and catalog routers, the
//! built site's files and every middleware layer, in order.

use crate::health;
use crate::middleware::{
    api_not_found, panic_response, pkg_cache_headers, request_context, server_fn_error_status,
};
use crate::security::{refuse_cross_site, security_headers, Edge};
use crate::startup::SessionLayer;
use app::platform::state::AppState;
use axum::routing::{any, get};
use axum::Router;
use leptos_axum::LeptosRoutes as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;

/// The longest a request may wait for its response head.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The app's page routes, discovered once per process: route discovery renders the app,
/// and doing that again (a test starting another server) while a page renders elsewhere
/// in the process made about one render in 150 hang until the request timeout.
pub fn page_routes() -> &'static [leptos_axum::AxumRouteListing] {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| leptos_axum::generate_route_list(app::App))
}

/// The whole HTTP surface. Layers, outermost first: request id and access log, panic →
/// 500, a 30 s limit for the response head, compression, security headers, pages
/// (nonce, sealing, the page cache: `page_cache`), the cross-site check, request bodies
/// (limits, encodings: `bodies`), server-function error statuses, sessions, protected
/// pages (`pages`).
pub fn build_router(
    state: AppState,
    sessions: SessionLayer,
    carts: app::platform::sessions::SessionBackend,
    edge: Edge,
    pages: crate::page_cache::PageCache,
    archive: Option<std::path::PathBuf>,
) -> Router {
    let edge = Arc::new(edge);
    let trust_proxy = state.config.trust_proxy;
    let options = state.leptos_options.clone();
    let state_for_pages = state.clone();
    let state_for_funnel = state.clone();
    let state_for_api = state.clone();
    let state_for_scope = state.clone();
    let routes = page_routes().to_vec();
    let pkg_dir = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    // Missing folders are named inside pkg/ (and serve nothing), never the working dir.
    let admin_pkg_dir = crate::site::admin_site_of(Path::new(&*options.site_root)).map_or_else(
        || pkg_dir.join(".no-admin"),
        |a| a.join(&*options.site_pkg_dir),
    );
    let archive = archive.unwrap_or_else(|| pkg_dir.join(".no-archive"));
    let hashed = options.hash_files;
    let pkg = Router::new()
        .nest_service(
            "/pkg",
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                    ServeDir::new(admin_pkg_dir)
                        .precompressed_br()
                        .precompressed_gzip()
                        .fallback(
                            ServeDir::new(archive)
                                .precompressed_br()
                                .precompressed_gzip(),
                        ),
                ),
        )
        .layer(axum::middleware::from_fn(move |req, next| {
            pkg_cache_headers(hashed, req, next)
        }));

    let base = crate::routes::add(Router::new(), "GET", "/health", get(health::health));
    let base = crate::routes::add(base, "GET", "/ready", get(health::ready));
    let base = crate::routes::add(
        base,
        "GET,POST,PUT,DELETE",
        "/api/{*path}",
        any(api_not_found),
    );
    base.leptos_routes(&state, routes, {
        let options = options.clone();
        move || app::shell(options.clone())
    })
    .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
        app::shell,
    ))
    .with_state(state.clone())
    .merge(crate::api::router(state.clone(), carts))
    .merge(crate::catalog::router(state.clone()))
    .merge(crate::orders::router(state.clone()))
    .merge(crate::exports::router(state.clone()))
    .merge(crate::live::router(state))
    .merge(pkg)
    .layer(axum::middleware::from_fn_with_state(
        state_for_api,
        crate::api::caller::gate,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state_for_pages,
        crate::pages::protect_pages,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state_for_scope,
        crate::middleware::remember_context,
    ))
    .layer(sessions)
    .layer(axum::middleware::from_fn(
        crate::middleware::session_store_down,
    ))
    .layer(axum::middleware::from_fn(server_fn_error_status))
    .layer(axum::middleware::from_fn(crate::bodies::guard_bodies))
    .layer(axum::middleware::from_fn_with_state(
        edge.clone(),
        refuse_cross_site,
    ))
    .layer(axum::middleware::from_fn_with_state(
        Arc::new(pages),
        crate::page_cache::finish_pages,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state_for_funnel,
        crate::funnel::count_views,
    ))
    .layer(axum::middleware::from_fn_with_state(edge, security_headers))
    // Quality 4, not the libraries' default (brotli 11): a rendered page compresses in a
    // fraction of a millisecond instead of tens. Cached pages carry their own compressed
    // copies, and the WASM and JS are compressed ahead of time (`--precompress`).
    .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
    // No request waits for its response head forever: a stuck render or dependency
    // answers 503 and is logged, instead of holding the connection.
    .layer(tower_http::timeout::TimeoutLayer::with_status_code(
        http::StatusCode::SERVICE_UNAVAILABLE,
        REQUEST_TIMEOUT,
    ))
    .layer(CatchPanicLayer::custom(panic_response))
    .layer(axum::middleware::from_fn(move |req, next| {
        request_context(trust_proxy, req, next)
    }))
    .layer(axum::middleware::from_fn(crate::metrics::track))
}
