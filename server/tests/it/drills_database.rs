//! Failure drill: the database goes away while shoppers are paying. PostgreSQL — a server
//! of this test's own (initdb, pg_ctl) — is stopped in the middle of the load and started
//! again 3 s later; SQLite, which has no server to lose, has its write lock taken by
//! another process for longer than Oxcart's 5 s busy timeout (a maintenance script, a
//! backup tool holding the file).
//!
//! Whatever was in flight fails cleanly (503 with the envelope, never a 500 nor a dropped
//! connection), every payment that was answered "paid" has its order afterwards (none
//! lost, none twice), stock and orders agree, and the same running server takes the next
//! order — its pool reconnected, nobody restarted it.

use crate::both_backends;
use crate::buying_helpers::contact;
use crate::helpers::{service_url, Backend, TestApp, TestDb};
use app::cart::api::AddToCart;
use app::checkout::api::{
    ChooseShipping, GetCheckout, PayWithTestCard, SaveCheckoutContact, StartPayment,
};
use leptos::server_fn::ServerFn as _;
use serde_json::Value;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const STOCK: i64 = 1_000;
const LOOPS: usize = 6;
const TOKEN: &str = "drill-metrics-token";

both_backends!(
    orders_survive_the_database_going_away_mid_load,
    |backend| async move {
        if backend == Backend::Postgres && service_url("TEST_DATABASE_URL").is_none() {
            return;
        }
        let server = match backend {
            Backend::Postgres => Some(PrivatePostgres::start()),
            Backend::Sqlite => None,
        };
        let db = match &server {
            Some(pg) => TestDb::at(pg.url()),
            None => TestDb::fresh(Backend::Sqlite).await,
        };
        let app = Arc::new(TestApp::spawn(&db, &[("OXCART_METRICS_TOKEN", TOKEN)]).await);
        app.rates().await;
        let variant = app.stocked("Brass lamp", &[("LAMP", "40.00", STOCK)]).await[0].clone();
        let load = Load::default();

        let shoppers: Vec<_> = (0..LOOPS)
            .map(|n| tokio::spawn(load.clone().shop(app.clone(), variant.clone(), n)))
            .collect();
        load.wait_for_paid(3).await;
        let in_flight_at_the_outage = load.in_flight.load(Ordering::SeqCst);
        match &server {
            Some(pg) => pg.bounce(Duration::from_secs(3)).await,
            None => hold_the_write_lock(&db.url, Duration::from_secs(7)).await,
        }
        let paid_before = load.paid.lock().expect("lock").len();
        load.wait_for_paid(paid_before + 3).await;
        load.stop.store(true, Ordering::SeqCst);
        for shopper in shoppers {
            shopper.await.expect("a shopper's loop");
        }

        let failures = load.failures.lock().expect("lock").clone();
        let paid = load.paid.lock().expect("lock").clone();
        eprintln!(
            "{backend:?}: {} paid, {} steps failed, {in_flight_at_the_outage} requests in flight when the database went",
            paid.len(),
            failures.len()
        );
        assert!(
            in_flight_at_the_outage > 0,
            "the outage met requests in flight"
        );
        for (step, status, body) in &failures {
            assert_eq!(*status, 503, "{step} failed cleanly: {body}");
            assert_eq!(body["code"], "SERVICE_UNAVAILABLE", "{step}: {body}");
        }
        // Every "paid" has its order, once; an order without a "paid" is a payment whose
        // answer was lost with the connection (the shopper sees it on the order page).
        for email in &paid {
            let orders = app
                .count(&format!(
                    "select count(*) from orders where email = '{email}'"
                ))
                .await;
            assert_eq!(orders, 1, "{email} paid: one order");
        }
        let orders = app.count("select count(*) from orders").await;
        let pay_failures = failures.iter().filter(|(s, ..)| *s == "pay").count();
        assert!(
            orders >= paid.len() as i64 && orders <= (paid.len() + pay_failures) as i64,
            "{orders} orders for {} paid and {pay_failures} unanswered payments",
            paid.len()
        );
        let (on_hand, _) = app.stock(&variant).await;
        assert_eq!(STOCK - on_hand, orders, "one lamp left the shelf per order");

        // The operator saw it: each refusal for want of the database was counted (the
        // counter is the process's, shared with tests running alongside: at least).
        let refused = failures
            .iter()
            .filter(|(.., body)| body["message"] == "The database is unavailable")
            .count();
        let scrape = app.scrape(TOKEN).await.text().await.expect("metrics");
        let counted: f64 = scrape
            .lines()
            .filter(|l| l.starts_with("oxcart_db_unavailable_total{"))
            .filter_map(|l| l.split_whitespace().last()?.parse::<f64>().ok())
            .sum();
        assert!(
            counted >= refused as f64,
            "{counted} counted, {refused} refused"
        );

        // The same server takes the next order and says it is ready.
        let id = app.bought(&variant, "1", "after@example.com").await;
        assert!(!id.is_empty());
        assert_eq!(app.get("/ready").await.status(), 200);
        drop(app);
        drop(server);
    }
);

/// A step that failed: which, its status (0: the connection was dropped), its body.
type Failed = (&'static str, u16, Value);

/// Shoppers buying one lamp each in `LOOPS` loops until `stop`; what failed and who paid.
#[derive(Clone, Default)]
struct Load {
    stop: Arc<AtomicBool>,
    in_flight: Arc<AtomicUsize>,
    paid: Arc<Mutex<Vec<String>>>,
    failures: Arc<Mutex<Vec<Failed>>>,
}

impl Load {
    async fn shop(self, app: Arc<TestApp>, variant: String, n: usize) {
        let mut i = 0;
        while !self.stop.load(Ordering::SeqCst) {
            i += 1;
            let email = format!("shopper{n}-{i}@example.com");
            if let Err((step, status, body)) = self.buy(&app, &variant, &email).await {
                self.failures
                    .lock()
                    .expect("lock")
                    .push((step, status, body));
            } else {
                self.paid.lock().expect("lock").push(email);
            }
        }
    }

    /// One guest's whole purchase; the first step that fails ends it.
    async fn buy(&self, app: &TestApp, variant: &str, email: &str) -> Result<(), Failed> {
        let client = app.browser();
        let add = [("variant_id", variant), ("quantity", "1")];
        self.post(app, &client, "add", AddToCart::PATH, &add)
            .await?;
        let contact = contact(email, "US", "NY");
        self.post(app, &client, "contact", SaveCheckoutContact::PATH, &contact)
            .await?;
        let view = self
            .post(app, &client, "checkout", GetCheckout::PATH, &[])
            .await?;
        let rate = view["rates"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let choose = [("rate_id", rate.as_str())];
        self.post(app, &client, "shipping", ChooseShipping::PATH, &choose)
            .await?;
        self.post(app, &client, "start", StartPayment::PATH, &[])
            .await?;
        let card = [("card", "4242424242424242")];
        self.post(app, &client, "pay", PayWithTestCard::PATH, &card)
            .await?;
        Ok(())
    }

    /// Posts a server function; a connection the server dropped counts as status 0.
    async fn post(
        &self,
        app: &TestApp,
        client: &reqwest::Client,
        step: &'static str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Value, Failed> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let answer = match app.try_step(client, path, fields).await {
            Ok(a) => (a.status, a.body),
            Err(err) => (0, Value::String(err.to_string())),
        };
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        match answer {
            (status, body) if status < 400 => Ok(body),
            (status, body) => Err((step, status, body)),
        }
    }

    async fn wait_for_paid(&self, n: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while self.paid.lock().expect("lock").len() < n {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{n} shoppers paid within a minute (failures: {:?})",
                self.failures.lock().expect("lock")
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Another process's connection takes SQLite's write lock and keeps it for `hold`.
async fn hold_the_write_lock(url: &str, hold: Duration) {
    use sqlx::{Connection as _, Executor as _};
    let mut other = app::platform::db::AnyConnection::connect(url)
        .await
        .expect("a second connection to the file");
    other
        .execute("begin exclusive")
        .await
        .expect("the write lock");
    tokio::time::sleep(hold).await;
    other.execute("rollback").await.expect("let go");
}

/// A PostgreSQL server of the test's own, on a free port, in a temporary folder; stopped
/// (immediately) when dropped. As root, its programs run as the `postgres` user.
struct PrivatePostgres {
    dir: tempfile::TempDir,
    port: u16,
}

impl PrivatePostgres {
    fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = crate::helpers::free_port();
        if is_root() {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path()));
        }
        let pg = Self { dir, port };
        run(pg
            .tool("initdb")
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(pg.data()));
        pg.ctl("start");
        pg
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn data(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    /// Stops the server (ending every connection, as a restart does), waits, starts it.
    async fn bounce(&self, down_for: Duration) {
        run(self
            .tool("pg_ctl")
            .args(["stop", "-w", "-m", "fast", "-D"])
            .arg(self.data()));
        tokio::time::sleep(down_for).await;
        self.ctl("start");
    }

    fn ctl(&self, action: &str) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        run(self
            .tool("pg_ctl")
            .args([action, "-w", "-o", &options, "-l"])
            .arg(self.dir.path().join("log"))
            .arg("-D")
            .arg(self.data()));
    }

    /// One of PostgreSQL's server programs (Debian keeps them off PATH), as `postgres`
    /// when this runs as root (initdb refuses root).
    fn tool(&self, name: &str) -> Command {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's server programs (Debian's postgresql package)")
            .filter_map(Result::ok)
            .map(|version| version.path().join("bin").join(name))
            .find(|path| path.exists())
            .unwrap_or_else(|| panic!("{name} under /usr/lib/postgresql/*/bin"));
        if is_root() {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(bin);
            cmd
        } else {
            Command::new(bin)
        }
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .args(["stop", "-m", "immediate", "-D"])
            .arg(self.data())
            .output();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

fn run(cmd: &mut Command) {
    let output = cmd.output().expect("run a PostgreSQL program");
    assert!(
        output.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
