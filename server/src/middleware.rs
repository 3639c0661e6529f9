//! Middleware at the edge of every request: the request id and its log span, the access
//! log line, and the friendly 500 page when a handler panics.

use app::platform::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use http::{HeaderValue, StatusCode};
use std::any::Any;
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument as _;

pub const REQUEST_ID: &str = "x-request-id";

/// The id of the current request, in the request's extensions for handlers that want it.
#[derive(Clone, Debug)]
pub struct RequestId(pub Arc<str>);

/// Marks a response made from a panic, so the edge can answer API clients in JSON.
#[derive(Clone, Copy, Debug)]
struct Panicked;

/// Gives every request an id (the caller's `x-request-id` when it is a sane token, else
/// a new one), runs it inside a span carrying that id, echoes the id on the response and
/// logs one line when the response is ready.
pub async fn request_context(trust_proxy: bool, mut req: Request, next: Next) -> Response {
    let id: Arc<str> = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_token(v))
        .map_or_else(|| Arc::from(new_request_id()), Arc::from);
    req.extensions_mut().insert(RequestId(id.clone()));

    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let span = tracing::info_span!("request", request_id = %id, %method, %path);
    let started = Instant::now();

    let ip = app::platform::request::client_ip(req.headers(), req.extensions(), trust_proxy);
    let agent = app::platform::request::trackable_agent(req.headers());
    let scope = app::platform::request::Scope::new(id.clone())
        .with_ip(ip)
        .with_agent(agent);
    let mut response =
        app::platform::request::scope(scope.clone(), next.run(req).instrument(span.clone())).await;

    if response.extensions().get::<Panicked>().is_some() && path.starts_with("/api/") {
        response = app::platform::request::scope(scope.clone(), async {
            AppError::Internal(anyhow::anyhow!("handler panicked")).into_response()
        })
        .await;
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    // The database statements this request ran before its response head (a page renders
    // whole before then): shown by browsers' developer tools, and read by the test that
    // holds a listing page's query count constant as the catalog grows.
    if let Ok(value) =
        HeaderValue::from_str(&format!("db;desc=\"queries\";count={}", scope.queries()))
    {
        response.headers_mut().insert("server-timing", value);
    }
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    // Streamed pages are rendered while the body is polled, after this function returns:
    // keep the request's span and id around every poll so that work logs under the request.
    let response = response.map(|body| {
        Body::new(InRequestContext {
            inner: body,
            scope: scope.clone(),
            span: span.clone(),
        })
    });
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, latency_ms, "request failed");
        } else {
            tracing::info!(status, latency_ms, "request");
        }
    });
    response
}

/// A response body polled inside its request's span and request-id scope.
struct InRequestContext {
    inner: Body,
    scope: app::platform::request::Scope,
    span: tracing::Span,
}

impl http_body::Body for InRequestContext {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        let _entered = this.span.enter();
        app::platform::request::sync_scope(this.scope.clone(), || {
            std::pin::Pin::new(&mut this.inner).poll_frame(cx)
        })
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// 128 random bits as 32 hex digits (the form of a UUID's `simple()`), from the
/// thread-local CSPRNG: no system call per request, unlike `Uuid::new_v4`.
fn new_request_id() -> String {
    use rand::Rng as _;
    format!("{:032x}", rand::thread_rng().gen::<u128>())
}

fn is_token(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Turns a handler panic into the friendly 500 page (the request's span logs the cause).
pub fn panic_response(payload: Box<dyn Any + Send + 'static>) -> Response {
    let detail = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "handler panicked");
    let request_id = app::platform::request::current_id();
    let mut response = (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html(error_page(request_id.as_deref())),
    )
        .into_response();
    response.extensions_mut().insert(Panicked);
    response
}

/// The 500 page: self-contained (no stylesheet, no app), since the app may be what broke.
pub fn error_page(request_id: Option<&str>) -> String {
    plain_page(
        500,
        "Something went wrong on our side",
        "We have been told about it. Please try again in a moment.",
        request_id,
    )
}

/// A self-contained page for an error that is no page's fault.
fn plain_page(status: u16, title: &str, text: &str, request_id: Option<&str>) -> String {
    let reference = request_id
        .map(|id| format!("<p class=\"ref\">Reference: <code>{id}</code></p>"))
        .unwrap_or_default();
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · Oxcart</title><style>body{{font-family:system-ui,sans-serif;margin:0;min-height:100vh;display:grid;place-items:center;background:#f7f7f5;color:#1c1917}}main{{max-width:32rem;padding:2rem;text-align:center}}h1{{font-size:1.6rem}}a{{display:inline-block;margin-top:1rem;padding:.7rem 1.2rem;border-radius:.5rem;background:#14532d;color:#fff;text-decoration:none}}.ref{{color:#57534e;font-size:.9rem}}</style></head><body><main data-testid="server-error"><p>{status}</p><h1>{title}</h1><p>{text}</p>{reference}<a href="/">Back to the home page</a></main></body></html>"#
    )
}

/// tower-sessions answers a session it could not write at the end of a request with a
/// bare 500 (no body), whatever the handler answered. When our store noted the failure
/// (`sessions::StoreFailed`: its database or Redis is away) this answers what it is: 503
/// with `Retry-After`, as the error envelope for the API, as the error server functions
/// answer, and as a short page otherwise. Just outside the session layer.
pub async fn session_store_down(req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path();
    let (api, server_fn) = (path.starts_with("/api/v1/"), path.starts_with("/api/"));
    let response = next.run(req).await;
    let bare = axum::body::HttpBody::size_hint(response.body()).exact() == Some(0);
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !bare
        || app::platform::request::remembered::<app::platform::sessions::StoreFailed>().is_none()
    {
        return response;
    }
    let err = AppError::Unavailable("the session store".to_owned());
    let mut answer = if api {
        err.into_response()
    } else if server_fn {
        (err.status(), axum::Json(err.to_public())).into_response()
    } else {
        let id = app::platform::request::current_id();
        let page = plain_page(
            503,
            "We could not keep your visit going",
            "Part of the shop is briefly out of reach. Please try again in a moment.",
            id.as_deref(),
        );
        (StatusCode::SERVICE_UNAVAILABLE, Html(page)).into_response()
    };
    answer
        .headers_mut()
        .insert(http::header::RETRY_AFTER, HeaderValue::from_static("5"));
    answer
}

/// `/api/…` paths that match nothing: the 404 envelope instead of an HTML page.
pub async fn api_not_found() -> Response {
    AppError::NotFound("API endpoint".to_owned()).into_response()
}

/// Long-lived caching for the content-hashed files under `/pkg`, no caching otherwise
/// (unhashed names change content under the same URL).
pub async fn pkg_cache_headers(hashed: bool, req: Request<Body>, next: Next) -> Response {
    let mut response = next.run(req).await;
    if response.status().is_success() {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(http::header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// A server function that fails before our code runs (its arguments do not parse) answers
/// 500 with a `VALIDATION_ERROR` body: server_fn gives every error it makes itself status
/// 500. This gives such responses the status their error code stands for. Errors from our
/// code already carry their status (`app::web::forms::set_error_status`).
pub async fn server_fn_error_status(req: Request<Body>, next: Next) -> Response {
    let response = next.run(req).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(err) = serde_json::from_slice::<app::platform::error::PublicError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(err.code.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Keeps the request's state and session in its scope (`request::remember`), so a
/// page's server functions find them even where leptos' context is gone. Inside the
/// session layer, which has put the session in the request by then.
pub async fn remember_context(
    axum::extract::State(state): axum::extract::State<app::platform::state::AppState>,
    req: Request,
    next: Next,
) -> Response {
    app::platform::request::remember(state);
    if let Some(session) = req.extensions().get::<tower_sessions::Session>() {
        app::platform::request::remember(session.clone());
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_request_ids_are_distinct_sane_tokens() {
        let (a, b) = (new_request_id(), new_request_id());
        assert_eq!(a.len(), 32);
        assert!(is_token(&a) && a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn only_sane_incoming_request_ids_are_kept() {
        assert!(is_token("abc-123_x.y"));
        assert!(!is_token(""));
        assert!(!is_token("has space"));
        assert!(!is_token("new\nline"));
        assert!(!is_token(&"a".repeat(65)));
    }

    #[test]
    fn the_500_page_quotes_the_request_id_and_hides_the_panic() {
        let page = error_page(Some("abc123"));
        assert!(page.contains("abc123"));
        assert!(page.contains("Something went wrong"));
        let response = panic_response(Box::new("secret internal detail"));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.extensions().get::<Panicked>().is_some());
    }
}
