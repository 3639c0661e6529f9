//! The funnel on both engines: each step counted once per visitor and day, nothing for
//! Sec-GPC, DNT or bots, visitors as keyed hashes, the conversion it gives, and raw rows
//! purged after the retention while the daily counts stay.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use serde_json::{json, Value};
use std::time::Duration;

const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

/// A browser-like client (cookie jar, its own address) sending `extra` headers.
fn visitor(ip: &str, agent: &str, extra: &[(&'static str, &str)]) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", ip.parse().expect("ip"));
    headers.insert("user-agent", agent.parse().expect("agent"));
    for (k, v) in extra {
        headers.insert(*k, v.parse().expect("header"));
    }
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("client")
}

both_backends!(
    the_funnel_counts_people_once_a_day_and_never_those_who_ask_not_to_be,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let lamp = app.stocked("Lamp", &[("LAMP", "40.00", 20)]).await;
        let slug: (String,) = sqlx::query_as("select slug from products")
            .fetch_one(app.state.db.pool())
            .await
            .expect("slug");
        let page = format!("/products/{}", slug.0);
        let journey = |client: reqwest::Client, email: &'static str| {
            let (app, lamp, page) = (&app, &lamp, page.clone());
            async move {
                for _ in 0..2 {
                    let response = client.get(app.url(&page)).send().await.expect("page");
                    assert_eq!(response.status(), 200);
                }
                assert!(app.add(&client, &lamp[0], "1").await.ok());
                app.ready_to_pay(&client, email).await;
                assert!(app.start_payment(&client).await.ok());
                assert!(app.pay(&client, "4242424242424242").await.ok());
            }
        };
        journey(visitor("10.9.0.1", CHROME, &[]), "one@example.com").await;
        journey(
            visitor("10.9.0.2", CHROME, &[("sec-gpc", "1")]),
            "gpc@example.com",
        )
        .await;
        journey(
            visitor("10.9.0.3", CHROME, &[("dnt", "1")]),
            "dnt@example.com",
        )
        .await;
        journey(
            visitor("10.9.0.4", "Mozilla/5.0 (compatible; Googlebot/2.1)", &[]),
            "bot@example.com",
        )
        .await;
        // Someone who only looks.
        let looker = visitor("10.9.0.5", CHROME, &[]);
        assert_eq!(
            looker
                .get(app.url(&page))
                .send()
                .await
                .expect("page")
                .status(),
            200
        );

        // Hits are written in batches: wait for them (bounded).
        for _ in 0..50 {
            if app
                .count("select count(*) from funnel_events where step = 'viewed'")
                .await
                >= 2
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        let steps: Vec<(String, i64)> =
            sqlx::query_as("select step, visitors from funnel_daily order by step")
                .fetch_all(app.state.db.pool())
                .await
                .expect("funnel");
        assert_eq!(
            steps,
            [("carted", 1), ("checkout", 1), ("paid", 1), ("viewed", 2)]
                .map(|(s, n)| (s.to_owned(), n)),
            "one buyer and one looker; nobody who asked not to be counted, no bot"
        );
        let visitors: Vec<(String,)> = sqlx::query_as("select visitor from funnel_events")
            .fetch_all(app.state.db.pool())
            .await
            .expect("rows");
        assert!(
            visitors
                .iter()
                .all(|(v,)| v.len() == 32 && !v.contains("10.9")),
            "keyed hashes, not addresses"
        );

        let owner = app.role_client("owner@example.com", "owner").await;
        let (_, funnel) = app.report(&owner, "funnel", "range=today").await;
        let conversion: Vec<Value> = funnel["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| r[2]["Int"].clone())
            .collect();
        assert_eq!(
            conversion,
            vec![json!(10000), json!(5000), json!(5000), json!(5000)],
            "{funnel}"
        );
        let (_, sales) = app.report(&owner, "sales", "range=today").await;
        let conversion = sales["kpis"]
            .as_array()
            .expect("kpis")
            .iter()
            .find(|k| k["key"] == "conversion")
            .expect("kpi")["value"]
            .clone();
        assert_eq!(conversion, 5000, "one paying visitor of two");

        // Raw rows go after the retention; the daily counts stay.
        sqlx::query("update funnel_events set created_at = created_at - 8640000000")
            .execute(app.state.db.pool())
            .await
            .expect("age");
        assert_eq!(
            app::analytics::funnel::purge(&app.state.db)
                .await
                .expect("purge"),
            5
        );
        assert_eq!(app.count("select count(*) from funnel_events").await, 0);
        assert_eq!(
            app.count("select cast(sum(visitors) as bigint) from funnel_daily")
                .await,
            5
        );
    }
);
