//! `/health` (the process is alive) and `/ready` (it can serve: the database answers, and
//! Redis when configured). Load balancers route on `/ready`; orchestrators restart on
//! `/health`.

use app::platform::error::{ErrorCode, PublicError};
use app::platform::state::AppState;
use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use serde_json::{json, Map, Value};
use std::time::Duration;
use tower_sessions_redis_store::fred::prelude::ClientLike as _;

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn health() -> Response {
    app::web::envelope::success(
        StatusCode::OK,
        json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }),
    )
}

pub async fn ready(State(state): State<AppState>) -> Response {
    let mut checks = Map::new();
    let mut ok = true;

    let database = timed_check("database", state.db.ping()).await;
    ok &= database == "ok";
    checks.insert("database".into(), json!(database));

    if let Some(redis) = &state.redis {
        let redis_status = timed_check("redis", redis.ping::<String>(None)).await;
        ok &= redis_status == "ok";
        checks.insert("redis".into(), json!(redis_status));
    }

    if ok {
        app::web::envelope::success(
            StatusCode::OK,
            json!({ "status": "ready", "checks": checks }),
        )
    } else {
        let down: Vec<&str> = checks
            .iter()
            .filter(|(_, v)| v.as_str() != Some("ok"))
            .map(|(k, _)| k.as_str())
            .collect();
        let public = PublicError::new(
            ErrorCode::ServiceUnavailable,
            format!("Not ready: {} unavailable.", down.join(" and ")),
        );
        app::web::envelope::error(
            StatusCode::SERVICE_UNAVAILABLE,
            &public,
            Some(Value::Object(checks)),
            None,
        )
    }
}

/// `"ok"` when `check` succeeds within [`CHECK_TIMEOUT`], else `"unavailable"` (the cause
/// goes to the log, not to the caller).
async fn timed_check<T, E: std::fmt::Display>(
    name: &str,
    check: impl std::future::Future<Output = Result<T, E>>,
) -> &'static str {
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok(_)) => "ok",
        Ok(Err(err)) => {
            tracing::error!(check = name, error = %err, "readiness check failed");
            "unavailable"
        }
        Err(_) => {
            tracing::error!(check = name, "readiness check timed out");
            "unavailable"
        }
    }
}
