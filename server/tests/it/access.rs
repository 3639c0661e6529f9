//! Where a browser ends up: `next` after signing in (and after the second factor) never
//! leaves the store and never breaks the answer; every protected page is refused on the
//! server, for every route the app has, before anything renders.

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::accounts::api::{CompleteTwoFactor, Login};
use app::shell::{page_access, PageAccess};
use leptos::server_fn::ServerFn as _;

/// `next` values that browsers would turn into another site, or that break a header.
const HOSTILE_NEXT: &[&str] = &[
    "/\t/evil.example",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "/\n/evil.example",
    "/\r\nSet-Cookie: x=1",
    "/\u{b}/evil.example",
    "/ /evil.example",
    "javascript:alert(1)",
];

/// Signs in with `next`, as a plain form (302) and as the hydrated page does; returns the
/// `Location` of each answer, after checking the answer is not an error.
async fn locations(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Vec<String> {
    let mut found = Vec::new();
    for accept in ["text/html", "application/json"] {
        let response = app
            .browser()
            .post(app.url(path))
            .header("accept", accept)
            .form(fields)
            .send()
            .await
            .expect("post");
        let status = response.status().as_u16();
        assert!(status < 400, "{path} {accept}: {status}");
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .expect("a location")
            .to_owned();
        found.push(location);
    }
    found
}

/// Whether `location`, resolved as a browser resolves it, stays on the store.
fn stays_here(app: &TestApp, location: &str) -> bool {
    let base = url::Url::parse(&app.url("/")).expect("base");
    base.join(location)
        .is_ok_and(|u| u.origin() == base.origin())
        && !location.starts_with("//")
}

both_backends!(
    a_next_that_leaves_the_store_or_breaks_the_header_goes_home,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        for next in HOSTILE_NEXT {
            let fields = [
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("next", next),
            ];
            for location in locations(&app, Login::PATH, &fields).await {
                assert!(stays_here(&app, &location), "{next:?} → {location:?}");
                assert_eq!(location, "/account", "{next:?} falls back");
            }
        }
        // A real path on the store is kept, query and all.
        let fields = [
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("next", "/account/orders?page=2"),
        ];
        for location in locations(&app, Login::PATH, &fields).await {
            assert_eq!(location, "/account/orders?page=2");
        }

        // The second step of a sign-in follows the same rule.
        let (_, secret) = app.admin_with_two_factor("grace@example.com").await;
        for next in HOSTILE_NEXT.iter().copied().chain(["/admin/orders"]) {
            for accept in ["text/html", "application/json"] {
                let client = app.browser();
                let first = client
                    .post(app.url(Login::PATH))
                    .header("accept", "application/json")
                    .form(&[("email", "grace@example.com"), ("password", PASSWORD)])
                    .send()
                    .await
                    .expect("login");
                assert_eq!(first.headers()["location"], "/account/login/two-factor");
                // Each code works once; this test is about `next`, so the last use is
                // forgotten instead of waiting 30 s for the next code.
                sqlx::query(
                    "update users set totp_last_step = null where email = 'grace@example.com'",
                )
                .execute(app.state.db.pool())
                .await
                .expect("reset");
                let code = app::accounts::totp::code_at(&secret, app::accounts::totp::step_now())
                    .expect("code");
                let response = client
                    .post(app.url(CompleteTwoFactor::PATH))
                    .header("accept", accept)
                    .form(&[("code", code.as_str()), ("next", next)])
                    .send()
                    .await
                    .expect("second step");
                assert!(
                    response.status().as_u16() < 400,
                    "{next:?}: {}",
                    response.status()
                );
                let location = response.headers()["location"].to_str().expect("ascii");
                assert!(stays_here(&app, location), "{next:?} → {location:?}");
                let want = if next == "/admin/orders" {
                    next
                } else {
                    "/admin"
                };
                assert_eq!(location, want, "{next:?}");
            }
        }
    }
);

/// Every page route of the app with its parameters filled in.
fn all_pages() -> Vec<String> {
    oxcart_server::router::page_routes()
        .iter()
        .map(|r| {
            r.path()
                .split('/')
                .map(|s| {
                    if s.starts_with(':') || s.starts_with('{') {
                        "x"
                    } else {
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

both_backends!(
    every_protected_page_sends_a_visitor_to_sign_in_before_it_renders,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let pages = all_pages();
        assert!(pages.len() > 30, "the route list: {pages:?}");
        let protected: Vec<&String> = pages
            .iter()
            .filter(|p| page_access(p) != PageAccess::Public)
            .collect();
        for must in ["/admin", "/admin/orders", "/account", "/account/orders"] {
            assert!(protected.iter().any(|p| p == &must), "{must} is protected");
        }
        let visitor = app.browser();
        for path in &pages {
            let response = visitor
                .get(app.url(path))
                .header("accept", "text/html")
                .send()
                .await
                .expect("page");
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            if page_access(path) == PageAccess::Public {
                assert!(
                    !location.starts_with("/account/login"),
                    "{path} is public: {location}"
                );
            } else {
                assert_eq!(response.status(), 303, "{path}");
                let next = location
                    .strip_prefix("/account/login?next=")
                    .unwrap_or_else(|| panic!("{path} → {location}"));
                let next: String = url::form_urlencoded::parse(format!("n={next}").as_bytes())
                    .map(|(_, v)| v.into_owned())
                    .collect();
                assert_eq!(&next, path, "back here after signing in");
            }
        }

        // Signed in: a customer has the account area, and the admin's 403 page.
        app.verified_user("cus@example.com").await;
        let customer = app.browser();
        app.login_with(&customer, "cus@example.com", PASSWORD).await;
        for path in &protected {
            let response = customer
                .get(app.url(path))
                .header("accept", "text/html")
                .send()
                .await
                .expect("page");
            let want = match page_access(path) {
                PageAccess::Staff => 403,
                _ => 200,
            };
            assert_eq!(response.status(), want, "{path}");
        }

        // An admin who has not set up two-factor is sent to set it up.
        app::accounts::service::create_admin(&app.state.db, "new@example.com", PASSWORD, "")
            .await
            .expect("admin");
        let admin = app.browser();
        app.login_with(&admin, "new@example.com", PASSWORD).await;
        let response = admin
            .get(app.url("/admin/orders"))
            .header("accept", "text/html")
            .send()
            .await
            .expect("page");
        assert_eq!(response.status(), 303);
        assert_eq!(
            response.headers()["location"],
            "/account/two-factor?required=1"
        );
    }
);
