//! The request context: the id that ties a request's log lines, its `x-request-id`
//! header and any error envelope together. The server's edge middleware sets it; code
//! anywhere below reads it with [`current_id`].

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What a request carries through every task it spawns: its id, and how many database
/// statements it has run (reported in the `Server-Timing` header; see [`count_query`]).
#[derive(Clone, Debug)]
pub struct Scope {
    pub id: Arc<str>,
    /// The client's address, as `client_ip` reads it (for the audit log).
    pub ip: Arc<str>,
    /// The user agent, when the request may count in the first-party funnel: no
    /// `Sec-GPC: 1` or `DNT: 1`, and not a bot ([`trackable_agent`]).
    pub agent: Option<Arc<str>>,
    queries: Arc<AtomicU64>,
    shared: Arc<Shared>,
}

/// What every task of one request shares besides its id (see [`remember`]).
#[derive(Default)]
struct Shared {
    /// The request's state and session, by type ([`remember`]).
    context: Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>,
    taken: Mutex<HashMap<String, serde_json::Value>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field(
                "taken",
                &self.taken.lock().map(|t| t.len()).unwrap_or_default(),
            )
            .finish_non_exhaustive()
    }
}

impl Scope {
    pub fn new(id: Arc<str>) -> Self {
        Self {
            id,
            ip: Arc::from(""),
            agent: None,
            queries: Arc::new(AtomicU64::new(0)),
            shared: Arc::default(),
        }
    }

    pub fn with_ip(mut self, ip: String) -> Self {
        self.ip = Arc::from(ip);
        self
    }

    pub fn with_agent(mut self, agent: Option<String>) -> Self {
        self.agent = agent.map(Arc::from);
        self
    }

    /// The statements run so far on behalf of this request.
    pub fn queries(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }
}

tokio::task_local! {
    static REQUEST: Scope;
}

/// The id of the request being served by this task, if any.
pub fn current_id() -> Option<String> {
    REQUEST.try_with(|s| s.id.to_string()).ok()
}

/// The client address of the request served by this task ("" outside one).
pub fn current_ip() -> String {
    REQUEST.try_with(|s| s.ip.to_string()).unwrap_or_default()
}

/// The trackable user agent of the request served by this task (see [`Scope::agent`]).
pub fn current_agent() -> Option<Arc<str>> {
    REQUEST.try_with(|s| s.agent.clone()).ok().flatten()
}

/// Substrings of user agents that are not people (lower case). Headless browsers count
/// as automation.
const BOTS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "headless",
    "lighthouse",
    "curl",
    "wget",
    "python",
    "go-http",
    "java/",
    "okhttp",
    "axios",
    "node-fetch",
    "httpclient",
    "facebookexternalhit",
    "preview",
    "monitor",
    "scanner",
    "phantomjs",
    "selenium",
    "playwright",
    "puppeteer",
];

/// The user agent when the request may be counted: the browser has not asked not to be
/// (`Sec-GPC: 1`, `DNT: 1`) and does not look like a bot.
pub fn trackable_agent(headers: &http::HeaderMap) -> Option<String> {
    let asks_not = |name: &str| {
        headers
            .get(name)
            .is_some_and(|v| v.as_bytes().trim_ascii() == b"1")
    };
    if asks_not("sec-gpc") || asks_not("dnt") {
        return None;
    }
    let agent = headers.get(http::header::USER_AGENT)?.to_str().ok()?.trim();
    let lower = agent.to_ascii_lowercase();
    if agent.len() < 10 || BOTS.iter().any(|b| lower.contains(b)) {
        return None;
    }
    Some(agent.chars().take(300).collect())
}

/// Counts one database statement against the current request (no-op outside one).
/// Keeps a value of the request (its `AppState`, its session) where every task of the
/// request finds it, by type.
///
/// Why: a page inside nested `<Suspense>` is built more than once while the server
/// renders it (leptos 0.8 re-runs a `Suspend` when the resource it awaited resolves), and
/// the resources of the discarded builds keep running after their reactive owner is
/// disposed. Their server functions then lose leptos' context (`use_context` finds
/// nothing) and failed with "session layer missing" — and the browser, which builds the
/// page once, hydrates with the *first* build's serialized values while the HTML shows the
/// last build's: a hydration panic (the API keys page, issue 16). With this fallback
/// (`AppState::from_context`, `sessions::current`) every build computes the same values.
pub fn remember<T: Clone + Send + Sync + 'static>(value: T) {
    let _ = REQUEST.try_with(|s| {
        let mut context = s.shared.context.lock().unwrap_or_else(|e| e.into_inner());
        context.insert(TypeId::of::<T>(), Box::new(value));
    });
}

/// The value of type `T` [`remember`] kept for this request, if any.
pub fn remembered<T: Clone + 'static>() -> Option<T> {
    REQUEST
        .try_with(|s| {
            let context = s.shared.context.lock().unwrap_or_else(|e| e.into_inner());
            context
                .get(&TypeId::of::<T>())?
                .downcast_ref::<T>()
                .cloned()
        })
        .ok()
        .flatten()
}

/// A one-time value (a flash, a secret shown once) already taken from the session by
/// this request: every build of the page (see [`remember`]) must show the same.
pub fn taken(key: &str) -> Option<serde_json::Value> {
    REQUEST
        .try_with(|s| {
            let taken = s.shared.taken.lock().unwrap_or_else(|e| e.into_inner());
            taken.get(key).cloned()
        })
        .ok()
        .flatten()
}

/// Records that this request took `value` from the session under `key`.
pub fn keep_taken(key: &str, value: serde_json::Value) {
    let _ = REQUEST.try_with(|s| {
        let mut taken = s.shared.taken.lock().unwrap_or_else(|e| e.into_inner());
        taken.insert(key.to_owned(), value);
    });
}

pub fn count_query() {
    let _ = REQUEST.try_with(|s| s.queries.fetch_add(1, Ordering::Relaxed));
}

/// Runs `fut` inside the request `scope`.
pub async fn scope<F: Future>(scope: Scope, fut: F) -> F::Output {
    REQUEST.scope(scope, fut).await
}

/// Runs the synchronous `f` with `id` as the current request id (for code that polls a
/// request's work outside its task, such as a streamed response body).
pub fn sync_scope<R>(scope: Scope, f: impl FnOnce() -> R) -> R {
    REQUEST.sync_scope(scope, f)
}

/// Leptos runs resources and server-function calls made during rendering on spawned
/// tasks. Spawned plainly, they would lose the request's tracing span and id: their log
/// lines (and error envelopes) would not name the request. This executor carries both
/// into every task it spawns.
struct RequestAwareExecutor;

impl any_spawner::CustomExecutor for RequestAwareExecutor {
    fn spawn(&self, fut: any_spawner::PinnedFuture<()>) {
        tokio::spawn(with_request_context(fut));
    }

    fn spawn_local(&self, fut: any_spawner::PinnedLocalFuture<()>) {
        tokio::task::spawn_local(with_request_context(fut));
    }

    fn poll_local(&self) {}
}

fn with_request_context<F: Future<Output = ()>>(fut: F) -> impl Future<Output = ()> {
    use tracing::Instrument as _;
    let scope = REQUEST.try_with(Scope::clone).ok();
    let fut = fut.instrument(tracing::Span::current());
    async move {
        match scope {
            Some(scope) => REQUEST.scope(scope, fut).await,
            None => fut.await,
        }
    }
}

/// Installs [`RequestAwareExecutor`] as Leptos' executor. Call once, before the router
/// is built (leptos_axum otherwise installs a plain tokio executor); later calls do nothing.
pub fn init_executor() {
    if let Err(err) = any_spawner::Executor::init_custom_executor(RequestAwareExecutor) {
        tracing::debug!(error = %err, "leptos executor already set");
    }
}

/// Whether the current server-function call is a plain form post (no JavaScript).
pub fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    })
}

#[cfg(test)]
mod tracking_tests {
    use super::trackable_agent;

    #[test]
    fn privacy_signals_and_bots_are_not_tracked() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36";
        let mut h = http::HeaderMap::new();
        h.insert(http::header::USER_AGENT, chrome.parse().expect("ua"));
        assert_eq!(trackable_agent(&h).as_deref(), Some(chrome));
        h.insert("sec-gpc", "1".parse().expect("h"));
        assert_eq!(trackable_agent(&h), None);
        h.remove("sec-gpc");
        h.insert("dnt", "1".parse().expect("h"));
        assert_eq!(trackable_agent(&h), None);
        h.insert("dnt", "0".parse().expect("h"));
        assert!(trackable_agent(&h).is_some());
        h.insert(
            http::header::USER_AGENT,
            "Mozilla/5.0 (compatible; Googlebot/2.1)"
                .parse()
                .expect("ua"),
        );
        assert_eq!(trackable_agent(&h), None);
        h.remove(http::header::USER_AGENT);
        assert_eq!(trackable_agent(&h), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tasks_spawned_through_leptos_keep_the_request_id() {
        init_executor();
        let (tx, rx) = tokio::sync::oneshot::channel();
        scope(Scope::new(Arc::from("req-2")), async move {
            any_spawner::Executor::spawn(async move {
                let _ = tx.send(current_id());
            });
        })
        .await;
        assert_eq!(rx.await.expect("the task ran").as_deref(), Some("req-2"));
    }

    #[tokio::test]
    async fn a_value_taken_once_is_the_same_for_every_task_of_its_request_only() {
        init_executor();
        let flash = serde_json::json!({ "error": "Name is required" });
        assert_eq!(taken("flash"), None, "outside a request: nothing kept");
        keep_taken("flash", flash.clone());
        assert_eq!(taken("flash"), None, "and nothing keeps");
        let seen = scope(Scope::new(Arc::from("req-3")), {
            let flash = flash.clone();
            async move {
                keep_taken("flash", flash);
                // Another build of the page runs on a task leptos spawned.
                let (tx, rx) = tokio::sync::oneshot::channel();
                any_spawner::Executor::spawn(async move {
                    let _ = tx.send(taken("flash"));
                });
                rx.await.expect("the task ran")
            }
        })
        .await;
        assert_eq!(seen, Some(flash));
        let other = scope(Scope::new(Arc::from("req-4")), async { taken("flash") }).await;
        assert_eq!(other, None, "another request has its own");
        assert_eq!(remembered::<String>(), None, "outside a request");
        let kept = scope(Scope::new(Arc::from("req-5")), async {
            remember("the session".to_owned());
            remembered::<String>()
        })
        .await;
        assert_eq!(kept.as_deref(), Some("the session"));
    }

    #[tokio::test]
    async fn the_id_is_visible_inside_its_scope_only() {
        assert_eq!(current_id(), None);
        let seen = scope(Scope::new(Arc::from("req-1")), async { current_id() }).await;
        assert_eq!(seen.as_deref(), Some("req-1"));
    }
}

/// The client's address: the peer of the connection, or with `trust_proxy` (the server
/// sits behind a reverse proxy) the last hop the proxy recorded in `X-Forwarded-For`.
pub fn client_ip(
    headers: &http::HeaderMap,
    extensions: &http::Extensions,
    trust_proxy: bool,
) -> String {
    if trust_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty());
        if let Some(ip) = forwarded {
            return ip.to_owned();
        }
    }
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string())
}

/// The Content-Security-Policy nonce of this request (set by the server's edge); the
/// document shell puts it on Leptos' inline scripts.
#[derive(Clone, Debug)]
pub struct CspNonce(pub Arc<str>);
