//! The page cache: anonymous visitors of the catalog pages share one sealed copy of each
//! page; anyone with a session, and every page that is personal or not found, is
//! rendered for them alone; a catalog change replaces the copies on every instance.

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::catalog_helpers::{product, v};
use crate::helpers::{new_client, service_url, TestApp, TestDb};
use data_encoding::BASE64;
use sha2::{Digest as _, Sha256};
use std::time::Duration;

const CACHE: &str = "x-page-cache";

struct Page {
    status: u16,
    cache: Option<String>,
    policy: String,
    set_cookie: bool,
    body: String,
}

async fn load(app: &TestApp, client: &reqwest::Client, path: &str) -> Page {
    let response = client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    Page {
        status: response.status().as_u16(),
        cache: header(CACHE),
        policy: header("content-security-policy").unwrap_or_default(),
        set_cookie: response.headers().contains_key("set-cookie"),
        body: response.text().await.expect("body"),
    }
}

/// The inline scripts a browser would run, each of which the policy must allow by hash.
fn inline_scripts(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("script:not([src])").expect("selector");
    document
        .select(&selector)
        .filter(|s| s.value().attr("type") != Some("application/ld+json"))
        .map(|s| s.text().collect::<String>())
        .collect()
}

/// The number the header's cart link shows, if any.
fn cart_count(html: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(r#"[data-testid="cart-count"]"#).expect("selector");
    document
        .select(&selector)
        .next()
        .map(|c| c.text().collect::<String>().trim().to_owned())
}

fn assert_sealed(page: &Page, path: &str) {
    assert!(!page.policy.contains("'nonce-"), "{path}: {}", page.policy);
    assert!(
        !page.body.contains("nonce="),
        "{path}: the page keeps no nonce"
    );
    let scripts = inline_scripts(&page.body);
    assert!(!scripts.is_empty(), "{path}: the boot script is inline");
    for script in &scripts {
        let hash = format!(
            "'sha256-{}'",
            BASE64.encode(&Sha256::digest(script.as_bytes()))
        );
        assert!(
            page.policy.contains(&hash),
            "{path}: {script:.60} is not allowed by {}",
            page.policy
        );
    }
    assert_eq!(
        page.policy.matches("'sha256-").count(),
        scripts.len(),
        "{path}: only its own scripts"
    );
}

both_backends!(
    anonymous_visitors_share_one_sealed_copy_of_each_catalog_page,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.stocked("Linen Shirt", &[("LS-1", "25.00", 5)]).await;
        for path in [
            "/",
            "/products",
            "/products/linen-shirt",
            "/categories",
            "/search?q=linen",
        ] {
            let first = load(&app, &new_client(), path).await;
            let second = load(&app, &new_client(), path).await;
            assert_eq!((first.status, second.status), (200, 200), "{path}");
            assert_eq!(first.cache.as_deref(), Some("miss"), "{path}");
            assert_eq!(second.cache.as_deref(), Some("hit"), "{path}");
            assert_eq!(first.body, second.body, "{path}: the same bytes");
            assert_eq!(first.policy, second.policy, "{path}");
            assert!(
                !first.set_cookie && !second.set_cookie,
                "{path}: no session made"
            );
            assert_sealed(&second, path);
        }
        // HEAD answers from the same copy, with its length.
        let head = new_client()
            .head(app.url("/products"))
            .send()
            .await
            .expect("HEAD");
        assert_eq!(head.status(), 200);
        assert_eq!(head.headers()[CACHE], "hit");
        let length: usize = head.headers()["content-length"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("length");
        assert_eq!(
            length,
            load(&app, &new_client(), "/products").await.body.len()
        );
    }
);

both_backends!(
    visitors_arriving_together_wait_for_one_render,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.stocked("Linen Shirt", &[("LS-1", "25.00", 5)]).await;
        let loads = (0..20).map(|_| async { load(&app, &new_client(), "/products").await });
        let pages = futures_util::future::join_all(loads).await;
        let rendered = pages
            .iter()
            .filter(|p| p.cache.as_deref() == Some("miss"))
            .count();
        assert_eq!(rendered, 1, "one render for 20 visitors at once");
        assert!(pages
            .iter()
            .all(|p| p.status == 200 && p.body == pages[0].body));
    }
);

both_backends!(
    a_compressed_copy_decodes_to_the_cached_page,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let plain = load(&app, &new_client(), "/").await.body;
        for coding in ["br", "gzip"] {
            let response = new_client()
                .get(app.url("/"))
                .header("accept-encoding", format!("{coding}, deflate"))
                .send()
                .await
                .expect("GET");
            assert_eq!(response.headers()[CACHE], "hit");
            assert_eq!(response.headers()["content-encoding"], coding);
            assert_eq!(response.headers()["vary"], "accept-encoding");
            let bytes = response.bytes().await.expect("body");
            assert!(
                bytes.len() < plain.len() / 2,
                "{coding}: {} of {}",
                bytes.len(),
                plain.len()
            );
            let mut decoded = Vec::new();
            if coding == "br" {
                std::io::Read::read_to_end(
                    &mut brotli::Decompressor::new(&bytes[..], 4096),
                    &mut decoded,
                )
            } else {
                std::io::Read::read_to_end(
                    &mut flate2::read::GzDecoder::new(&bytes[..]),
                    &mut decoded,
                )
            }
            .expect("decodes");
            assert_eq!(
                String::from_utf8(decoded).expect("utf-8"),
                plain,
                "{coding}"
            );
        }
    }
);

both_backends!(
    nothing_personal_reaches_the_cache_or_comes_from_it,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let variants = app.stocked("Linen Shirt", &[("LS-1", "25.00", 5)]).await;

        // A signed-in customer with a cart, and a guest with a cart.
        let email = format!("cached-{}@example.com", uuid::Uuid::new_v4().simple());
        app.verified_user(&email).await;
        let customer = app.browser();
        assert!(app
            .login_with(&customer, &email, PASSWORD)
            .await
            .status()
            .is_success());
        assert!(app.add(&customer, &variants[0], "2").await.ok());
        let guest = app.browser();
        assert!(app.add(&guest, &variants[0], "1").await.ok());

        for path in ["/products", "/products/linen-shirt", "/"] {
            for _ in 0..2 {
                let mine = load(&app, &customer, path).await;
                assert_eq!(mine.status, 200, "{path}");
                assert_eq!(mine.cache, None, "{path}: a customer's page is their own");
                assert!(
                    mine.body.contains(r#"data-signed-in="true""#)
                        && mine.body.contains("Account: "),
                    "{path}: the header names the customer"
                );
                assert_eq!(cart_count(&mine.body).as_deref(), Some("2"), "{path}");
                assert_sealed(&mine, path);
                let guests = load(&app, &guest, path).await;
                assert_eq!(
                    guests.cache, None,
                    "{path}: a guest with a session is served alone"
                );
                assert_eq!(cart_count(&guests.body).as_deref(), Some("1"), "{path}");
            }
            let token = new_client()
                .get(app.url(path))
                .header("authorization", "Bearer not-a-token")
                .send()
                .await
                .expect("GET");
            assert!(
                !token.headers().contains_key(CACHE),
                "{path}: a request with credentials"
            );
            for _ in 0..2 {
                let anonymous = load(&app, &new_client(), path).await;
                assert!(anonymous.cache.is_some(), "{path}");
                assert!(
                    !anonymous.body.contains(&email) && !anonymous.body.contains("Account: "),
                    "{path}: no one else's account"
                );
                assert!(!anonymous.body.contains("data-signed-in"), "{path}");
                assert_eq!(cart_count(&anonymous.body), None, "{path}: an empty cart");
            }
        }
    }
);

both_backends!(
    pages_that_are_personal_or_missing_are_rendered_every_time,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let long = format!("/products?q={}", "x".repeat(600));
        for (path, status) in [
            ("/products/no-such-product", 404),
            ("/cart", 200),
            ("/account/login", 200),
            ("/orders/lookup", 200),
            (long.as_str(), 200),
        ] {
            for _ in 0..2 {
                let page = load(&app, &new_client(), path).await;
                assert_eq!(page.status, status, "{path:.40}");
                assert_eq!(page.cache, None, "{path:.40}");
                assert_sealed(&page, path);
            }
        }
    }
);

both_backends!(
    a_catalog_change_replaces_the_cached_copies,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let variants = app.stocked("Linen Shirt", &[("LS-1", "25.00", 1)]).await;
        for _ in 0..2 {
            load(&app, &new_client(), "/products/linen-shirt").await;
        }
        assert_eq!(
            load(&app, &new_client(), "/products/linen-shirt")
                .await
                .cache
                .as_deref(),
            Some("hit")
        );

        // The last unit sold: the page says so at once.
        let order = app.bought(&variants[0], "1", "buyer@example.com").await;
        assert!(!order.is_empty());
        let page = load(&app, &new_client(), "/products/linen-shirt").await;
        assert_eq!(
            page.cache.as_deref(),
            Some("miss"),
            "the sale emptied the cache"
        );
        assert!(
            page.body.contains("Sold out"),
            "the page shows the new stock"
        );
    }
);

/// Two instances sharing Redis: a change made on one replaces the other's copies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_instance_replaces_the_copies_of_another() {
    let (Some(_), Some(redis)) = (
        service_url("TEST_DATABASE_URL"),
        service_url("TEST_REDIS_URL"),
    ) else {
        return;
    };
    let db = TestDb::fresh(crate::helpers::Backend::Postgres).await;
    let one = TestApp::spawn(&db, &[("REDIS_URL", redis.as_str())]).await;
    let two = TestApp::spawn(&db, &[("REDIS_URL", redis.as_str())]).await;
    let id = one
        .save(product(
            "Wool Scarf",
            &["Size"],
            vec![v("WS-1", &["One"], "30.00", 3)],
        ))
        .await;
    for _ in 0..2 {
        load(&two, &new_client(), "/products/wool-scarf").await;
    }
    assert_eq!(
        load(&two, &new_client(), "/products/wool-scarf")
            .await
            .cache
            .as_deref(),
        Some("hit")
    );

    app::catalog::service::set_status(
        &one.state,
        "system",
        &[id],
        app::catalog::model::Status::Archived,
    )
    .await
    .expect("archived");
    let mut seen = false;
    for _ in 0..50 {
        if load(&two, &new_client(), "/products/wool-scarf")
            .await
            .status
            == 404
        {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        seen,
        "the other instance stops serving the archived product within 5 s"
    );
}
