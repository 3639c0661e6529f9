//! The JSON envelope of every `/api/` response (DESIGN.md, "Public surface"):
//! `{"status":"success","data":…,"meta":{…}}` or `{"status":"error","error":{…},"meta":{…}}`.

use crate::platform::error::{AppError, PublicError};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{HeaderValue, StatusCode};
use serde::Serialize;
use serde_json::{json, Value};

/// `meta`: when the response was made and which request it answers.
pub fn meta() -> Value {
    let timestamp = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    json!({ "timestamp": timestamp, "request_id": crate::platform::request::current_id() })
}

/// A success envelope around `data`.
pub fn success<T: Serialize>(status: StatusCode, data: T) -> Response {
    let body = json!({ "status": "success", "data": data, "meta": meta() });
    (status, Json(body)).into_response()
}

/// A success envelope around one page of a list, with its `pagination`.
pub fn page<T: Serialize>(data: T, pagination: &crate::web::pagination::Pagination) -> Response {
    let body =
        json!({ "status": "success", "data": data, "pagination": pagination, "meta": meta() });
    (StatusCode::OK, Json(body)).into_response()
}

/// An error envelope; `retry_after` (seconds) also sets the `Retry-After` header.
pub fn error(
    status: StatusCode,
    err: &PublicError,
    details: Option<Value>,
    retry_after: Option<u64>,
) -> Response {
    let mut error = json!({ "code": err.code.as_str(), "message": err.message });
    if let Some(field) = &err.field {
        error["field"] = json!(field);
    }
    if let Some(details) = details {
        error["details"] = details;
    }
    if let Some(seconds) = retry_after {
        error["retry_after"] = json!(seconds);
    }
    let body = json!({ "status": "error", "error": error, "meta": meta() });
    let mut response = (status, Json(body)).into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// An error answered by a REST handler or the server itself: the envelope with the
/// error's status, and `Retry-After` and the refusing counter's headers when limited.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let limited = match &self {
            Self::RateLimited {
                retry_after,
                reset_at,
                limit,
            } => Some((*retry_after, *reset_at, *limit)),
            _ => None,
        };
        let mut response = error(
            self.status(),
            &self.to_public(),
            None,
            limited.map(|(retry_after, _, _)| retry_after),
        );
        if let Some((_, reset_at, limit)) = limited {
            for (name, value) in crate::platform::error::refused_headers(limit, reset_at) {
                if let Ok(value) = http::HeaderValue::from_str(&value) {
                    response
                        .headers_mut()
                        .insert(http::HeaderName::from_static(name), value);
                }
            }
        }
        response
    }
}
