//! Changing the account's email address: confirmed from the new inbox, refused when taken.

use crate::accounts_helpers::{token_of, PASSWORD};
use crate::both_backends;
use crate::helpers::{json, TestApp, TestDb};
use leptos::server_fn::ServerFn as _;

both_backends!(
    the_email_changes_only_after_the_new_address_confirms_and_the_profile_saves,
    |backend| async move {
        use app::accounts::api::{ChangeEmail, ConfirmEmailChange, UpdateProfile};
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        app.verified_user("taken@example.com").await;
        let ada = app.browser();
        app.login_with(&ada, "ada@example.com", PASSWORD).await;

        let response = app
            .call(&ada, UpdateProfile::PATH, &[("full_name", "  Ada King  ")])
            .await;
        assert!(response.status().is_success());
        let response = app
            .call(
                &ada,
                UpdateProfile::PATH,
                &[("full_name", &"x".repeat(101))],
            )
            .await;
        assert_eq!(response.status(), 400);

        let wrong = app
            .call(
                &ada,
                ChangeEmail::PATH,
                &[
                    ("current_password", "not my password"),
                    ("email", "ada@new.example"),
                ],
            )
            .await;
        assert_eq!(wrong.status(), 400);
        assert_eq!(json(wrong).await["field"], "current_password");
        let bad = app
            .call(
                &ada,
                ChangeEmail::PATH,
                &[("current_password", PASSWORD), ("email", "nope")],
            )
            .await;
        assert_eq!(json(bad).await["field"], "email");

        let response = app
            .call(
                &ada,
                ChangeEmail::PATH,
                &[("current_password", PASSWORD), ("email", "ada@new.example")],
            )
            .await;
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(
            app.whoami(&ada).await.as_deref(),
            Some("ada@example.com"),
            "not before confirming"
        );
        let link = app
            .mailed_link("ada@new.example", "/account/confirm-email?token=")
            .await;
        let response = app
            .call(
                &app.browser(),
                ConfirmEmailChange::PATH,
                &[("token", &token_of(&link))],
            )
            .await;
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(app.whoami(&ada).await.as_deref(), Some("ada@new.example"));
        assert!(app
            .login_with(&app.browser(), "ada@new.example", PASSWORD)
            .await
            .status()
            .is_success());
        assert_eq!(
            app.login_with(&app.browser(), "ada@example.com", PASSWORD)
                .await
                .status(),
            401
        );
        let (name,): (String,) =
            sqlx::query_as("select full_name from users where email = 'ada@new.example'")
                .fetch_one(app.state.db.pool())
                .await
                .expect("row");
        assert_eq!(name, "Ada King");

        // Someone else's address cannot be taken over through a change.
        app.call(
            &ada,
            ChangeEmail::PATH,
            &[
                ("current_password", PASSWORD),
                ("email", "taken@example.com"),
            ],
        )
        .await;
        let link = app
            .mailed_link("taken@example.com", "/account/confirm-email?token=")
            .await;
        let response = app
            .call(
                &ada,
                ConfirmEmailChange::PATH,
                &[("token", &token_of(&link))],
            )
            .await;
        assert_eq!(response.status(), 409);
        assert_eq!(app.whoami(&ada).await.as_deref(), Some("ada@new.example"));
    }
);
