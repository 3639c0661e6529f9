//! The server builds a page inside nested `<Suspense>` more than once (leptos 0.8 re-runs
//! a `Suspend` when the resource it awaited resolves); the browser builds it once and
//! hydrates with the *first* build's serialized resources against the HTML of the *last*.
//! The discarded builds' server functions used to lose leptos' context half-way and
//! serialize an error ("session layer missing"), which the browser then rendered where the
//! HTML had the list: a hydration panic on Admin → Settings → API keys (issue 16). Every
//! build must serialize the same values.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};

/// The values `__RESOLVED_RESOURCES[i] = "…"` of a server-rendered page.
fn resources(html: &str) -> Vec<&str> {
    html.split("__RESOLVED_RESOURCES[")
        .skip(1)
        .filter_map(|rest| rest.split_once("] = \"")?.1.split("\";").next())
        .collect()
}

both_backends!(
    every_build_of_an_admin_page_serializes_the_same_values,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let admin = app.role_client("owner@example.com", "owner").await;
        let key = app::integrations::keys::create(
            &app.state.db,
            app::integrations::keys::Maker::CommandLine,
            "Warehouse",
            &["orders.read".to_owned()],
        )
        .await
        .expect("a key");
        drop(key);
        for path in [
            "/admin/settings/api-keys",
            "/admin/settings/webhooks",
            "/admin/audit",
        ] {
            for load in 0..12 {
                let response = admin.get(app.url(path)).send().await.expect("GET");
                assert_eq!(response.status(), 200, "{path}");
                let html = response.text().await.expect("html");
                let values = resources(&html);
                assert!(values.len() >= 3, "{path}: {values:?}");
                // Each page has three resources (the access check, its data, its flash):
                // however many builds there were, they serialized three distinct values.
                let distinct: std::collections::HashSet<&&str> = values.iter().collect();
                assert_eq!(
                    distinct.len(),
                    3,
                    "{path}, load {load}: builds differ: {values:?}"
                );
                assert!(
                    values.iter().all(|v| !v.starts_with("{\\\"Err\\\"")),
                    "{path}, load {load}: a build serialized an error: {values:?}"
                );
            }
        }
    }
);
