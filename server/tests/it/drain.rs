//! Graceful deploys: on SIGTERM the binary stops taking connections, answers the requests
//! already in flight (here one whose body is still arriving), lets the worker finish the
//! job it is running (here a mail the SMTP server is slow to accept) without starting
//! another, and exits 0 — so a rolling deploy loses no request and no job.

use crate::binary::{exited_cleanly, serving, terminate};
use crate::both_backends;
use crate::helpers::TestDb;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::sync::{mpsc, Semaphore};

both_backends!(
    a_request_in_flight_is_answered_after_sigterm,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let (mut child, stdout, addr, _) = serving(&db, &[]);

        // A sign-in whose body arrives in two halves, a second apart.
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(2);
        let body = br#"{"email":"nobody@example.com","password":"not the password"}"#;
        tx.send(Ok(body[..20].to_vec())).await.expect("as set up");
        let slow = tokio::spawn({
            let url = format!("http://{addr}/api/v1/auth/login");
            async move {
                reqwest::Client::new()
                    .post(url)
                    .header("content-type", "application/json")
                    .header("content-length", body.len())
                    .body(reqwest::Body::wrap_stream(tokio_stream_from(rx)))
                    .send()
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;

        terminate(&child);
        tokio::time::sleep(Duration::from_millis(700)).await;
        // Draining: a new connection is refused, the one in flight is not.
        let refused = reqwest::Client::new()
            .get(format!("http://{addr}/health"))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        assert!(
            refused.is_err(),
            "no new connection once draining: {refused:?}"
        );
        assert!(
            child.try_wait().expect("wait").is_none(),
            "still running for the slow request"
        );

        tx.send(Ok(body[20..].to_vec())).await.expect("as set up");
        drop(tx);
        let answer = slow
            .await
            .expect("as set up")
            .expect("the request in flight is answered");
        assert_eq!(answer.status(), 401, "answered in full, not cut off");
        let envelope: serde_json::Value = answer.json().await.expect("the error envelope");
        assert_eq!(envelope["status"], "error");

        exited_cleanly(child, stdout);
    }
);

/// The receiving half of a channel as the stream `reqwest::Body::wrap_stream` takes.
fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

both_backends!(
    the_worker_finishes_its_job_and_starts_no_other_after_sigterm,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let smtp = StallingSmtp::start().await;
        let url = format!("smtp://127.0.0.1:{}", smtp.port);
        let (child, stdout, addr, _) = serving(&db, &[("SMTP_URL", &url)]);
        // Three registrations: three confirmation mails queued.
        let client = reqwest::Client::new();
        for name in ["ada", "grace", "edsger"] {
            let response = client
                .post(format!("http://{addr}/api/v1/auth/register"))
                .json(&serde_json::json!({
                    "email": format!("{name}@example.com"),
                    "password": "a long enough password"
                }))
                .send()
                .await
                .expect("register");
            assert_eq!(response.status(), 202);
        }
        let mut arrivals = smtp.arrivals;
        tokio::time::timeout(Duration::from_secs(20), arrivals.recv())
            .await
            .expect("the first mail reaches the SMTP server")
            .expect("the server runs");

        // The worker is in the middle of a job: SIGTERM waits for it.
        terminate(&child);
        tokio::time::sleep(Duration::from_millis(800)).await;
        let mut child = child;
        assert!(
            child.try_wait().expect("wait").is_none(),
            "still running: the worker's job is not done"
        );
        smtp.release.add_permits(10);
        exited_cleanly(child, stdout);

        assert_eq!(smtp.received.load(Ordering::SeqCst), 1, "one mail sent");
        let db = app::platform::db::Db::connect(&db.url)
            .await
            .expect("open the database");
        let jobs: Vec<(String, i64)> =
            sqlx::query_as("select status, attempts from jobs order by created_at, id")
                .fetch_all(db.pool())
                .await
                .expect("jobs");
        let mut seen: Vec<(&str, i64)> = jobs.iter().map(|(s, a)| (s.as_str(), *a)).collect();
        seen.sort_unstable();
        assert_eq!(
            seen,
            [("done", 1), ("queued", 0), ("queued", 0)],
            "the job in progress finished; the others wait for the next instance"
        );
    }
);

/// An SMTP server on loopback that takes every message but holds its final "250" until
/// the test adds a permit to `release`: a job that is running for as long as a test needs.
/// `arrivals` hears of each message as its last line arrives.
struct StallingSmtp {
    port: u16,
    arrivals: mpsc::UnboundedReceiver<()>,
    release: Arc<Semaphore>,
    received: Arc<AtomicUsize>,
}

impl StallingSmtp {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        let (tx, arrivals) = mpsc::unbounded_channel();
        let release = Arc::new(Semaphore::new(0));
        let received = Arc::new(AtomicUsize::new(0));
        let (gate, count) = (release.clone(), received.clone());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (tx, gate, count) = (tx.clone(), gate.clone(), count.clone());
                tokio::spawn(async move {
                    let _ = converse(socket, &tx, &gate, &count).await;
                });
            }
        });
        Self {
            port,
            arrivals,
            release,
            received,
        }
    }
}

/// One SMTP conversation, just enough of RFC 5321 for lettre.
async fn converse(
    socket: tokio::net::TcpStream,
    arrived: &mpsc::UnboundedSender<()>,
    release: &Semaphore,
    received: &AtomicUsize,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 stalling ESMTP\r\n").await?;
    let mut in_data = false;
    while let Some(line) = lines.next_line().await? {
        if in_data {
            if line == "." {
                in_data = false;
                let _ = arrived.send(());
                release
                    .acquire()
                    .await
                    .map_err(std::io::Error::other)?
                    .forget();
                received.fetch_add(1, Ordering::SeqCst);
                write.write_all(b"250 OK queued\r\n").await?;
            }
            continue;
        }
        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 stalling\r\n",
            "DATA" => {
                in_data = true;
                b"354 go on\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"250 OK\r\n",
        };
        write.write_all(reply).await?;
    }
    Ok(())
}
