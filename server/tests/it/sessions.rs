//! Sessions: the announcement dismissal is the first thing stored in one. It must survive
//! a restart with the SQL store and with Redis, and the cookie must be hardened.

use crate::both_backends;
use crate::helpers::{service_url, session_cookie, TestApp, TestDb};
use app::settings::api::DismissAnnouncement;
use leptos::server_fn::ServerFn as _;

const ANNOUNCEMENT: &str = "Free shipping on orders over $50";

async fn shows_announcement(app: &TestApp) -> bool {
    app.get("/")
        .await
        .text()
        .await
        .expect("body")
        .contains(ANNOUNCEMENT)
}

async fn dismissal_survives_a_restart(app: TestApp) {
    assert!(shows_announcement(&app).await, "shown before dismissal");

    let response = app.call_server_fn(DismissAnnouncement::PATH).await;
    assert!(response.status().is_success(), "{}", response.status());
    let (_, attributes) = session_cookie(&response).expect("a session cookie is set");
    assert!(attributes.contains("HttpOnly"), "{attributes}");
    assert!(attributes.contains("SameSite=Lax"), "{attributes}");
    assert!(
        !attributes.contains("Secure"),
        "plain http in tests: {attributes}"
    );
    assert!(!shows_announcement(&app).await, "hidden after dismissal");

    let app = app.restart().await;
    let html = app.get("/").await.text().await.expect("body");
    assert!(
        !html.contains(ANNOUNCEMENT),
        "the session outlived the restart"
    );
}

both_backends!(
    a_session_survives_a_restart_with_the_sql_store,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        dismissal_survives_a_restart(TestApp::spawn(&db, &[]).await).await;
    }
);

both_backends!(
    a_session_survives_a_restart_with_redis,
    |backend| async move {
        let Some(redis) = service_url("TEST_REDIS_URL") else {
            return;
        };
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[("REDIS_URL", &redis)]).await;
        dismissal_survives_a_restart(app).await;
        // Nothing went to the SQL store.
        let rows: i64 = sqlx::query_scalar("select count(*) from sessions")
            .fetch_one(TestApp::spawn(&db, &[]).await.state.db.pool())
            .await
            .expect("count");
        assert_eq!(rows, 0);
    }
);

both_backends!(a_tampered_session_cookie_is_ignored, |backend| async move {
    let db = TestDb::fresh(backend).await;
    let app = TestApp::spawn(&db, &[]).await;
    let response = app.call_server_fn(DismissAnnouncement::PATH).await;
    let (cookie, _) = session_cookie(&response).expect("a session cookie");
    // Flip one character of the value: the signature no longer matches.
    let (name, value) = cookie.split_once('=').expect("name=value");
    let mut chars: Vec<char> = value.chars().collect();
    let last = chars.len() - 1;
    chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
    let tampered = format!("{name}={}", chars.into_iter().collect::<String>());

    let fresh = reqwest::Client::new();
    let untouched = fresh
        .get(app.url("/"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("GET");
    assert!(!untouched.text().await.expect("body").contains(ANNOUNCEMENT));
    let forged = fresh
        .get(app.url("/"))
        .header("cookie", &tampered)
        .send()
        .await
        .expect("GET");
    assert!(
        forged.text().await.expect("body").contains(ANNOUNCEMENT),
        "a forged cookie is a new session"
    );
});

both_backends!(
    cookies_are_secure_when_the_store_is_served_over_https,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[("OXCART_PUBLIC_URL", "https://shop.example.com")]).await;
        let response = app.call_server_fn(DismissAnnouncement::PATH).await;
        let (_, attributes) = session_cookie(&response).expect("a session cookie is set");
        assert!(attributes.contains("Secure"), "{attributes}");
        assert!(attributes.contains("HttpOnly"), "{attributes}");
    }
);

both_backends!(
    reading_without_changing_never_rewrites_the_session,
    |backend| async move {
        // A request that only reads (a page looking for its one-time form error) must not
        // save the session: its stale copy would undo a concurrent request's change.
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let response = app.call_server_fn(DismissAnnouncement::PATH).await;
        assert!(response.status().is_success());
        let written = || async {
            let (updated_at, data): (i64, String) =
                sqlx::query_as("select updated_at, data from sessions")
                    .fetch_one(app.state.db.pool())
                    .await
                    .expect("one session");
            (updated_at, data)
        };
        let before = written().await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        for form in ["login", "register", "address"] {
            let response = app
                .call(
                    &app.client,
                    app::web::forms::TakeFlash::PATH,
                    &[("form", form)],
                )
                .await;
            assert!(response.status().is_success(), "{}", response.status());
        }
        assert_eq!(written().await, before, "the session row was not rewritten");
    }
);
