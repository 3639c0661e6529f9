//! Start-up: connect and migrate the database, seed on first start, choose the session
//! store, assemble the router and bind. [`Application::build`] returns before serving, so
//! tests start the real thing on port 0 and read the bound address.

use crate::config::{redact_url, Config};
use crate::security::Edge;
use crate::{site, worker};
use anyhow::Context as _;
use app::platform::db::Db;
use app::platform::jobs::Jobs;
use app::platform::limits::RateLimiter;
use app::platform::mail::Mailer;
use app::platform::redis::Redis;
use app::platform::secrets;
use app::platform::sessions::{SessionBackend, SqlSessionStore};
use app::platform::state::{AppState, RuntimeConfig};
use axum::Router;
use leptos::config::LeptosOptions;
use std::future::{Future, IntoFuture as _};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::service::SignedCookie;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_redis_store::fred::prelude::{
    Builder, ClientLike as _, Config as RedisConfig, ReconnectPolicy,
};

pub type SessionLayer = SessionManagerLayer<SessionBackend, SignedCookie>;

/// The session cookie's name: a request without it has no cart, account or dismissals.
pub const SESSION_COOKIE: &str = "oxcart_session";

/// How long an untouched session lives (the shopper's cart outlives a browser restart).
const SESSION_IDLE: time::Duration = time::Duration::days(14);

/// How long a shutdown waits for the requests in flight (Kubernetes' grace period in
/// deploy/k8s is 40 s: this, the worker's current job and the pool's close fit in it).
const DRAIN: Duration = Duration::from_secs(30);

/// Opens the database named by `DATABASE_URL` and applies pending migrations. A failed
/// migration is an error: the server never starts on a schema it does not expect.
pub async fn connect_database(config: &Config) -> anyhow::Result<Db> {
    let db = open_database(config).await?;
    db.migrate().await?;
    Ok(db)
}

/// Opens the database named by `DATABASE_URL` as it is (`restore` migrates it itself).
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url.expose();
    Db::connect(url)
        .await
        .with_context(|| format!("cannot connect to DATABASE_URL={}", redact_url(url)))
}

/// The state a command (`seed`, `restore`) runs the services with: no Redis, no site.
pub async fn command_state(config: &Config, db: &Db) -> anyhow::Result<AppState> {
    let options = LeptosOptions::builder().output_name("oxcart").build();
    assemble_state(config, db.clone(), None, options).await
}

/// Connects to `REDIS_URL`, failing after a few seconds rather than starting half-wired.
pub async fn connect_redis(url: &str) -> anyhow::Result<Redis> {
    let what = || format!("cannot connect to REDIS_URL={}", redact_url(url));
    let config = RedisConfig::from_url(url).with_context(what)?;
    let pool = Builder::from_config(config)
        .with_connection_config(|c| c.connection_timeout = Duration::from_secs(3))
        // While Redis is down a command fails after 2 s (fred would otherwise wait for
        // the reconnection forever): a sign-in then answers 503 at once, not after the
        // request time-out (server/tests/it/drills.rs).
        .with_performance_config(|c| c.default_command_timeout = Duration::from_secs(2))
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
/// Where uploaded files live: `STORAGE_URL`, else `<data dir>/media`.
pub fn open_storage(config: &Config) -> anyhow::Result<app::platform::storage::Storage> {
    match &config.storage_url {
        Some(url) => {
            let options: Vec<(String, String)> = config
                .storage_options
                .iter()
                .map(|(k, v)| (k.clone(), v.expose().to_owned()))
                .collect();
            app::platform::storage::Storage::from_url(url, &options)
        }
        None => app::platform::storage::Storage::local(&config.data_dir.join("media")),
    }
}

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
    let storage = open_storage(config)?;
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
    let postgres_url = (db.backend() == app::platform::db::Backend::Postgres)
        .then(|| config.database_url.expose().to_owned());
    let live = app::platform::live::Live::start(db.clone(), redis.clone(), postgres_url).await;
    let hits = app::platform::hits::Hits::start(db.clone());
    Ok(AppState::new(app::platform::state::Services {
        live,
        hits,
        payments,
        cache,
        storage,
        jobs: Jobs::new(db.clone(), Duration::from_secs(2)),
        limiter: RateLimiter::new(redis.clone()),
        config: Arc::new(RuntimeConfig {
            public_url: config.public_url.clone(),
            jwt_secret,
            trust_proxy: config.trust_proxy,
            webhooks: app::platform::state::WebhookSettings {
                allow_private: config.webhooks_allow_private,
                retry_unit_ms: config.webhook_retry_unit_ms,
            },
        }),
        db,
        leptos_options,
        redis,
    }))
}

pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    state: AppState,
    session_cleanup: Option<tokio::task::JoinHandle<()>>,
    audit_purge: tokio::task::JoinHandle<()>,
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
        let audit_purge = tokio::spawn(purge_audit_log(db.clone()));
        let secret = match &config.session_secret {
            Some(secret) => secret.expose().to_owned(),
            None => secrets::shared(&db, &config.data_dir, "session.key").await?,
        };
        let key = Key::try_from(secret.as_bytes()).context("the session secret is too short")?;
        let sessions = SessionManagerLayer::new(store.clone())
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
        let metrics_token = config.metrics_token.as_ref().map(|t| t.expose().to_owned());
        let router =
            crate::router::build_router(state.clone(), sessions, store, edge, pages, archive)
                .merge(crate::metrics::router(
                    state.clone(),
                    metrics_token,
                    config.data_dir.clone(),
                ));
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on OXCART_ADDR={}", config.addr))?;
        Ok(Self {
            listener,
            router,
            state,
            session_cleanup,
            audit_purge,
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
        // On the signal: stop accepting, answer what is in flight, but not for longer
        // than DRAIN (a request that never ends must not hold a deploy up).
        let (draining, drain_started) = tokio::sync::oneshot::channel::<()>();
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: answering the requests in flight");
            let _ = draining.send(());
        };
        let serve = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal)
        .into_future();
        let deadline = async move {
            if drain_started.await.is_ok() {
                tokio::time::sleep(DRAIN).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            served = serve => served.context("server error")?,
            () = deadline => tracing::warn!(seconds = DRAIN.as_secs(), "requests still running after the drain time: stopping anyway"),
        }
        if let Some(cleanup) = self.session_cleanup {
            cleanup.abort();
        }
        self.audit_purge.abort();
        self.worker.stop().await;
        self.state.db.close().await;
        tracing::info!("shutdown complete");
        Ok(())
    }
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

/// Removes audit rows past the retention setting, raw funnel rows past theirs and live
/// notifications older than a day, a minute after start and daily. Every instance runs
/// it; the deletes are idempotent, so several at once only repeat each other.
async fn purge_audit_log(db: app::platform::db::Db) {
    tokio::time::sleep(Duration::from_secs(60)).await;
    let mut every = tokio::time::interval(Duration::from_secs(24 * 3600));
    loop {
        every.tick().await;
        match app::audit::read::purge(&db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "old audit rows removed"),
            Err(err) => tracing::warn!(error = %err, "could not purge the audit log"),
        }
        match app::analytics::funnel::purge(&db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "old funnel rows removed"),
            Err(err) => tracing::warn!(error = %err, "could not purge the funnel"),
        }
        if let Err(err) = app::platform::live::purge(&db).await {
            tracing::warn!(error = %err, "could not purge old notifications");
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
