//! Graceful deploys: on SIGTERM the binary stops taking connections, answers the requests
//! already in flight (here one whose body is still arriving), lets the worker finish, and
//! exits 0 — so a rolling deploy loses no request.

use crate::binary::{exited_cleanly, serving, terminate};
use crate::both_backends;
use crate::helpers::TestDb;
use std::time::Duration;

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
