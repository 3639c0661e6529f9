//! Who gets staff powers: an invitation cannot hand a stranger's unverified account to
//! them; an admin without two-factor is not staff; what moves money needs two-factor.

use crate::accounts_helpers::{token_of, PASSWORD};
use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::accounts::api::AdminAccess;
use app::accounts::api::{AcceptInvite, InviteStaff};
use app::checkout::api::AddDiscount;
use app::orders::api::{GetOrder, OrderAction};
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
                &[("email", "hire@example.com"), ("role", "support")],
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
                &[("email", "cust@example.com"), ("role", "support")],
            )
            .await;
        let message: String = promoted.json().await.expect("json");
        assert!(message.contains("is now on the team"), "{message}");
    }
);

both_backends!(
    two_factor_guards_every_holder_of_a_sensitive_permission_and_roles_bound_the_rest,
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

        // A manager may refund and make codes, so owes two-factor before anything.
        let manager = app
            .role_client_without_two_factor("manager@example.com", "manager")
            .await;
        assert_eq!(
            app.value(&manager, AdminAccess::PATH, &[]).await,
            "NeedsTwoFactor"
        );
        let read = app.step(&manager, GetOrder::PATH, &[("id", &order)]).await;
        assert_eq!(read.status, 404, "owes two-factor: {}", read.body);

        // Fulfilment needs no second factor: reads and ships, but moves no money.
        let packer = app.role_client("packer@example.com", "fulfilment").await;
        let read = app.step(&packer, GetOrder::PATH, &[("id", &order)]).await;
        assert!(read.ok(), "fulfilment reads orders: {}", read.body);
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
        let refused = app.step(&packer, AddDiscount::PATH, &code).await;
        assert_eq!(
            refused.status, 403,
            "a 100 % code by fulfilment: {}",
            refused.body
        );
        let refund = app
            .step(
                &packer,
                OrderAction::PATH,
                &[
                    ("id", &order),
                    ("action", "refund"),
                    ("amount", "40.00"),
                    ("reason", "x"),
                ],
            )
            .await;
        assert_eq!(
            refund.status, 403,
            "a refund by fulfilment: {}",
            refund.body
        );
        assert_eq!(app.count("select count(*) from discounts").await, 0);
        assert_eq!(app.count("select count(*) from refunds").await, 0);

        app.enable_two_factor(&manager).await;
        assert!(app.step(&manager, AddDiscount::PATH, &code).await.ok());
    }
);
