//! `/metrics`: not served without a token, 401 without the right one; the Prometheus text
//! format with requests labelled by their route template (never the raw path), and the
//! database's figures (pool, jobs, webhook deliveries, mail, orders and revenue).

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};

const TOKEN: &str = "scrape-token-0123456789";

both_backends!(
    metrics_are_for_the_scraper_and_name_routes_not_paths,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let closed = TestApp::spawn(&db, &[]).await;
        assert_eq!(
            closed.get("/metrics").await.status(),
            404,
            "no token: not served"
        );

        let app = TestApp::spawn(&db, &[("OXCART_METRICS_TOKEN", TOKEN)]).await;
        app.rates().await;
        let ids = app.stocked("Lamp", &[("LAMP", "40.00", 10)]).await;
        app.bought(&ids[0], "2", "ada@example.com").await;
        let (slug,): (String,) = sqlx::query_as("select slug from products limit 1")
            .fetch_one(app.state.db.pool())
            .await
            .expect("product");
        assert_eq!(
            app.get_page(&format!("/products/{slug}")).await.status(),
            200
        );
        assert_eq!(
            app.get_page(&format!("/products/{slug}")).await.status(),
            200
        );
        assert_eq!(
            app.get("/api/v1/products/no-such-thing").await.status(),
            404
        );

        assert_eq!(app.get("/metrics").await.status(), 401);
        let wrong = app.scrape("scrape-token-wrong-0000").await;
        assert_eq!(wrong.status(), 401);
        let scrape = app.scrape(TOKEN).await;
        assert_eq!(scrape.status(), 200);
        assert!(scrape.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/plain"));
        let text = scrape.text().await.expect("body");
        for expected in [
            r#"http_request_duration_seconds_bucket{method="GET",route="/products/{slug}",status_code="200",le="0.005"}"#,
            r#"http_request_duration_seconds_bucket{method="GET",route="/api/v1/products/{product}",status_code="404",le="+Inf"}"#,
            "http_requests_in_flight",
            r#"oxcart_db_pool_connections{state="open"}"#,
            r#"oxcart_jobs{status="#,
            "oxcart_job_oldest_due_age_seconds",
            "oxcart_mails_sent",
            r#"oxcart_orders_total{currency="USD"}"#,
            r#"oxcart_db_unavailable_total{reason="pool_timeout"}"#,
            r#"oxcart_db_unavailable_total{reason="connection"}"#,
            r#"oxcart_db_unavailable_total{reason="busy"}"#,
        ] {
            assert!(text.contains(expected), "{expected} missing from\n{text}");
        }
        assert!(
            !text.contains(&format!("route=\"/products/{slug}\"")),
            "a raw path became a label"
        );
        let value = |name: &str| -> i64 {
            text.lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().last())
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or_else(|| panic!("{name} missing from\n{text}")) as i64
        };
        let revenue = value(r#"oxcart_revenue_minor{currency="USD"}"#);
        assert!(revenue >= 8000, "two lamps at least: {revenue}");
        let max = app.state.db.max_connections();
        assert_eq!(value("oxcart_db_pool_max_connections"), i64::from(max));
        let (size, free) = (
            value("oxcart_data_dir_size_bytes"),
            value("oxcart_data_dir_available_bytes"),
        );
        assert!(size > 0 && free > 0 && free <= size, "{size} {free}");
        // The product page was read twice: a cache missed, then hit.
        let lookups = |outcome: &str| -> i64 {
            text.lines()
                .filter(|l| l.starts_with("oxcart_cache_requests_total{") && l.contains(outcome))
                .filter_map(|l| l.split_whitespace().last()?.parse::<i64>().ok())
                .sum()
        };
        assert!(lookups(r#"outcome="hit""#) >= 1, "{text}");
        assert!(lookups(r#"outcome="miss""#) >= 1, "{text}");
    }
);

impl TestApp {
    /// `GET /metrics` as Prometheus scrapes it, with `token`.
    pub async fn scrape(&self, token: &str) -> reqwest::Response {
        self.client
            .get(self.url("/metrics"))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET /metrics")
    }
}
