//! Request bodies at the edge, before any handler or server function sees them: a size
//! limit (small by default, larger only where files are uploaded), no compressed bodies,
//! UTF-8 only, a multipart body must name its boundary, and a body that cannot be read
//! whole (broken chunked encoding, a Content-Length longer than what arrives) is refused.
//! Every refusal is a 4xx with the JSON envelope, or a small page for a plain form post;
//! what passes is handed on fully buffered, so nothing behind can fail reading it.

use app::platform::error::{ErrorCode, PublicError};
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use http::{header, HeaderMap, Method, StatusCode};
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use leptos::server_fn::ServerFn as _;

/// Forms, JSON and everything else without a file.
pub const DEFAULT_LIMIT: usize = 64 * 1024;
/// Stripe's events can carry large objects.
const WEBHOOK_LIMIT: usize = 1024 * 1024;
/// Room for the multipart framing around an uploaded file.
const MULTIPART_SLACK: usize = 64 * 1024;

/// The server functions that take a file (multipart/form-data only; server_fn answers
/// anything else sent to them with a 500) and the most each file may be.
fn upload_limit(path: &str) -> Option<usize> {
    if path == app::accounts::api::UploadAvatar::PATH {
        Some(app::accounts::avatar::MAX_BYTES)
    } else if path == app::catalog::api::UploadProductImage::PATH {
        Some(app::catalog::images::MAX_BYTES)
    } else if path == app::catalog::api::ImportCatalog::PATH {
        Some(app::catalog::csv::MAX_BYTES)
    } else {
        None
    }
}

/// `POST /api/v1/products/{id}/images`: the picture itself is the body.
fn is_api_picture(path: &str) -> bool {
    path.strip_prefix("/api/v1/products/")
        .and_then(|rest| rest.strip_suffix("/images"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// The largest body `path` accepts.
pub fn limit_for(path: &str) -> usize {
    if let Some(file) = upload_limit(path) {
        file + MULTIPART_SLACK
    } else if is_api_picture(path) {
        app::catalog::images::MAX_BYTES
    } else if path.starts_with("/webhooks/") {
        WEBHOOK_LIMIT
    } else {
        DEFAULT_LIMIT
    }
}

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    TooLarge(usize),
    Encoded,
    Charset,
    NoBoundary,
    MediaType,
    Unreadable,
    NotUtf8,
}

impl Refusal {
    fn code(&self) -> ErrorCode {
        match self {
            Self::TooLarge(_) => ErrorCode::PayloadTooLarge,
            Self::Encoded | Self::Charset | Self::MediaType => ErrorCode::UnsupportedMediaType,
            Self::NoBoundary | Self::Unreadable | Self::NotUtf8 => ErrorCode::ValidationError,
        }
    }

    fn message(&self) -> String {
        match self {
            Self::TooLarge(limit) => format!(
                "The request is too large: at most {} KB can be sent here.",
                limit / 1024
            ),
            Self::Encoded => "Send the request body uncompressed (no Content-Encoding).".into(),
            Self::Charset => "Send the request body as UTF-8.".into(),
            Self::NoBoundary => "The multipart body has no boundary.".into(),
            Self::MediaType => "This address does not take that kind of body: send a form \
                 (application/x-www-form-urlencoded), a file as multipart/form-data where one \
                 is asked for, or JSON."
                .into(),
            Self::Unreadable => "The request body could not be read whole.".into(),
            Self::NotUtf8 => "The request body is not valid UTF-8 text.".into(),
        }
    }

    fn into_response(self, headers: &HeaderMap) -> Response {
        let code = self.code();
        let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let message = self.message();
        tracing::info!(status = status.as_u16(), %message, "request body refused");
        let plain_form = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        if plain_form {
            return (status, Html(refusal_page(&message))).into_response();
        }
        let err = PublicError {
            code,
            message,
            field: None,
            request_id: app::platform::request::current_id(),
        };
        app::web::envelope::error(status, &err, None, None)
    }
}

/// A self-contained page for a plain form post that was refused (an upload too large).
fn refusal_page(message: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>That did not work · Oxcart</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem"><main data-testid="request-refused"><h1>That did not work</h1><p>{}</p><p><a href="javascript:history.back()">Go back</a> and try again.</p></main></body></html>"#,
        app::platform::html::escape(message)
    )
}

/// What a route takes, for [`check_headers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// A REST route or the webhook: JSON, checked by the handler.
    Any,
    /// A Leptos server function: forms and JSON.
    ServerFn,
    /// A server function that takes a file: multipart only.
    Upload,
}

/// Checks the headers of a body-carrying request to a route that `takes` such bodies.
pub fn check_headers(headers: &HeaderMap, takes: Takes, limit: usize) -> Result<(), Refusal> {
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase());
    if encoding.is_some_and(|e| !e.is_empty() && e != "identity") {
        return Err(Refusal::Encoded);
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(Refusal::TooLarge(limit));
    }
    let Some(content_type) = headers.get(header::CONTENT_TYPE) else {
        return if takes == Takes::Upload {
            Err(Refusal::MediaType)
        } else {
            Ok(())
        };
    };
    let content_type = content_type.to_str().map_err(|_| Refusal::MediaType)?;
    let mut parts = content_type.split(';');
    let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let mut boundary = false;
    for param in parts {
        let (name, value) = param.split_once('=').unwrap_or((param, ""));
        let value = value.trim().trim_matches('"');
        match name.trim().to_ascii_lowercase().as_str() {
            "charset" if !matches!(value.to_ascii_lowercase().as_str(), "utf-8" | "utf8") => {
                return Err(Refusal::Charset);
            }
            "boundary" if !value.is_empty() => boundary = true,
            _ => {}
        }
    }
    if media == "multipart/form-data" && !boundary {
        return Err(Refusal::NoBoundary);
    }
    let accepted = match takes {
        Takes::Any => true,
        Takes::ServerFn => matches!(
            media.as_str(),
            "application/x-www-form-urlencoded" | "application/json" | ""
        ),
        Takes::Upload => media == "multipart/form-data",
    };
    if accepted {
        Ok(())
    } else {
        Err(Refusal::MediaType)
    }
}

fn is_text(headers: &HeaderMap) -> bool {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    media.is_empty()
        || media == "application/x-www-form-urlencoded"
        || media == "application/json"
        || media.ends_with("+json")
        || media.starts_with("text/")
}

/// The middleware: checks, reads and buffers the body of every request that may carry
/// one, within the limit of its route.
pub async fn guard_bodies(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let takes = if upload_limit(&path).is_some() {
        Takes::Upload
    } else if path.starts_with("/api/") && !path.starts_with("/api/v1/") {
        Takes::ServerFn
    } else {
        Takes::Any
    };
    let limit = limit_for(&path);
    if let Err(refusal) = check_headers(req.headers(), takes, limit) {
        return refusal.into_response(req.headers());
    }
    let (parts, body) = req.into_parts();
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => {
            return Refusal::TooLarge(limit).into_response(&parts.headers)
        }
        Err(_) => return Refusal::Unreadable.into_response(&parts.headers),
    };
    if is_text(&parts.headers) && std::str::from_utf8(&bytes).is_err() {
        return Refusal::NotUtf8.into_response(&parts.headers);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, http::HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn bodies_are_refused_for_what_they_declare() {
        let check = |pairs: &[(&'static str, &'static str)]| {
            check_headers(&headers(pairs), Takes::ServerFn, DEFAULT_LIMIT)
        };
        assert_eq!(
            check(&[("content-type", "application/x-www-form-urlencoded")]),
            Ok(())
        );
        assert_eq!(
            check(&[("content-type", "multipart/form-data; boundary=xyz")]),
            Err(Refusal::MediaType),
            "only uploads take files"
        );
        let upload = |pairs: &[(&'static str, &'static str)]| {
            check_headers(&headers(pairs), Takes::Upload, DEFAULT_LIMIT)
        };
        assert_eq!(
            upload(&[("content-type", "multipart/form-data; boundary=xyz")]),
            Ok(())
        );
        assert_eq!(
            upload(&[("content-type", "multipart/form-data")]),
            Err(Refusal::NoBoundary)
        );
        assert_eq!(
            upload(&[("content-type", "application/json")]),
            Err(Refusal::MediaType)
        );
        assert_eq!(upload(&[]), Err(Refusal::MediaType));
        assert_eq!(
            check(&[("content-type", "application/json; charset=utf-16")]),
            Err(Refusal::Charset)
        );
        assert_eq!(
            check(&[("content-encoding", "gzip")]),
            Err(Refusal::Encoded)
        );
        assert_eq!(
            check(&[("content-type", "application/xml")]),
            Err(Refusal::MediaType)
        );
        assert_eq!(
            check(&[("content-length", "99999999999")]),
            Err(Refusal::TooLarge(DEFAULT_LIMIT))
        );
    }

    #[test]
    fn uploads_get_room_for_their_files_and_nothing_else_does() {
        assert_eq!(limit_for("/api/v1/auth/login"), DEFAULT_LIMIT);
        assert_eq!(
            limit_for("/api/v1/products/p1/images"),
            app::catalog::images::MAX_BYTES
        );
        assert_eq!(limit_for("/api/v1/products/a/b/images"), DEFAULT_LIMIT);
        assert!(limit_for(app::catalog::api::UploadProductImage::PATH) > 10 * 1024 * 1024);
        assert!(limit_for(app::accounts::api::UploadAvatar::PATH) > DEFAULT_LIMIT);
    }
}
