//! Start-up: connect and migrate the database, seed on first start, choose the session
//! store, assemble the router and bind. [`Application::build`] returns before serving, so
//! tests start the real thing on port 0 and read the bound address.

use crate::config::{redact_url, Config};
use crate::middleware::{
    api_not_found, panic_response, pkg_cache_headers, request_context, server_fn_error_status,
};
use crate::security::{refuse_cross_site, security_headers, Edge};
use crate::{health, site, worker};
use anyhow::Context as _;
use app::platform::db::Db;
use app::platform::jobs::Jobs;
use app::platform::limits::RateLimiter;
use app::platform::mail::Mailer;
use app::platform::redis::Redis;
use app::platform::secrets;
use app::platform::sessions::{SessionBackend, SqlSessionStore};
use app::platform::state::{AppState, RuntimeConfig};
use axum::routing::{any, get};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::LeptosRoutes as _;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::service::SignedCookie;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_redis_store::fred::prelude::{
    Builder, ClientLike as _, Config as RedisConfig, ReconnectPolicy,
};

pub type SessionLayer = SessionManagerLayer<SessionBackend, SignedCookie>;

/// The longest a request may wait for its response head.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The session cookie's name: a request without it has no cart, account or dismissals.
pub const SESSION_COOKIE: &str = "oxcart_session";

/// How long an untouched session lives (the shopper's cart outlives a browser restart).
const SESSION_IDLE: time::Duration = time::Duration::days(14);

/// Opens the database named by `DATABASE_URL` and applies pending migrations. A failed
/// migration is an error: the server never starts on a schema it does not expect.
pub async fn connect_database(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url.expose();
    let db = Db::connect(url)
        .await
        .with_context(|| format!("cannot connect to DATABASE_URL={}", redact_url(url)))?;
    db.migrate().await?;
    Ok(db)
}

/// Connects to `REDIS_URL`, failing after a few seconds rather than starting half-wired.
pub async fn connect_redis(url: &str) -> anyhow::Result<Redis> {
    let what = || format!("cannot connect to REDIS_URL={}", redact_url(url));
    let config = RedisConfig::from_url(url).with_context(what)?;
    let pool = Builder::from_config(config)
        .with_connection_config(|c| c.connection_timeout = Duration::from_secs(3))
        .set_policy(ReconnectPolicy::new_exponential(0, 100, 5_000, 2))
        .build_pool(4)
        .with_context(what)?;
    match tokio::time::timeout(Duration::from_secs(5), pool.init()).await {
        Ok(Ok(_handle)) => Ok(pool),
        Ok(Err(err)) => Err(anyhow::Error::new(err).context(what())),
        Err(_) => Err(anyhow::anyhow!("timed out after 5 s").context(what())),
    }
}

/// The shared state of request handling, from the connected database and Redis. The CLI
/// (`seed --demo`) builds one too, to go through the same services as the server.
pub async fn assemble_state(
    config: &Config,
    db: Db,
    redis: Option<Redis>,
    leptos_options: LeptosOptions,
) -> anyhow::Result<AppState> {
    let jwt_secret = match &config.jwt_secret {
        Some(secret) => secret.expose().as_bytes().to_vec(),
        None => secrets::shared(&db, &config.data_dir, "jwt.key")
            .await?
            .into_bytes(),
    };
    let storage = match &config.storage_url {
        Some(url) => {
            let options: Vec<(String, String)> = config
                .storage_options
                .iter()
                .map(|(k, v)| (k.clone(), v.expose().to_owned()))
                .collect();
            app::platform::storage::Storage::from_url(url, &options)?
        }
        None => app::platform::storage::Storage::local(&config.data_dir.join("media"))?,
    };
    tracing::info!(?storage, "pictures");
    let cache = app::platform::cache::ReadCache::new(redis.clone(), config.catalog_cache);
    if let Some(redis) = &redis {
        cache
            .listen(redis)
            .await
            .context("cannot subscribe to cache invalidations on REDIS_URL")?;
    }
    let payments = match &config.stripe_secret_key {
        Some(key) => app::platform::payments::Payments {
            provider: Arc::new(app::platform::payments::stripe::StripeProvider::new(
                key.expose(),
                config.stripe_api_base.as_ref().map(url::Url::as_str),
            )),
            publishable_key: config.stripe_publishable_key.clone(),
            webhook_secret: config
                .stripe_webhook_secret
                .as_ref()
                .map(|s| s.expose().as_bytes().to_vec()),
        },
        None => app::platform::payments::Payments::test(),
    };
    tracing::info!(provider = payments.provider.name(), "payments");
    Ok(AppState {
        payments,
        cache,
        storage,
        jobs: Jobs::new(db.clone(), Duration::from_secs(2)),
        limiter: RateLimiter::new(redis.clone()),
        config: Arc::new(RuntimeConfig {
            public_url: config.public_url.clone(),
            jwt_secret,
            trust_proxy: config.trust_proxy,
        }),
        db,
        leptos_options,
        redis,
    })
}

pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    state: AppState,
    session_cleanup: Option<tokio::task::JoinHandle<()>>,
    worker: worker::Handle,
}

impl Application {
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let db = connect_database(config).await?;
        if !app::settings::db::is_seeded(&db).await? {
            let report = app::settings::db::seed_defaults(&db).await?;
            tracing::info!(
                settings = report.settings_written,
                "first start: seeded demo data"
            );
        }

        let redis = match &config.redis_url {
            Some(url) => Some(connect_redis(url.expose()).await?),
            None => None,
        };
        let (store, session_cleanup) = match &redis {
            Some(pool) => (SessionBackend::redis(pool.clone()), None),
            None => {
                let store = SqlSessionStore::new(db.clone());
                let cleanup = tokio::spawn(delete_expired_sessions(store.clone()));
                (SessionBackend::Sql(store), Some(cleanup))
            }
        };
        let secret = match &config.session_secret {
            Some(secret) => secret.expose().to_owned(),
            None => secrets::shared(&db, &config.data_dir, "session.key").await?,
        };
        let key = Key::try_from(secret.as_bytes()).context("the session secret is too short")?;
        let sessions = SessionManagerLayer::new(store)
            .with_name(SESSION_COOKIE)
            .with_same_site(SameSite::Lax)
            .with_http_only(true)
            .with_secure(config.is_https())
            .with_expiry(Expiry::OnInactivity(SESSION_IDLE))
            .with_signed(key);

        let site = site::locate(config);
        match &site {
            Some(site) => {
                tracing::info!(root = %site.root.display(), admin = ?site.admin, hashed = site.hashed, "serving the site");
                if site.admin.is_none() {
                    tracing::warn!("the staff dashboard's bundle was not built (run `make build`): admin pages will not hydrate");
                }
            }
            None => tracing::warn!("no built site found (run `make run`): pages will not hydrate"),
        }
        // Files of the previous build stay servable for tabs opened before this start.
        let archive = site.as_ref().filter(|s| s.hashed).and_then(|site| {
            crate::archive::refresh(site, &config.data_dir)
                .inspect_err(
                    |err| tracing::warn!(error = %err, "could not keep the previous build's files"),
                )
                .ok()
        });
        let leptos_options = LeptosOptions::builder()
            .output_name("oxcart")
            .site_root(site.as_ref().map_or_else(
                || "target/site".to_owned(),
                |s| s.root.display().to_string(),
            ))
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .hash_files(site.as_ref().is_some_and(|s| s.hashed))
            .build();

        let mailer = Mailer::new(
            config.smtp_url.as_ref().map(|u| u.expose()),
            config.data_dir.join("outbox"),
            &config.mail_from,
        )?;
        tracing::info!(?mailer, "mail");
        let state = assemble_state(config, db, redis, leptos_options).await?;
        let worker = worker::start(state.clone(), mailer);
        // Before the router: leptos_axum would otherwise install a plain tokio executor.
        app::platform::request::init_executor();
        let edge = Edge {
            origin: config.public_url.origin().ascii_serialization(),
            https: config.is_https(),
        };
        let pages = crate::page_cache::PageCache::new(
            state.cache.clone(),
            config.page_cache_mb * 1024 * 1024,
            SESSION_COOKIE,
        );
        let router = build_router(state.clone(), sessions, edge, pages, archive);
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on OXCART_ADDR={}", config.addr))?;
        Ok(Self {
            listener,
            router,
            state,
            session_cleanup,
            worker,
        })
    }

    /// The bound address (the real port when `OXCART_ADDR` asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish and closes
    /// the database pool.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let addr = self.addr();
        tracing::info!(%addr, "listening");
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("server error")?;
        if let Some(cleanup) = self.session_cleanup {
            cleanup.abort();
        }
        self.worker.stop().await;
        self.state.db.close().await;
        tracing::info!("shutdown complete");
        Ok(())
    }
}

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
    edge: Edge,
    pages: crate::page_cache::PageCache,
    archive: Option<std::path::PathBuf>,
) -> Router {
    let edge = Arc::new(edge);
    let options = state.leptos_options.clone();
    let state_for_pages = state.clone();
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
    .merge(crate::api::router(state.clone()))
    .merge(crate::catalog::router(state.clone()))
    .merge(crate::orders::router(state))
    .merge(pkg)
    .layer(axum::middleware::from_fn_with_state(
        state_for_pages,
        crate::pages::protect_pages,
    ))
    .layer(sessions)
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
    .layer(axum::middleware::from_fn(request_context))
}

async fn delete_expired_sessions(store: SqlSessionStore) {
    let mut every = tokio::time::interval(Duration::from_secs(600));
    loop {
        every.tick().await;
        match store.delete_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "expired sessions removed"),
            Err(err) => tracing::warn!(error = %err, "could not remove expired sessions"),
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received: finishing in-flight requests");
}
