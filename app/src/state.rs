//! What server functions and handlers share: the database, the Leptos options and,
//! when configured, Redis. Built once by the server at start-up.

use crate::db::Db;
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

/// A connected Redis pool (fred), present when `REDIS_URL` is set.
pub type Redis = tower_sessions_redis_store::fred::prelude::Pool;

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    pub redis: Option<Redis>,
}

impl AppState {
    /// The state inside a server function (leptos_axum provides it as context).
    pub fn from_context() -> Result<Self, AppError> {
        leptos::prelude::use_context::<Self>()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("AppState missing from context")))
    }
}

/// The shopper's session inside a server function.
pub async fn session() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session layer missing: {e}")))
}
