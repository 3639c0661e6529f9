//! `/health` (the process is alive) and `/ready` (it can serve: the database answers, and
//! Redis when configured). Load balancers route on `/ready`; orchestrators restart on
//! `/health`.

use app::error::{ErrorCode, PublicError};
use app::state::AppState;
use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use serde_json::{json, Map, Value};
use std::time::Duration;
use tower_sessions_redis_store::fred::prelude::ClientLike as _;

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn health() -> Response {
    app::envelope::success(
        StatusCode::OK,
        json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }),
    )
}

pub async fn ready(State(state): State<AppState>) -> Response {
    let mut checks = Map::new();
    let mut ok = true;

    let database = match tokio::time::timeout(CHECK_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => "ok",
        Ok(Err(err)) => {
            tracing::error!(error = %err, "readiness: database check failed");
            "unavailable"
        }
        Err(_) => {
            tracing::error!("readiness: database check timed out");
            "unavailable"
        }
    };
    ok &= database == "ok";
    checks.insert("database".into(), json!(database));

    if let Some(redis) = &state.redis {
        let result = tokio::time::timeout(CHECK_TIMEOUT, redis.ping::<String>(None)).await;
        let redis_status = match result {
            Ok(Ok(_)) => "ok",
            Ok(Err(err)) => {
                tracing::error!(error = %err, "readiness: redis check failed");
                "unavailable"
            }
            Err(_) => {
                tracing::error!("readiness: redis check timed out");
                "unavailable"
            }
        };
        ok &= redis_status == "ok";
        checks.insert("redis".into(), json!(redis_status));
    }

    if ok {
        app::envelope::success(
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
        app::envelope::error(
            StatusCode::SERVICE_UNAVAILABLE,
            &public,
            Some(Value::Object(checks)),
            None,
        )
    }
}
