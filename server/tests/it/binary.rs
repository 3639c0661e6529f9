//! The `oxcart` binary as an operator meets it: one clear line for bad configuration,
//! `migrate`, `seed` (and `seed --demo`) and `create-admin` on both backends, graceful
//! shutdown on SIGTERM.

use crate::both_backends;
use crate::helpers::TestDb;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub fn oxcart(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oxcart"));
    // A clean environment: only what each test sets (plus PATH for the loader).
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("OXCART_DATA_DIR", data_dir)
        .current_dir(data_dir);
    cmd
}

/// Reads the server's log until it says where it listens: the address (if it did) and
/// the last line read.
pub fn listening(stdout: &mut impl BufRead) -> (Option<String>, String) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        if stdout.read_line(&mut line).expect("read stdout") == 0 {
            break;
        }
        if let Some(rest) = line.split("(listening on ").nth(1) {
            return (Some(rest.trim_end().trim_end_matches(')').to_owned()), line);
        }
    }
    (None, line)
}

#[test]
fn a_bad_configuration_value_stops_with_one_line_naming_the_variable() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (var, value) in [
        ("DATABASE_URL", "mysql://x"),
        ("OXCART_ADDR", "nonsense"),
        ("OXCART_PUBLIC_URL", "not a url"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("LOG_FORMAT", "yaml"),
    ] {
        for command in ["serve", "check-config", "migrate"] {
            let output = oxcart(dir.path())
                .arg(command)
                .env(var, value)
                .output()
                .expect("run oxcart");
            assert_eq!(output.status.code(), Some(2), "{var}={value} {command}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            let lines: Vec<&str> = stderr.lines().collect();
            assert_eq!(lines.len(), 1, "one line, got: {stderr}");
            assert!(
                lines[0].starts_with(&format!("oxcart: invalid configuration: {var}: ")),
                "{stderr}"
            );
            assert!(
                !stderr.contains("panicked") && !stderr.contains("backtrace"),
                "{stderr}"
            );
        }
    }
    assert!(
        !dir.path().join("oxcart.db").exists(),
        "nothing was written"
    );
}

#[test]
fn check_config_prints_the_configuration_with_secrets_hidden() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = oxcart(dir.path())
        .arg("check-config")
        .env("DATABASE_URL", "postgres://shop:hunter2@db.internal/oxcart")
        .output()
        .expect("run oxcart");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Configuration is valid"), "{stdout}");
    assert!(stdout.contains("PostgreSQL"), "{stdout}");
    assert!(!stdout.contains("hunter2"), "{stdout}");
}

/// Runs `oxcart serve` with `var=url` pointing at nothing, and checks the one line it
/// dies with: exit 1, the variable named, the password (`secret`) hidden.
fn assert_unreachable_stops_start_up(var: &str, url: &str, secret: &str, expected: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = oxcart(dir.path())
        .arg("serve")
        .env("OXCART_ADDR", "127.0.0.1:0")
        .env(var, url)
        .output()
        .expect("run oxcart");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with(expected), "{stderr}");
    assert!(!stderr.contains(secret), "{stderr}");
}

#[test]
fn an_unreachable_database_stops_start_up_with_one_line() {
    assert_unreachable_stops_start_up(
        "DATABASE_URL",
        "postgres://nobody:secret@127.0.0.1:1/none",
        "secret",
        "oxcart: cannot connect to DATABASE_URL=postgres://nobody:***@127.0.0.1:1/none",
    );
}

#[test]
fn an_unreachable_redis_stops_start_up_with_one_line() {
    assert_unreachable_stops_start_up(
        "REDIS_URL",
        "redis://:topsecret@127.0.0.1:1",
        "topsecret",
        "oxcart: cannot connect to REDIS_URL=redis://:***@127.0.0.1:1",
    );
}

both_backends!(
    migrate_and_seed_commands_work_and_can_be_repeated,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        for command in ["migrate", "migrate", "seed", "seed"] {
            let output = oxcart(db.data_dir.path())
                .arg(command)
                .env("DATABASE_URL", &db.url)
                .output()
                .expect("run oxcart");
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success(),
                "{command}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            match command {
                "migrate" => assert!(
                    stdout.contains(&format!(
                        "up to date ({} migrations applied)",
                        std::fs::read_dir(concat!(
                            env!("CARGO_MANIFEST_DIR"),
                            "/../migrations/sqlite"
                        ))
                        .expect("migrations dir")
                        .count()
                    )),
                    "{stdout}"
                ),
                _ => assert!(stdout.starts_with("Seeded:"), "{stdout}"),
            }
        }
    }
);

/// `oxcart serve` on `db` and a free port, with `env`: the process, its log, where it
/// listens and the log line that said so.
pub fn serving(
    db: &TestDb,
    env: &[(&str, &str)],
) -> (
    std::process::Child,
    BufReader<std::process::ChildStdout>,
    String,
    String,
) {
    let mut child = oxcart(db.data_dir.path())
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("OXCART_ADDR", "127.0.0.1:0")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start oxcart");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let (addr, line) = listening(&mut stdout);
    let addr = addr.unwrap_or_else(|| panic!("the server announces its address: {line}"));
    (child, stdout, addr, line)
}

/// Sends SIGTERM to the server.
pub fn terminate(child: &std::process::Child) {
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
}

/// Waits for the server to exit, asserts it exited cleanly and said so; the rest of its log.
pub fn exited_cleanly(
    mut child: std::process::Child,
    mut stdout: BufReader<std::process::ChildStdout>,
) -> String {
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("read the rest");
    let status = child.wait().expect("wait");
    assert!(status.success(), "exit status {status}");
    assert!(rest.contains("shutdown complete"), "{rest}");
    rest
}

both_backends!(sigterm_stops_the_server_gracefully, |backend| async move {
    let db = TestDb::fresh(backend).await;
    let env = [("LOG_FORMAT", "json"), ("RUST_LOG", "info,sqlx=debug")];
    let (child, stdout, addr, line) = serving(&db, &env);
    let health = reqwest::get(format!("http://{addr}/health"))
        .await
        .expect("GET /health");
    assert_eq!(health.status(), 200);
    let page = reqwest::get(format!("http://{addr}/"))
        .await
        .expect("GET /");
    let page_request_id = page.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(page.status(), 200);

    terminate(&child);
    let rest = exited_cleanly(child, stdout);
    // JSON logs: every line parses and request lines carry the request id.
    let request_line = rest
        .lines()
        .chain(line.lines())
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["fields"]["message"] == "request");
    let request_line = request_line.expect("a JSON access-log line for /health");
    // Work done while the page rendered (its settings queries) logs under its request.
    let query_lines: Vec<serde_json::Value> = rest
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| {
            v["fields"]["db.statement"]
                .as_str()
                .is_some_and(|q| q.contains("from settings"))
        })
        .filter(|v| {
            v["spans"].as_array().is_some_and(|spans| {
                spans
                    .iter()
                    .any(|s| s["request_id"] == page_request_id.as_str())
            })
        })
        .collect();
    assert!(
        !query_lines.is_empty(),
        "the page's queries carry its request id {page_request_id}"
    );
    assert!(
        request_line["span"]["request_id"]
            .as_str()
            .is_some_and(|id| id.len() == 32),
        "{request_line}"
    );
});

both_backends!(
    create_admin_makes_an_admin_who_can_sign_in,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let run = |email: &str, password: &str| {
            oxcart(db.data_dir.path())
                .args(["create-admin", "--email", email, "--name", "Grace Hopper"])
                .env("DATABASE_URL", &db.url)
                .env("OXCART_ADMIN_PASSWORD", password)
                .stdin(Stdio::null())
                .output()
                .expect("run oxcart")
        };
        let output = run("grace@example.com", "a long admin passphrase");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("Admin grace@example.com created"),
            "{stdout}"
        );
        assert!(stdout.contains("two-factor"), "{stdout}");

        for (email, password, expected) in [
            (
                "grace@example.com",
                "another long passphrase",
                "already exists",
            ),
            ("not-an-email", "a long admin passphrase", "valid email"),
            ("alan@example.com", "short", "characters"),
            ("alan@example.com", "password123", "too common"),
        ] {
            let output = run(email, password);
            assert_eq!(output.status.code(), Some(1), "{email} {password}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.starts_with("oxcart: cannot create the admin: "),
                "{stderr}"
            );
            assert!(stderr.contains(expected), "{stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
        }

        let app = crate::helpers::TestApp::spawn(&db, &[]).await;
        let response = app
            .login_with(&app.client, "grace@example.com", "a long admin passphrase")
            .await;
        assert_eq!(response.headers()["location"], "/admin");
    }
);

both_backends!(
    seed_demo_builds_the_same_catalog_every_time,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let seed = |dir: &std::path::Path, url: &str, args: &[&str]| {
            let output = oxcart(dir)
                .args(["seed", "--demo"])
                .args(args)
                .env("DATABASE_URL", url)
                .output()
                .expect("run oxcart");
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout).into_owned()
        };
        let first = seed(db.data_dir.path(), &db.url, &["8"]);
        assert!(first.contains("8 products"), "{first}");
        let again = seed(db.data_dir.path(), &db.url, &["8"]);
        assert!(
            again.contains("0 products, 0 pictures made, 8 products already there"),
            "{again}"
        );
        let empty_only = seed(db.data_dir.path(), &db.url, &["20", "--if-empty"]);
        assert!(empty_only.contains("no demo catalog made"), "{empty_only}");

        // Another database, the same N: the same products, variants and prices.
        let other = TestDb::fresh(crate::helpers::Backend::Sqlite).await;
        seed(other.data_dir.path(), &other.url, &["8"]);
        let catalog = |url: String| async move {
            app::platform::db::install_drivers();
            let pool = app::platform::db::AnyPool::connect(&url)
                .await
                .expect("connect");
            let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
                "select p.slug, v.sku, v.price, v.stock from products p \
                 join variants v on v.product_id = p.id order by v.sku",
            )
            .fetch_all(&pool)
            .await
            .expect("rows");
            pool.close().await;
            rows
        };
        let (a, b) = (
            catalog(db.url.clone()).await,
            catalog(other.url.clone()).await,
        );
        assert!(a.len() >= 8);
        assert_eq!(a, b);
        let pictures = std::fs::read_dir(other.data_dir.path().join("media").join("catalog"))
            .expect("pictures stored")
            .count();
        assert!(
            pictures >= 16,
            "each product has at least one picture in two widths"
        );
    }
);
