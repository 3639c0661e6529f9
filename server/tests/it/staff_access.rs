//! Who gets staff powers: an invitation cannot hand a stranger's unverified account to
//! them; an admin without two-factor is not staff; what moves money needs two-factor.

use crate::accounts_helpers::{token_of, PASSWORD};
use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::accounts::api::{AcceptInvite, InviteStaff};
use app::checkout::api::AddDiscount;
use app::orders::api::GetOrder;
use leptos::server_fn::ServerFn as _;

both_backends!(
    inviting_an_unverified_address_takes_the_account_from_whoever_registered_it,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        // Someone registers the new hire's address first, with a password of their own.
        let squatter = "a password the squatter knows";
        assert!(app
            .register("hire@example.com", squatter)
            .await
            .status()
            .is_success());
        let (admin, _) = app.admin_with_two_factor("boss@example.com").await;
        let invited = app
            .call(
                &admin,
                InviteStaff::PATH,
                &[("email", "hire@example.com"), ("role", "staff")],
            )
            .await;
        assert!(invited.status().is_success(), "{}", invited.status());
        let message: String = invited.json().await.expect("json");
        assert!(message.contains("Invitation sent"), "{message}");

        // The squatter's password opens nothing, before or after the invitation is taken.
        let attempt = app
            .login_with(&app.browser(), "hire@example.com", squatter)
            .await;
        assert_eq!(attempt.status(), 401);
        let link = app
            .mailed_link("hire@example.com", "/account/invite?token=")
            .await;
        let hire = app.browser();
        let accepted = app
            .call(
                &hire,
                AcceptInvite::PATH,
                &[
                    ("token", &token_of(&link)),
                    ("full_name", "New Hire"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert!(accepted.status().is_success(), "{}", accepted.status());
        assert_eq!(app.whoami(&hire).await.as_deref(), Some("hire@example.com"));
        let attempt = app
            .login_with(&app.browser(), "hire@example.com", squatter)
            .await;
        assert_eq!(attempt.status(), 401, "the squatter's password is gone");
        assert_eq!(
            app.count(
                "select count(*) from users where email = 'hire@example.com' and role = 'staff'"
            )
            .await,
            1,
            "one account, now staff"
        );

        // A verified customer (who proved the address) is still promoted at once.
        app.verified_user("cust@example.com").await;
        let promoted = app
            .call(
                &admin,
                InviteStaff::PATH,
                &[("email", "cust@example.com"), ("role", "staff")],
            )
            .await;
        let message: String = promoted.json().await.expect("json");
        assert!(message.contains("is now staff"), "{message}");
    }
);

both_backends!(
    an_admin_without_two_factor_reads_no_order_and_plain_staff_move_no_money,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Lamp", &[("LAMP", "40.00", 5)]).await;
        let order = app.bought(&ids[0], "1", "buyer@example.com").await;

        app::accounts::service::create_admin(&app.state.db, "half@example.com", PASSWORD, "")
            .await
            .expect("admin");
        let half = app.browser();
        app.login_with(&half, "half@example.com", PASSWORD).await;
        let read = app.step(&half, GetOrder::PATH, &[("id", &order)]).await;
        assert_eq!(read.status, 404, "not staff yet: {}", read.body);

        let staff = app.staff_client("plain@example.com").await;
        let read = app.step(&staff, GetOrder::PATH, &[("id", &order)]).await;
        assert!(read.ok(), "staff read orders: {}", read.body);
        let code = [
            ("code", "ALL"),
            ("kind", "percent"),
            ("value", "100"),
            ("min_subtotal", ""),
            ("usage_limit", ""),
            ("per_customer_limit", ""),
            ("starts_on", ""),
            ("ends_on", ""),
        ];
        let refused = app.step(&staff, AddDiscount::PATH, &code).await;
        assert_eq!(
            refused.status, 403,
            "a 100 % code without two-factor: {}",
            refused.body
        );
        assert_eq!(app.count("select count(*) from discounts").await, 0);
        app.enable_two_factor(&staff).await;
        assert!(app.step(&staff, AddDiscount::PATH, &code).await.ok());
    }
);
