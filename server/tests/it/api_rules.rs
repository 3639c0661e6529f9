//! The checkout's rules through the REST API: shipping rates, tax rates and discount
//! codes made, changed, switched off and removed by keys within their scopes, every
//! refusal named.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use reqwest::Method;
use serde_json::json;

both_backends!(keys_keep_the_checkout_rules, |backend| async move {
    let db = TestDb::fresh(backend).await;
    let app = TestApp::spawn(&db, &[]).await;
    let key = app
        .api_key("Rules", &["settings.manage", "discounts.manage"])
        .await;
    let rates_only = app.api_key("Rates", &["settings.manage"]).await;

    // Shipping rates.
    let (status, express) = app
        .api_json(
            Method::POST,
            "/api/v1/shipping-rates",
            &key,
            Some(
                json!({ "name": "Express", "country": "us", "base_amount": "9.90", "per_kg": "1" }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{express}");
    assert_eq!(
        (
            express["data"]["country"].as_str(),
            express["data"]["base_amount"].as_i64()
        ),
        (Some("US"), Some(990))
    );
    let rate = format!(
        "/api/v1/shipping-rates/{}",
        express["data"]["id"].as_str().expect("id")
    );
    for (body, field) in [
        (
            json!({ "name": "X", "country": "XX", "base_amount": "1" }),
            "country",
        ),
        (
            json!({ "name": "", "country": "US", "base_amount": "1" }),
            "name",
        ),
        (
            json!({ "name": "X", "country": "US", "base_amount": "free" }),
            "base_amount",
        ),
    ] {
        let (status, answer) = app
            .api_json(Method::POST, "/api/v1/shipping-rates", &key, Some(body))
            .await;
        assert_eq!(
            (status, answer["error"]["field"].as_str()),
            (400, Some(field)),
            "{answer}"
        );
    }
    let (status, off) = app
        .api_json(
            Method::PUT,
            &rate,
            &key,
            Some(
                json!({ "name": "Express", "country": "US", "base_amount": "12", "active": false }),
            ),
        )
        .await;
    assert_eq!(status, 200, "{off}");
    assert_eq!(
        (
            off["data"]["active"].as_bool(),
            off["data"]["base_amount"].as_i64()
        ),
        (Some(false), Some(1200))
    );
    for version in [1, i64::MAX] {
        let (status, _) = app
            .api_json(
                Method::PUT,
                &rate,
                &key,
                Some(json!({ "name": "Express", "country": "US", "base_amount": "12", "version": version })),
            )
            .await;
        assert_eq!(status, 409, "a write over a newer change ({version})");
    }
    let (_, listed) = app
        .api_json(Method::GET, "/api/v1/shipping-rates?limit=1", &key, None)
        .await;
    assert_eq!(listed["pagination"]["total_items"], 1);
    assert_eq!(
        app.api_json(Method::GET, "/api/v1/shipping-rates?sort=name", &key, None)
            .await
            .0,
        400
    );
    assert_eq!(app.api_json(Method::DELETE, &rate, &key, None).await.0, 200);
    assert_eq!(app.api_json(Method::DELETE, &rate, &key, None).await.0, 404);

    // Tax rates.
    let (status, vat) = app
        .api_json(
            Method::POST,
            "/api/v1/tax-rates",
            &key,
            Some(json!({ "name": "VAT", "country": "DE", "rate": "19", "inclusive": true })),
        )
        .await;
    assert_eq!(
        (status, vat["data"]["rate_ppm"].as_i64()),
        (201, Some(190_000)),
        "{vat}"
    );
    let (status, answer) = app
        .api_json(
            Method::POST,
            "/api/v1/tax-rates",
            &key,
            Some(json!({ "name": "VAT", "country": "FR", "rate": "lots" })),
        )
        .await;
    assert_eq!(
        (status, answer["error"]["field"].as_str()),
        (400, Some("rate"))
    );
    let tax = format!(
        "/api/v1/tax-rates/{}",
        vat["data"]["id"].as_str().expect("id")
    );
    let (status, changed) = app
        .api_json(
            Method::PUT,
            &tax,
            &key,
            Some(json!({ "name": "MwSt", "country": "DE", "rate": "7" })),
        )
        .await;
    assert_eq!(
        (status, changed["data"]["rate_ppm"].as_i64()),
        (200, Some(70_000)),
        "{changed}"
    );
    assert_eq!(
        changed["data"]["active"], true,
        "left out, active stays as it was"
    );
    assert_eq!(app.api_json(Method::DELETE, &tax, &key, None).await.0, 200);

    // Discount codes.
    let spring = json!({ "code": "spring10", "kind": "percent", "value": "10" });
    let (status, code) = app
        .api_json(
            Method::POST,
            "/api/v1/discount-codes",
            &key,
            Some(spring.clone()),
        )
        .await;
    assert_eq!(
        (status, code["data"]["code"].as_str()),
        (201, Some("SPRING10")),
        "{code}"
    );
    assert_eq!(
        app.api_json(Method::POST, "/api/v1/discount-codes", &key, Some(spring))
            .await
            .0,
        409
    );
    for (body, field) in [
        (
            json!({ "code": "X1", "kind": "percent", "value": "0" }),
            "value",
        ),
        (
            json!({ "code": "X2", "kind": "gift", "value": "5" }),
            "kind",
        ),
        (
            json!({ "code": "no spaces", "kind": "fixed", "value": "5" }),
            "code",
        ),
        (
            json!({ "code": "X3", "kind": "fixed", "value": "5", "starts_on": "2026-02-01", "ends_on": "2026-01-01" }),
            "ends_on",
        ),
    ] {
        let (status, answer) = app
            .api_json(Method::POST, "/api/v1/discount-codes", &key, Some(body))
            .await;
        assert_eq!(
            (status, answer["error"]["field"].as_str()),
            (400, Some(field)),
            "{answer}"
        );
    }
    let path = format!(
        "/api/v1/discount-codes/{}",
        code["data"]["id"].as_str().expect("id")
    );
    let (status, more) = app
        .api_json(Method::PUT, &path, &key, Some(json!({ "code": "SPRING10", "kind": "percent", "value": "15", "usage_limit": "100" })))
        .await;
    assert_eq!(
        (
            status,
            more["data"]["value"].as_i64(),
            more["data"]["usage_limit"].as_i64()
        ),
        (200, Some(15), Some(100))
    );
    let (status, off) = app.api_json(Method::DELETE, &path, &key, None).await;
    assert_eq!(
        (status, off["data"]["active"].as_bool()),
        (200, Some(false)),
        "a code is switched off, not lost"
    );
    let (_, codes) = app
        .api_json(Method::GET, "/api/v1/discount-codes", &key, None)
        .await;
    assert_eq!(codes["data"].as_array().map(Vec::len), Some(1));

    // Scopes: rates are settings.manage, codes discounts.manage.
    assert_eq!(
        app.api_json(Method::GET, "/api/v1/discount-codes", &rates_only, None)
            .await
            .0,
        403
    );
    assert_eq!(
        app.api_json(Method::GET, "/api/v1/tax-rates", &rates_only, None)
            .await
            .0,
        200
    );
    assert_eq!(
        app.api(Method::GET, "/api/v1/tax-rates", None, None)
            .await
            .status(),
        401
    );
});
