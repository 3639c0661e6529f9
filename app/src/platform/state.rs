//! What server functions and handlers share: the database, the Leptos options, Redis
//! when configured, the job queue, the rate limiter, the read cache, file storage, the
//! payment provider and the settings of the process. Built once by the server at
//! start-up. Every field is a platform service, so every layer above may take it.

use crate::platform::db::Db;
use crate::platform::error::AppError;
use crate::platform::jobs::Jobs;
use crate::platform::limits::RateLimiter;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// The services, behind one reference count: a request clones the state several times
/// (the router, middleware, Leptos' context, every server function), and cloning each
/// service's own handles took a quarter of the time of a request that did nothing else
/// (`perf` on `/health`, docs/performance.md). Fields read through it: `state.db`.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Services>);

impl AppState {
    pub fn new(services: Services) -> Self {
        Self(Arc::new(services))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// leptos_axum reads the options from the router's state.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

#[derive(Debug)]
pub struct Services {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    pub redis: Option<crate::platform::redis::Redis>,
    pub jobs: Jobs,
    pub limiter: RateLimiter,
    pub config: Arc<RuntimeConfig>,
    /// The read cache (catalog pages) and its invalidation across instances.
    pub cache: crate::platform::cache::ReadCache,
    /// Uploaded files (product pictures).
    pub storage: crate::platform::storage::Storage,
    /// The payment provider (Stripe or the offline test provider).
    pub payments: crate::platform::payments::Payments,
    /// The live feed's delivery to this instance's WebSocket connections.
    pub live: crate::platform::live::Live,
    /// First-party funnel hits, written in batches off the request path.
    pub hits: crate::platform::hits::Hits,
}

/// The parts of the configuration that request handling needs.
#[derive(Clone)]
pub struct RuntimeConfig {
    /// `OXCART_PUBLIC_URL`: every link in a mail starts with it.
    pub public_url: url::Url,
    /// Signs REST access tokens (HS256).
    pub jwt_secret: Vec<u8>,
    /// `OXCART_TRUST_PROXY`: take the client address from `X-Forwarded-For`.
    pub trust_proxy: bool,
    pub webhooks: WebhookSettings,
}

/// How outgoing webhooks are sent (`integrations::delivery`).
#[derive(Clone, Copy, Debug)]
pub struct WebhookSettings {
    /// `OXCART_WEBHOOKS_ALLOW_PRIVATE`: loopback and private targets allowed (tests).
    pub allow_private: bool,
    /// `OXCART_WEBHOOK_RETRY_UNIT_MS`: the retry schedule's unit (one minute).
    pub retry_unit_ms: u64,
}

impl std::fmt::Debug for RuntimeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeConfig")
            .field("public_url", &self.public_url.as_str())
            .field("jwt_secret", &"[redacted]")
            .field("trust_proxy", &self.trust_proxy)
            .field("webhooks", &self.webhooks)
            .finish()
    }
}

impl RuntimeConfig {
    /// Whether the store is served over https (cookies `Secure`, HSTS).
    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

impl AppState {
    /// The state inside a server function (leptos_axum provides it as context).
    /// Falls back to the request's own copy (`request::remembered`), for builds of a page
    /// whose reactive owner is gone.
    pub fn from_context() -> Result<Self, AppError> {
        leptos::prelude::use_context::<Self>()
            .or_else(crate::platform::request::remembered::<Self>)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("AppState missing from context")))
    }
}
