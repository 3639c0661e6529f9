//! Staff access: the admin needs two-factor, invitations, roles, deactivation.

use crate::accounts_helpers::{token_of, PASSWORD};
use crate::both_backends;
use crate::helpers::{json, TestApp, TestDb};
use app::accounts::api::{
    AcceptInvite, AdminAccess, ChangeStaffRole, CompleteTwoFactor, EnableTwoFactor, InviteStaff,
    ListStaff, SetStaffActive, TwoFactorSetup, TwoFactorStatus,
};
use app::accounts::totp;
use leptos::server_fn::ServerFn as _;
use serde_json::Value;

impl TestApp {
    pub(crate) async fn value(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Value {
        let response = self.call(client, path, fields).await;
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        json(response).await
    }

    /// An admin (made as `oxcart create-admin` makes one) with two-factor turned on;
    /// returns the signed-in client and the TOTP secret.
    pub(crate) async fn admin_with_two_factor(&self, email: &str) -> (reqwest::Client, String) {
        app::accounts::service::create_admin(&self.state.db, email, PASSWORD, "Grace Hopper")
            .await
            .expect("admin created");
        let client = self.browser();
        let response = self.login_with(&client, email, PASSWORD).await;
        assert_eq!(response.headers()["location"], "/admin");
        assert_eq!(
            self.value(&client, AdminAccess::PATH, &[]).await,
            "NeedsTwoFactor"
        );
        assert_eq!(self.call(&client, ListStaff::PATH, &[]).await.status(), 403);

        let setup = self.value(&client, TwoFactorSetup::PATH, &[]).await;
        let secret: String = setup["secret"]
            .as_str()
            .expect("secret")
            .split_whitespace()
            .collect();
        assert!(setup["uri"]
            .as_str()
            .expect("uri")
            .starts_with("otpauth://totp/"));
        assert!(setup["qr_svg"].as_str().expect("svg").contains("<svg"));
        let again = self.value(&client, TwoFactorSetup::PATH, &[]).await;
        assert_eq!(
            setup["secret"], again["secret"],
            "a reload shows the same secret"
        );

        let wrong = self
            .call(&client, EnableTwoFactor::PATH, &[("code", "000000")])
            .await;
        assert_eq!(wrong.status(), 400);
        let code = totp::code_at(&secret, totp::step_now()).expect("code");
        let response = self
            .call(&client, EnableTwoFactor::PATH, &[("code", &code)])
            .await;
        assert!(response.status().is_success(), "{}", response.status());
        (client, secret)
    }
}

both_backends!(
    admins_need_two_factor_and_sign_in_with_a_code_or_a_recovery_code,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let (client, secret) = app.admin_with_two_factor("grace@example.com").await;

        let status = app.value(&client, TwoFactorStatus::PATH, &[]).await;
        assert_eq!(status["enabled"], true);
        assert_eq!(status["required"], true);
        let codes: Vec<String> =
            serde_json::from_value(status["new_recovery_codes"].clone()).expect("codes");
        assert_eq!(codes.len(), 10);
        let status = app.value(&client, TwoFactorStatus::PATH, &[]).await;
        assert_eq!(
            status["new_recovery_codes"],
            serde_json::json!([]),
            "shown once"
        );
        assert_eq!(
            app.value(&client, AdminAccess::PATH, &[]).await["Allowed"]["email"],
            "grace@example.com"
        );

        // A new sign-in stops after the password until a code is given.
        let laptop = app.browser();
        let response = app.login_with(&laptop, "grace@example.com", PASSWORD).await;
        assert_eq!(response.headers()["location"], "/account/login/two-factor");
        assert_eq!(app.whoami(&laptop).await, None, "not signed in yet");
        let response = app
            .call(&laptop, CompleteTwoFactor::PATH, &[("code", "123456")])
            .await;
        assert_eq!(response.status(), 400);
        let code = totp::code_at(&secret, totp::step_now() + 1).expect("code");
        let response = app
            .call(&laptop, CompleteTwoFactor::PATH, &[("code", &code)])
            .await;
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(response.headers()["location"], "/admin");
        assert_eq!(
            app.whoami(&laptop).await.as_deref(),
            Some("grace@example.com")
        );

        // The same code cannot be used twice.
        let phone = app.browser();
        app.login_with(&phone, "grace@example.com", PASSWORD).await;
        let response = app
            .call(&phone, CompleteTwoFactor::PATH, &[("code", &code)])
            .await;
        assert_eq!(response.status(), 400, "a replayed code is refused");

        // A recovery code works, once.
        let response = app
            .call(
                &phone,
                CompleteTwoFactor::PATH,
                &[("code", &codes[0].to_uppercase())],
            )
            .await;
        assert!(response.status().is_success(), "{}", response.status());
        let tablet = app.browser();
        app.login_with(&tablet, "grace@example.com", PASSWORD).await;
        let response = app
            .call(&tablet, CompleteTwoFactor::PATH, &[("code", &codes[0])])
            .await;
        assert_eq!(response.status(), 400);
    }
);

both_backends!(
    admins_invite_staff_who_cannot_manage_staff_and_can_be_deactivated,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let (admin, _) = app.admin_with_two_factor("grace@example.com").await;

        let message = app
            .value(
                &admin,
                InviteStaff::PATH,
                &[("email", "alan@example.com"), ("role", "support")],
            )
            .await;
        assert_eq!(message, "Invitation sent to alan@example.com.");
        let again = app
            .call(
                &admin,
                InviteStaff::PATH,
                &[("email", "Alan@example.com"), ("role", "support")],
            )
            .await;
        assert_eq!(again.status(), 409);
        let bad = app
            .call(
                &admin,
                InviteStaff::PATH,
                &[("email", "alan@example.com"), ("role", "wizard")],
            )
            .await;
        assert_eq!(bad.status(), 400);

        // An invited account cannot sign in before accepting.
        let response = app
            .login_with(&app.browser(), "alan@example.com", "!")
            .await;
        assert_eq!(response.status(), 401);

        let link = app
            .mailed_link("alan@example.com", "/account/invite?token=")
            .await;
        let alan = app.browser();
        let response = app
            .call(
                &alan,
                AcceptInvite::PATH,
                &[
                    ("token", &token_of(&link)),
                    ("full_name", "Alan Turing"),
                    ("password", "enigma machine 1940"),
                ],
            )
            .await;
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(response.headers()["location"], "/admin");
        let access = app.value(&alan, AdminAccess::PATH, &[]).await;
        assert_eq!(access["Allowed"]["role"], "staff");
        assert_eq!(access["Allowed"]["role_key"], "support");
        assert_eq!(
            app.call(&alan, ListStaff::PATH, &[]).await.status(),
            403,
            "staff do not manage staff"
        );
        let reused = app
            .call(
                &app.browser(),
                AcceptInvite::PATH,
                &[
                    ("token", &token_of(&link)),
                    ("full_name", "Mallory"),
                    ("password", "another password!"),
                ],
            )
            .await;
        assert_eq!(reused.status(), 400);

        let team = app.value(&admin, ListStaff::PATH, &[]).await;
        let alan_row = team
            .as_array()
            .expect("list")
            .iter()
            .find(|m| m["email"] == "alan@example.com")
            .expect("listed")
            .clone();
        assert_eq!(alan_row["invited"], false);
        let alan_id = alan_row["id"].as_str().expect("id").to_owned();
        let grace_id = team
            .as_array()
            .expect("list")
            .iter()
            .find(|m| m["email"] == "grace@example.com")
            .expect("listed")["id"]
            .as_str()
            .expect("id")
            .to_owned();

        // The last admin cannot step down or switch themselves off.
        let response = app
            .call(
                &admin,
                ChangeStaffRole::PATH,
                &[("user_id", &grace_id), ("role", "manager")],
            )
            .await;
        assert_eq!(response.status(), 400);
        let response = app
            .call(
                &admin,
                SetStaffActive::PATH,
                &[("user_id", &grace_id), ("active", "false")],
            )
            .await;
        assert_eq!(response.status(), 400);

        // Deactivating ends Alan's session and his sign-ins.
        let response = app
            .call(
                &admin,
                SetStaffActive::PATH,
                &[("user_id", &alan_id), ("active", "false")],
            )
            .await;
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(app.whoami(&alan).await, None);
        assert_eq!(
            app.login_with(&app.browser(), "alan@example.com", "enigma machine 1940")
                .await
                .status(),
            401
        );
        let response = app
            .call(
                &admin,
                SetStaffActive::PATH,
                &[("user_id", &alan_id), ("active", "true")],
            )
            .await;
        assert!(response.status().is_success());
        assert!(app
            .login_with(&app.browser(), "alan@example.com", "enigma machine 1940")
            .await
            .status()
            .is_success());
    }
);

both_backends!(customers_are_kept_out_of_the_admin, |backend| async move {
    let db = TestDb::fresh(backend).await;
    let app = TestApp::spawn(&db, &[]).await;
    app.verified_user("ada@example.com").await;
    let ada = app.browser();
    let response = app.login_with(&ada, "ada@example.com", PASSWORD).await;
    assert_eq!(response.headers()["location"], "/account");
    assert_eq!(app.value(&ada, AdminAccess::PATH, &[]).await, "Forbidden");
    assert_eq!(app.call(&ada, ListStaff::PATH, &[]).await.status(), 403);
    assert_eq!(
        app.call(
            &ada,
            InviteStaff::PATH,
            &[("email", "x@example.com"), ("role", "admin")]
        )
        .await
        .status(),
        403
    );
    let page = ada
        .get(app.url("/admin"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 403);
    let anonymous = app.get_page("/admin/staff").await;
    assert_eq!(
        anonymous.status(),
        303,
        "sent to sign in before anything renders"
    );
    assert_eq!(
        anonymous.headers()["location"],
        "/account/login?next=/admin/staff"
    );
});
