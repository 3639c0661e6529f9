//! The page layer: every HTML page leaves through [`finish_pages`], which gives its render
//! a nonce, seals the result (`csp`), and keeps the public catalog pages that an
//! anonymous visitor gets in the read cache, so the next anonymous visitor is served the
//! same bytes without rendering.
//!
//! What may be cached, and why nothing personal leaks:
//! - only `GET`/`HEAD` of the public catalog pages ([`CACHED_PAGES`]), from a visitor
//!   with no session cookie (so no cart, no account, no dismissed announcement: the
//!   header says "Log in" and the cart is empty for every such visitor) and no
//!   `Authorization`;
//! - only a `200` answer that sets no cookie and does not quote its own request id;
//! - the page is sealed first: it holds no nonce, and its policy allows its own scripts
//!   by hash.
//!
//! Entries live in the platform's read cache under [`NAMESPACE`], so every write that
//! empties the catalog cache (on this instance or, through Redis, on any) empties them
//! too; a render that overlapped such a write is not stored.

use crate::csp;
use app::platform::cache::ReadCache;
use app::platform::request::CspNonce;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use data_encoding::BASE64;
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use rand::RngCore as _;
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::futures::OwnedNotified;
use tokio::sync::{Notify, Semaphore};

pub const NAMESPACE: &str = "pages";

/// Paths whose page is the same for every anonymous visitor (exact, or a prefix ending
/// in `/`). Cart, checkout, account and order pages are never cached.
const CACHED_PAGES: &[&str] = &[
    "/",
    "/products",
    "/products/",
    "/categories",
    "/categories/",
    "/search",
];

/// Longer addresses are rendered every time: they are not a page a visitor typed.
const MAX_KEY: usize = 512;

/// The largest page the layer reads into memory to seal.
const MAX_PAGE: usize = 8 * 1024 * 1024;

/// Response header telling whether the page came from the cache (`hit`) or was rendered
/// and stored (`miss`); absent when the request could not be served from the cache.
pub const CACHE_HEADER: &str = "x-page-cache";

#[derive(Clone)]
pub struct PageCache {
    cache: ReadCache,
    /// Bytes of pages (with their compressed copies) kept at most.
    budget: usize,
    session_cookie: &'static str,
    /// Pages being rendered, by key: a request for a page that is being rendered waits
    /// for that render instead of starting another (after every catalog change, the
    /// first visitors of a page would otherwise all render it at once).
    rendering: Arc<Mutex<HashMap<String, Arc<Notify>>>>,
    /// Pages rendered at once. Rendering is CPU work: past a few per core, more at once
    /// only makes each slower and holds more memory (each render's strings and reactive
    /// graph); the rest wait their turn.
    renders: Arc<Semaphore>,
}

/// Renders at once per core.
const RENDERS_PER_CORE: usize = 2;

/// How long a request waits for another's render of its page before rendering it itself.
const WAIT_FOR_RENDER: Duration = Duration::from_secs(5);

/// Whose turn it is to render a page that is not in the cache.
enum Turn {
    /// Render it; dropping the guard tells those waiting.
    Render(Rendering),
    /// Another request is rendering it: wait for it, then look again.
    Wait(OwnedNotified),
}

struct Rendering {
    key: String,
    rendering: Arc<Mutex<HashMap<String, Arc<Notify>>>>,
}

impl Drop for Rendering {
    fn drop(&mut self) {
        let mut rendering = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(done) = rendering.remove(&self.key) {
            done.notify_waiters();
        }
    }
}

impl PageCache {
    pub fn new(cache: ReadCache, budget: usize, session_cookie: &'static str) -> Self {
        Self {
            cache,
            budget,
            session_cookie,
            rendering: Arc::default(),
            renders: Arc::new(Semaphore::new(
                RENDERS_PER_CORE * std::thread::available_parallelism().map_or(2, usize::from),
            )),
        }
    }

    fn turn(&self, key: &str) -> Turn {
        let mut rendering = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        match rendering.get(key) {
            // Made under the lock: it hears the render's end even before it is polled.
            Some(notify) => Turn::Wait(notify.clone().notified_owned()),
            None => {
                rendering.insert(key.to_owned(), Arc::new(Notify::new()));
                Turn::Render(Rendering {
                    key: key.to_owned(),
                    rendering: self.rendering.clone(),
                })
            }
        }
    }

    /// The cache key of a request that may be served from the cache.
    fn key(&self, req: &Request) -> Option<String> {
        if !matches!(*req.method(), Method::GET | Method::HEAD) || self.budget == 0 {
            return None;
        }
        let path = req.uri().path();
        let listed = CACHED_PAGES
            .iter()
            .any(|p| path == *p || (p.len() > 1 && p.ends_with('/') && path.starts_with(p)));
        let headers = req.headers();
        let personal = headers.contains_key(header::AUTHORIZATION)
            || headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .any(|c| c.trim_start().split('=').next() == Some(self.session_cookie));
        let key = req.uri().path_and_query().map(|p| p.as_str())?;
        (listed && !personal && key.len() <= MAX_KEY).then(|| key.to_owned())
    }
}

/// A sealed page, and its compressed copies made on first demand.
struct Page {
    body: Bytes,
    policy: HeaderValue,
    content_type: HeaderValue,
    brotli: OnceLock<Bytes>,
    gzip: OnceLock<Bytes>,
}

/// The compressed copy a request accepts, brotli first.
#[derive(Clone, Copy, PartialEq)]
enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    fn accepted(request: &HeaderMap) -> Self {
        let accepts = |coding: &str| {
            request
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .any(|c| c.split(';').next().is_some_and(|c| c.trim() == coding))
        };
        if accepts("br") {
            Self::Brotli
        } else if accepts("gzip") {
            Self::Gzip
        } else {
            Self::Identity
        }
    }
}

impl Page {
    fn respond(&self, coding: Coding, head: bool) -> Response {
        let (body, coding) = match coding {
            Coding::Brotli => (
                self.brotli.get_or_init(|| brotli(&self.body)).clone(),
                Some("br"),
            ),
            Coding::Gzip => (
                self.gzip.get_or_init(|| gzip(&self.body)).clone(),
                Some("gzip"),
            ),
            Coding::Identity => (self.body.clone(), None),
        };
        let length = body.len();
        let mut response = if head {
            Body::empty()
        } else {
            Body::from(body)
        }
        .into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, self.content_type.clone());
        headers.insert(header::CONTENT_SECURITY_POLICY, self.policy.clone());
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(coding) = coding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        headers.insert(CACHE_HEADER, HeaderValue::from_static("hit"));
        response
    }

    /// What the page costs the cache: its bytes, and room for its compressed copies.
    fn weight(&self) -> usize {
        self.body.len() + self.body.len() / 2
    }
}

/// Brotli at quality 5: a page is compressed once per cache entry, and quality 11 (the
/// library's default, and tower-http's) takes some 20× longer for a few percent.
fn brotli(body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 16 * 1024, 5, 22);
        // Writing to a Vec cannot fail.
        let _ = writer.write_all(body);
    }
    Bytes::from(out)
}

fn gzip(body: &[u8]) -> Bytes {
    let mut writer = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::new(6),
    );
    let _ = writer.write_all(body);
    Bytes::from(writer.finish().unwrap_or_default())
}

/// Gives the render a fresh nonce, serves a cached page when it may, and seals (and,
/// when it may, stores) every HTML page rendered inside it.
pub async fn finish_pages(
    State(pages): State<Arc<PageCache>>,
    mut req: Request,
    next: Next,
) -> Response {
    let key = pages.key(&req);
    let head = req.method() == Method::HEAD;
    let mut _rendering = None;
    if let Some(key) = &key {
        if let Some(page) = pages.cache.get::<Arc<Page>>(NAMESPACE, key) {
            return page.respond(Coding::accepted(req.headers()), head);
        }
        match pages.turn(key) {
            Turn::Render(turn) => _rendering = Some(turn),
            Turn::Wait(done) => {
                let _ = tokio::time::timeout(WAIT_FOR_RENDER, done).await;
                if let Some(page) = pages.cache.get::<Arc<Page>>(NAMESPACE, key) {
                    return page.respond(Coding::accepted(req.headers()), head);
                }
                // Not stored (a 404, a cookie set): this request renders its own.
            }
        }
    }
    let generation = pages.cache.generation();
    let nonce = new_nonce();
    req.extensions_mut()
        .insert(CspNonce(Arc::from(nonce.as_str())));
    let request_id = req
        .extensions()
        .get::<crate::middleware::RequestId>()
        .map(|id| id.0.clone());
    // Read now, used only if the page is stored (the request goes to the render).
    let coding = match key {
        Some(_) => Coding::accepted(req.headers()),
        None => Coding::Identity,
    };

    let permit = if is_page(&req) {
        pages.renders.clone().acquire_owned().await.ok()
    } else {
        None
    };
    let response = next.run(req).await;
    drop(permit);
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html || response.headers().contains_key(header::CONTENT_ENCODING) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let html = match axum::body::to_bytes(body, MAX_PAGE).await {
        Ok(html) => html,
        Err(err) => {
            tracing::error!(error = %err, "a page could not be read to seal it");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let sealed = csp::seal(html, &nonce);
    parts
        .headers
        .insert(header::CONTENT_SECURITY_POLICY, sealed.policy.clone());
    let storable = key.is_some()
        && parts.status == StatusCode::OK
        && !parts.headers.contains_key(header::SET_COOKIE)
        && request_id.is_none_or(|id| memchr::memmem::find(&sealed.body, id.as_bytes()).is_none());
    let (Some(key), true) = (key, storable) else {
        return Response::from_parts(parts, Body::from(sealed.body));
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("text/html; charset=utf-8"));
    let page = Arc::new(Page {
        body: sealed.body,
        policy: sealed.policy,
        content_type,
        brotli: OnceLock::new(),
        gzip: OnceLock::new(),
    });
    let weight = page.weight();
    pages.cache.put_weighed(
        NAMESPACE,
        key,
        generation,
        page.clone(),
        weight,
        pages.budget,
    );
    let mut response = page.respond(coding, head);
    // Everything else the render set (the request's own headers come from outer layers).
    for (name, value) in &parts.headers {
        if !response.headers().contains_key(name) {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
        .headers_mut()
        .insert(CACHE_HEADER, HeaderValue::from_static("miss"));
    response
}

/// A read that renders a page (and not an API call, a file, a health check, which need
/// no turn).
fn is_page(req: &Request) -> bool {
    const NOT_PAGES: &[&str] = &[
        "/api/",
        "/pkg/",
        "/media/",
        "/webhooks/",
        "/health",
        "/ready",
    ];
    let path = req.uri().path();
    matches!(*req.method(), Method::GET | Method::HEAD)
        && !NOT_PAGES.iter().any(|p| path.starts_with(p))
}

fn new_nonce() -> String {
    // The thread-local CSPRNG (seeded from the OS) needs no system call, unlike OsRng.
    let mut bytes = [0u8; 18];
    rand::thread_rng().fill_bytes(&mut bytes);
    BASE64.encode(&bytes)
}
