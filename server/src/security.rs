//! Browser security at the edge: cross-site state changes are refused, and every response
//! carries the security headers (CSP on pages, HSTS over https).

use app::platform::error::{ErrorCode, PublicError};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{header, HeaderValue, Method, StatusCode};
use std::sync::Arc;

/// What the edge needs to know about the site.
#[derive(Clone, Debug)]
pub struct Edge {
    /// `scheme://host[:port]` of `OXCART_PUBLIC_URL`.
    pub origin: String,
    pub https: bool,
}

/// Refuses a state-changing request (anything but GET, HEAD, OPTIONS) that a browser says
/// came from another site: `Sec-Fetch-Site` other than same-origin/none, or an `Origin`
/// that is neither the public URL's nor the request's own host. Requests without either
/// header are not from a browser page (curl, API clients) and pass.
pub async fn refuse_cross_site(
    State(edge): State<Arc<Edge>>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let allowed = match (fetch_site, origin) {
        (Some(site), _) => matches!(site, "same-origin" | "none"),
        (None, Some(origin)) => {
            origin == edge.origin
                || host.is_some_and(|host| {
                    origin
                        .split_once("://")
                        .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
                })
        }
        (None, None) => true,
    };
    if allowed {
        return next.run(req).await;
    }
    tracing::warn!(?fetch_site, ?origin, "cross-site request refused");
    let err = PublicError {
        code: ErrorCode::Forbidden,
        message:
            "This request came from another site and was refused. Reload the page and try again."
                .to_owned(),
        field: None,
        request_id: app::platform::request::current_id(),
    };
    app::web::envelope::error(StatusCode::FORBIDDEN, &err, None, None)
}

/// Adds the security headers. Pages get their Content-Security-Policy from the page
/// layer (`page_cache::finish_pages`), which knows their scripts; any other HTML (the
/// panic page, a static file) gets the same policy with no inline script allowed.
pub async fn security_headers(State(edge): State<Arc<Edge>>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, crate::csp::policy(&[]));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if edge.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}
