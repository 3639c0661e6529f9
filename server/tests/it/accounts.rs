//! Shopper accounts through the server functions the pages use: registration, email
//! verification, sign-in and sign-out, sessions, password reset and change.

use crate::accounts_helpers::{read_mails, token_of, PASSWORD};
use crate::both_backends;
use crate::helpers::{json, session_cookie, TestApp, TestDb};
use app::accounts::api::{
    ChangePassword, Logout, LogoutEverywhere, RequestPasswordReset, ResetPassword,
};
use leptos::server_fn::ServerFn as _;

both_backends!(
    registration_needs_a_confirmed_email_then_logs_in_with_a_new_session_id,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;

        let response = app.register("ada@example.com", PASSWORD).await;
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(response.headers()["location"], "/account/check-email");

        // Before confirming: the right password is not enough, and a fresh link is sent.
        let response = app
            .login_with(&app.client, "ada@example.com", PASSWORD)
            .await;
        assert_eq!(response.status(), 403);
        assert!(json(response).await["message"]
            .as_str()
            .expect("message")
            .contains("onfirm your email"));

        let mail = app
            .wait_for_mail("ada@example.com", "/account/verify?token=")
            .await;
        assert!(mail.contains("Subject: Confirm your email"), "{mail}");
        // Two links now (registration, then the refused login); only the newer one works.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while read_mails(&app.outbox())
            .iter()
            .filter(|m| m.contains("/account/verify?token="))
            .count()
            < 2
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the refused login sends a fresh link"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let links: Vec<String> = read_mails(&app.outbox())
            .iter()
            .filter_map(|m| crate::accounts_helpers::extract_link(m, "/account/verify?token="))
            .collect();
        let retired = app
            .call(
                &app.client,
                app::accounts::api::VerifyEmail::PATH,
                &[("token", &token_of(&links[0]))],
            )
            .await;
        assert_eq!(retired.status(), 400, "a newer link replaces the older one");
        assert!(
            mail.contains(&app.state.config.public_url.to_string()),
            "links use OXCART_PUBLIC_URL"
        );
        app.verified_user_link_flow("ada@example.com").await;

        // A session exists before login (anonymous); logging in gives it a new id.
        app.get("/").await;
        let before = app
            .call(
                &app.client,
                app::settings::api::DismissAnnouncement::PATH,
                &[],
            )
            .await;
        let (old_cookie, _) = session_cookie(&before).expect("anonymous session");
        let response = app
            .login_with(&app.client, "ADA@example.com", PASSWORD)
            .await;
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(response.headers()["location"], "/account");
        let (new_cookie, _) = session_cookie(&response).expect("login sets a cookie");
        assert_ne!(old_cookie, new_cookie, "the session id changes at login");
        assert_eq!(
            app.whoami(&app.client).await.as_deref(),
            Some("ada@example.com")
        );

        // The old id no longer names a session.
        let stale = app.browser();
        let response = stale
            .post(app.url(app::accounts::api::GetCurrentUser::PATH))
            .header("accept", "application/json")
            .header("cookie", &old_cookie)
            .send()
            .await
            .expect("post");
        assert_eq!(json(response).await, serde_json::Value::Null);
    }
);

impl TestApp {
    async fn verified_user_link_flow(&self, email: &str) {
        let link = self.mailed_link(email, "/account/verify?token=").await;
        let response = self
            .call(
                &self.client,
                app::accounts::api::VerifyEmail::PATH,
                &[("token", &token_of(&link))],
            )
            .await;
        assert!(response.status().is_success(), "{}", response.status());
        self.wait_for_mail(email, "Your email is confirmed").await;
        // The link works once.
        let again = self
            .call(
                &self.client,
                app::accounts::api::VerifyEmail::PATH,
                &[("token", &token_of(&link))],
            )
            .await;
        assert_eq!(again.status(), 400);
    }
}

both_backends!(
    failed_sign_ins_read_the_same_for_unknown_and_known_emails,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("known@example.com").await;

        let unknown = app
            .login_with(&app.browser(), "nobody@example.com", PASSWORD)
            .await;
        let wrong = app
            .login_with(&app.browser(), "known@example.com", "wrong password here")
            .await;
        assert_eq!(unknown.status(), 401);
        assert_eq!(wrong.status(), 401);
        let (unknown, wrong) = (json(unknown).await, json(wrong).await);
        assert_eq!(unknown["message"], wrong["message"]);
        assert_eq!(unknown["code"], "UNAUTHORIZED");
        assert_eq!(unknown["message"], "Incorrect email or password");

        // Registering a taken email answers exactly like a new one; the owner is told.
        let taken = app
            .call(
                &app.browser(),
                app::accounts::api::Register::PATH,
                &[
                    ("full_name", ""),
                    ("email", "known@example.com"),
                    ("password", "another fine password"),
                ],
            )
            .await;
        let fresh = app
            .call(
                &app.browser(),
                app::accounts::api::Register::PATH,
                &[
                    ("full_name", ""),
                    ("email", "new@example.com"),
                    ("password", "another fine password"),
                ],
            )
            .await;
        assert_eq!(taken.status(), fresh.status());
        assert_eq!(
            taken.headers().get("location"),
            fresh.headers().get("location")
        );
        app.wait_for_mail("known@example.com", "You already have an account")
            .await;

        // Reset requests too; only the real account gets a mail.
        for email in ["known@example.com", "ghost@example.com"] {
            let response = app
                .call(
                    &app.browser(),
                    RequestPasswordReset::PATH,
                    &[("email", email)],
                )
                .await;
            assert!(response.status().is_success(), "{}", response.status());
            assert_eq!(response.headers()["location"], "/account/forgot?sent=1");
        }
        app.wait_for_mail("known@example.com", "/account/reset?token=")
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(!read_mails(&app.outbox())
            .iter()
            .any(|m| m.contains("ghost@example.com")));
    }
);

both_backends!(
    logout_ends_the_session_on_the_server_and_sessions_survive_a_restart,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        let response = app
            .login_with(&app.client, "ada@example.com", PASSWORD)
            .await;
        let (cookie, _) = session_cookie(&response).expect("cookie");

        let app = app.restart().await;
        assert_eq!(
            app.whoami(&app.client).await.as_deref(),
            Some("ada@example.com"),
            "still signed in after a restart"
        );

        let response = app.call(&app.client, Logout::PATH, &[]).await;
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(app.whoami(&app.client).await, None);

        // Replaying the old cookie from elsewhere finds nothing.
        let replay = app
            .browser()
            .post(app.url(app::accounts::api::GetCurrentUser::PATH))
            .header("accept", "application/json")
            .header("cookie", &cookie)
            .send()
            .await
            .expect("post");
        assert_eq!(json(replay).await, serde_json::Value::Null);
    }
);

both_backends!(
    changing_the_password_ends_the_other_sessions_and_logout_everywhere_ends_all,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        let laptop = app.browser();
        let phone = app.browser();
        for client in [&laptop, &phone] {
            let response = app.login_with(client, "ada@example.com", PASSWORD).await;
            assert!(response.status().is_success(), "{}", response.status());
        }

        let wrong = app
            .call(
                &laptop,
                ChangePassword::PATH,
                &[
                    ("current_password", "not it at all"),
                    ("new_password", "a brand new secret"),
                ],
            )
            .await;
        assert_eq!(wrong.status(), 400);
        assert_eq!(json(wrong).await["field"], "current_password");

        let response = app
            .call(
                &laptop,
                ChangePassword::PATH,
                &[
                    ("current_password", PASSWORD),
                    ("new_password", "a brand new secret"),
                ],
            )
            .await;
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(
            app.whoami(&laptop).await.as_deref(),
            Some("ada@example.com"),
            "this device stays in"
        );
        assert_eq!(app.whoami(&phone).await, None, "the other device is out");
        app.wait_for_mail("ada@example.com", "your password was changed")
            .await;

        let old = app
            .login_with(&app.browser(), "ada@example.com", PASSWORD)
            .await;
        assert_eq!(old.status(), 401);

        let response = app
            .login_with(&phone, "ada@example.com", "a brand new secret")
            .await;
        assert!(response.status().is_success());
        let response = app.call(&laptop, LogoutEverywhere::PATH, &[]).await;
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(app.whoami(&laptop).await, None);
        assert_eq!(app.whoami(&phone).await, None);
    }
);

both_backends!(
    a_reset_token_redeemed_twenty_times_at_once_works_exactly_once,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        let signed_in = app.browser();
        app.login_with(&signed_in, "ada@example.com", PASSWORD)
            .await;

        app.call(
            &app.browser(),
            RequestPasswordReset::PATH,
            &[("email", "ada@example.com")],
        )
        .await;
        let link = app
            .mailed_link("ada@example.com", "/account/reset?token=")
            .await;
        assert!(
            link.starts_with(app.state.config.public_url.as_str()),
            "{link}"
        );
        let token = token_of(&link);
        assert!(token.len() >= 43, "at least 256 bits: {token}");

        let attempts = (0..20).map(|i| {
            let app = &app;
            let token = token.clone();
            async move {
                let password = format!("new password number {i}");
                let response = app
                    .call(
                        &app.browser(),
                        ResetPassword::PATH,
                        &[("token", &token), ("password", &password)],
                    )
                    .await;
                (response.status().as_u16(), password)
            }
        });
        let results = futures_util::future::join_all(attempts).await;
        let winners: Vec<_> = results
            .iter()
            .filter(|(status, _)| *status == 200)
            .collect();
        assert_eq!(winners.len(), 1, "{results:?}");
        assert!(
            results
                .iter()
                .all(|(status, _)| *status == 200 || *status == 400),
            "{results:?}"
        );

        let winner = &winners[0].1;
        let response = app
            .login_with(&app.browser(), "ada@example.com", winner)
            .await;
        assert!(response.status().is_success(), "the winning password works");
        assert_eq!(
            app.whoami(&signed_in).await,
            None,
            "a reset signs every device out"
        );
    }
);
