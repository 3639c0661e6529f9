//! `TestApp`: the real server on port 0 against a fresh database, and typed calls on it.
//!
//! Every scenario runs on SQLite (a temp file) and on PostgreSQL (a fresh database,
//! dropped afterwards) through [`both_backends!`]. Without `TEST_DATABASE_URL` the
//! PostgreSQL half is skipped with a notice, unless `CI` or
//! `OXCART_TEST_REQUIRE_SERVICES` is set: then it fails, so CI never skips silently.

use app::platform::state::AppState;
use oxcart_server::{Application, Config};
use std::collections::HashMap;
use std::net::SocketAddr;
use tempfile::TempDir;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares one test per backend: `both_backends!(name, |backend| async move { … });`
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                ($body)($crate::helpers::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                if $crate::helpers::service_url("TEST_DATABASE_URL").is_none() {
                    return;
                }
                ($body)($crate::helpers::Backend::Postgres).await;
            }
        }
    };
}

pub fn services_required() -> bool {
    ["CI", "OXCART_TEST_REQUIRE_SERVICES"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|x| !x.is_empty() && x != "0" && x != "false"))
}

/// The URL in `var`, or `None` (with a notice) when unset outside CI. Panics in CI.
pub fn service_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if services_required() => {
            panic!("{var} must be set: CI runs every suite against real services")
        }
        _ => {
            eprintln!("skipped: {var} is not set");
            None
        }
    }
}

/// A database that exists for one test: a temp SQLite file or a fresh PostgreSQL database.
pub struct TestDb {
    pub url: String,
    pub data_dir: TempDir,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub async fn fresh(backend: Backend) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => Self {
                url: format!("sqlite://{}", data_dir.path().join("oxcart.db").display()),
                data_dir,
                postgres: None,
            },
            Backend::Postgres => {
                let admin = service_url("TEST_DATABASE_URL").expect("TEST_DATABASE_URL is set");
                let name = format!("oxcart_test_{}", uuid::Uuid::new_v4().simple());
                app::platform::db::install_drivers();
                let mut conn =
                    <app::platform::db::AnyConnection as sqlx::Connection>::connect(&admin)
                        .await
                        .expect("connect to TEST_DATABASE_URL");
                sqlx::Executor::execute(&mut conn, format!("create database {name}").as_str())
                    .await
                    .expect("create test database");
                let mut url = url::Url::parse(&admin).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&name);
                Self {
                    url: url.to_string(),
                    data_dir,
                    postgres: Some((admin, name)),
                }
            }
        }
    }

    /// A database a test brought up itself (a private PostgreSQL server): used as it is,
    /// left to its owner to remove.
    pub fn at(url: String) -> Self {
        Self {
            url,
            data_dir: tempfile::tempdir().expect("temp dir"),
            postgres: None,
        }
    }

    /// Makes the database unreachable for the running server: PostgreSQL drops it (ending
    /// every connection); SQLite, which has no server to lose, closes the app's pool.
    pub async fn take_down(&self, state: &AppState) {
        match &self.postgres {
            Some((admin, name)) => drop_postgres(admin, name).await,
            None => state.db.close().await,
        }
    }
}

async fn drop_postgres(admin: &str, name: &str) {
    let mut conn = <app::platform::db::AnyConnection as sqlx::Connection>::connect(admin)
        .await
        .expect("connect to TEST_DATABASE_URL");
    sqlx::Executor::execute(
        &mut conn,
        format!("drop database if exists {name} with (force)").as_str(),
    )
    .await
    .expect("drop test database");
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.postgres.take() {
            // Drop runs outside async; a short-lived runtime on its own thread does the work.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(drop_postgres(&admin, &name));
            })
            .join();
        }
    }
}

/// The configuration a test server runs with: port 0, the test database, its own data dir.
pub fn config_for(db: &TestDb, extra: &[(&str, &str)]) -> Config {
    let mut vars: HashMap<String, String> = HashMap::from([
        ("OXCART_ADDR".into(), "127.0.0.1:0".into()),
        (
            "OXCART_DATA_DIR".into(),
            db.data_dir.path().display().to_string(),
        ),
        ("DATABASE_URL".into(), db.url.clone()),
    ]);
    for (k, v) in extra {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    Config::from_lookup(|name| vars.get(name).cloned()).expect("test configuration is valid")
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    /// Keeps cookies, like a browser.
    pub client: reqwest::Client,
    config: Config,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    /// Starts the server on `db`, with extra configuration such as `REDIS_URL`.
    /// Each app trusts `X-Forwarded-For` and its clients claim an address of their own, so
    /// per-IP limits shared through Redis never mix tests that run at the same time.
    pub async fn spawn(db: &TestDb, extra: &[(&str, &str)]) -> Self {
        let mut vars = vec![("OXCART_TRUST_PROXY", "true")];
        vars.extend_from_slice(extra);
        Self::start(config_for(db, &vars), new_client()).await
    }

    /// Another browser: its own cookie jar and client address.
    pub fn browser(&self) -> reqwest::Client {
        new_client()
    }

    async fn start(config: Config, client: reqwest::Client) -> Self {
        let app = Application::build(&config)
            .await
            .expect("the server starts");
        let addr = app.addr();
        let state = app.state().clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        Self {
            addr,
            state,
            client,
            config,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    /// Stops the server gracefully and starts a new one on the same database and data
    /// dir; the client (and its cookies) carries over, like a shopper's browser would.
    pub async fn restart(mut self) -> Self {
        self.stop().await;
        let mut config = self.config.clone();
        config.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        Self::start(config, self.client.clone()).await
    }

    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("server task")
                .expect("server stopped cleanly");
        }
    }

    pub fn data_dir(&self) -> std::path::PathBuf {
        self.config.data_dir.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// Requests a page with a browser's `Accept` header.
    pub async fn get_page(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(
                "accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            )
            .send()
            .await
            .expect("GET page")
    }

    /// Calls a server function the way the browser's WASM does.
    pub async fn call_server_fn(&self, path: &str) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body("")
            .send()
            .await
            .expect("POST server fn")
    }
}

/// A client with a cookie jar, no redirects followed, and a random client address.
pub fn new_client() -> reqwest::Client {
    let n = uuid::Uuid::new_v4().as_u128();
    client_at(&format!(
        "10.{}.{}.{}",
        (n >> 16) as u8,
        (n >> 8) as u8,
        n as u8
    ))
}

/// A client (cookie jar, no redirects followed) at the client address `ip`.
pub fn client_at(ip: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", ip.parse().expect("ip header"));
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("client")
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Reads an envelope body, asserting it is JSON.
pub async fn json(response: reqwest::Response) -> serde_json::Value {
    response.json().await.expect("a JSON body")
}

/// The `name=value` of the session cookie a response sets, and its attributes.
pub fn session_cookie(response: &reqwest::Response) -> Option<(String, String)> {
    let header = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("oxcart_session="))?;
    let (pair, attributes) = header.split_once(';').unwrap_or((header, ""));
    Some((pair.to_owned(), attributes.to_owned()))
}

/// Waits (up to 10 s) until something listens on `port` of loopback: a helper process
/// the test started (`what` names it in the failure).
pub async fn wait_for_port(port: u16, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} did not start on port {port}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A port nothing listens on now (for a server a test starts itself).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Polls `check` until it holds, failing with `what` after `within`.
pub async fn eventually(
    what: &str,
    within: std::time::Duration,
    mut check: impl AsyncFnMut() -> bool,
) {
    let deadline = std::time::Instant::now() + within;
    while !check().await {
        assert!(std::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
