//! Tokens and sessions that must end when the account says so, single-use links that do
//! not outlive their mail, guesses that cannot outrun the count, and 429s that describe
//! the limit that refused them.

use crate::accounts_helpers::{token_of, PASSWORD};
use crate::both_backends;
use crate::helpers::{json, new_client, service_url, TestApp, TestDb};
use app::accounts::api::{ChangePassword, LogoutEverywhere, RequestPasswordReset, ResetPassword};
use leptos::server_fn::ServerFn as _;
use serde_json::json;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::SessionStore as _;

impl TestApp {
    /// Logs in over REST; returns the refresh token.
    async fn refresh_token(&self, email: &str) -> String {
        let response = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .expect("login");
        assert_eq!(response.status(), 200);
        json(response).await["data"]["refresh_token"]
            .as_str()
            .expect("refresh token")
            .to_owned()
    }

    async fn refresh(&self, token: &str) -> u16 {
        self.client
            .post(self.url("/api/v1/auth/refresh"))
            .json(&json!({ "refresh_token": token }))
            .send()
            .await
            .expect("refresh")
            .status()
            .as_u16()
    }
}

both_backends!(
    refresh_tokens_end_with_every_other_session_of_the_account,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;

        // "Log out everywhere" on the website.
        let token = app.refresh_token("ada@example.com").await;
        let web = app.browser();
        app.login_with(&web, "ada@example.com", PASSWORD).await;
        assert_eq!(
            app.call(&web, LogoutEverywhere::PATH, &[]).await.status(),
            200
        );
        assert_eq!(
            app.refresh(&token).await,
            401,
            "after logging out everywhere"
        );

        // A password reset.
        let token = app.refresh_token("ada@example.com").await;
        assert_eq!(
            app.refresh(&token).await,
            200,
            "rotates while nothing changed"
        );
        let token = app.refresh_token("ada@example.com").await;
        app.call(
            &app.browser(),
            RequestPasswordReset::PATH,
            &[("email", "ada@example.com")],
        )
        .await;
        let link = app
            .mailed_link("ada@example.com", "/account/reset?token=")
            .await;
        let reset = app
            .call(
                &app.browser(),
                ResetPassword::PATH,
                &[("token", &token_of(&link)), ("password", PASSWORD)],
            )
            .await;
        assert!(reset.status().is_success(), "{}", reset.status());
        assert_eq!(app.refresh(&token).await, 401, "after a password reset");

        // A role change by an admin.
        let token = app.refresh_token("ada@example.com").await;
        let user = app::accounts::db::by_email(&app.state.db, "ada@example.com")
            .await
            .expect("db")
            .expect("user");
        let admin = user.clone();
        app::accounts::staff::set_role(&app.state, &admin, &user.id, "support")
            .await
            .expect("role");
        assert_eq!(app.refresh(&token).await, 401, "after a role change");

        // Deleting the account.
        let token = app.refresh_token("ada@example.com").await;
        let access = {
            let response = app
                .client
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({ "email": "ada@example.com", "password": PASSWORD }))
                .send()
                .await
                .expect("login");
            json(response).await["data"]["access_token"]
                .as_str()
                .expect("access")
                .to_owned()
        };
        let deleted = app
            .client
            .delete(app.url("/api/v1/users/me"))
            .bearer_auth(&access)
            .json(&json!({ "password": PASSWORD }))
            .send()
            .await
            .expect("delete");
        assert_eq!(deleted.status(), 200);
        assert_eq!(app.refresh(&token).await, 401, "after deletion");
    }
);

both_backends!(
    a_session_ended_while_a_request_was_in_flight_stays_ended,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let mut stores = vec![app::platform::sessions::SessionBackend::Sql(
            app::platform::sessions::SqlSessionStore::new(app.state.db.clone()),
        )];
        if let Some(redis) = service_url("TEST_REDIS_URL") {
            let pool = oxcart_server::startup::connect_redis(&redis)
                .await
                .expect("redis");
            stores.push(app::platform::sessions::SessionBackend::redis(pool));
        }
        for store in stores {
            // A request loads the session; logout deletes it meanwhile; the request ends
            // and saves what it loaded.
            let mut record = Record {
                id: Id::default(),
                data: [("auth".to_owned(), json!({ "user_id": "u" }))].into(),
                expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
            };
            store.create(&mut record).await.expect("create");
            let loaded = store.load(&record.id).await.expect("load").expect("exists");
            store.delete(&record.id).await.expect("logout");
            store.save(&loaded).await.expect("the late save");
            assert!(
                store.load(&record.id).await.expect("load").is_none(),
                "{store:?}: the ended session came back"
            );
        }
    }
);

both_backends!(
    single_use_links_do_not_stay_in_the_job_queue_after_their_mail,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        app.call(
            &app.browser(),
            RequestPasswordReset::PATH,
            &[("email", "ada@example.com")],
        )
        .await;
        app.mailed_link("ada@example.com", "/account/reset?token=")
            .await;
        assert!(
            app.delivered_mails("token=").await >= 2,
            "verify and reset mails"
        );
        assert_eq!(
            app.count("select count(*) from jobs where payload like '%token=%'")
                .await,
            0,
            "no link left in the queue"
        );
    }
);

both_backends!(
    parallel_guesses_get_no_more_tries_than_the_limit,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        let answers = futures_util::future::join_all((0..20).map(|_| {
            let app = &app;
            async move {
                app.login_with(&new_client(), "ada@example.com", "wrong password!")
                    .await
                    .status()
                    .as_u16()
            }
        }))
        .await;
        let checked = answers.iter().filter(|s| **s == 401).count();
        let limited = answers.iter().filter(|s| **s == 429).count();
        assert_eq!(checked + limited, 20, "{answers:?}");
        assert!(checked <= 5, "{checked} passwords checked: {answers:?}");

        // Re-checks of the current password (signed in) are limited the same way.
        app.verified_user("bob@example.com").await;
        let bob = app.browser();
        app.login_with(&bob, "bob@example.com", PASSWORD).await;
        for _ in 0..5 {
            let wrong = app
                .call(
                    &bob,
                    ChangePassword::PATH,
                    &[
                        ("current_password", "not it at all"),
                        ("new_password", "another good one"),
                    ],
                )
                .await;
            assert_eq!(wrong.status(), 400);
        }
        let limited = app
            .call(
                &bob,
                ChangePassword::PATH,
                &[
                    ("current_password", PASSWORD),
                    ("new_password", "another good one"),
                ],
            )
            .await;
        assert_eq!(limited.status(), 429, "even the right one waits now");
        assert_eq!(limited.headers()["x-ratelimit-limit"], "5");
        assert_eq!(limited.headers()["x-ratelimit-remaining"], "0");
    }
);

both_backends!(
    a_per_account_refusal_reports_that_limit_not_the_addresses,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        let client = new_client();
        for _ in 0..5 {
            let response = app
                .login_with(&client, "ada@example.com", "wrong password!")
                .await;
            assert_eq!(response.status(), 401);
        }
        let response = app
            .login_with(&client, "ada@example.com", "wrong password!")
            .await;
        assert_eq!(response.status(), 429);
        let headers = response.headers();
        assert_eq!(headers["x-ratelimit-limit"], "5", "the account's limit");
        assert_eq!(headers["x-ratelimit-remaining"], "0");
        let reset: u64 = headers["x-ratelimit-reset"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("a Unix time");
        // The Unix time the window resets at (the specification's example), 15 minutes out.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        assert!(
            reset > now + 60 && reset <= now + 15 * 60 + 1,
            "the account's 15-minute window ends at {reset}, now is {now}"
        );
        // The REST API, from the same address (its counter has 4 left), says the same.
        let rest = client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({ "email": "ada@example.com", "password": "wrong password!" }))
            .send()
            .await
            .expect("login");
        assert_eq!(rest.status(), 429);
        assert_eq!(rest.headers()["x-ratelimit-limit"], "5");
        assert_eq!(rest.headers()["x-ratelimit-remaining"], "0");
        assert_eq!(json(rest).await["error"]["code"], "RATE_LIMIT_EXCEEDED");
    }
);
