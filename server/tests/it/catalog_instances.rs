//! The catalog's writes and reads across instances, and what costs a listing.

use crate::both_backends;
use crate::catalog_helpers::{product, v};
use crate::helpers::{json, service_url, TestApp, TestDb};
use app::catalog::model::ProductInput;

both_backends!(
    slug_and_sku_conflicts_are_clear_and_save_nothing,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.save(product("Linen Shirt", &[], vec![v("LS-1", &[], "40", 1)]))
            .await;

        let conflict = |input: ProductInput| {
            let state = app.state.clone();
            async move {
                match app::catalog::service::save_product(&state, "system", None, &input).await {
                    Err(app::platform::error::AppError::Conflict(message)) => message,
                    other => panic!("expected a conflict, got {:?}", other.map(|_| ())),
                }
            }
        };
        let same_slug = product("Linen Shirt", &[], vec![v("OTHER-1", &[], "10", 1)]);
        assert!(conflict(same_slug).await.contains("linen-shirt"));
        let mut same_sku = product(
            "Wool Sweater",
            &["Size"],
            vec![v("WS-S", &["S"], "10", 1), v("ls-1", &["M"], "10", 1)],
        );
        same_sku.description = "Warm.".into();
        assert!(conflict(same_sku).await.contains("SKU LS-1"));

        // Nothing of the refused product exists: not the row, its variants, nor its search entry.
        assert_eq!(app.get("/api/v1/products/wool-sweater").await.status(), 404);
        assert!(app.names("q=sweater").await.0.is_empty());
        let (variants,): (i64,) =
            sqlx::query_as("select count(*) from variants where sku = 'WS-S'")
                .fetch_one(app.state.db.pool())
                .await
                .expect("count");
        assert_eq!(variants, 0);

        // SKUs may move between the variants of one product.
        let id = app
            .save(product(
                "Tee",
                &["Size"],
                vec![v("T-A", &["S"], "1", 1), v("T-B", &["M"], "1", 1)],
            ))
            .await;
        let stored = app::catalog::read::product_by_id(&app.state, &id)
            .await
            .expect("stored");
        let mut swapped = product(
            "Tee",
            &["Size"],
            vec![v("T-B", &["S"], "1", 1), v("T-A", &["M"], "1", 1)],
        );
        for (input, variant) in swapped.variants.iter_mut().zip(&stored.variants) {
            input.id = Some(variant.id.clone());
        }
        app::catalog::service::save_product(&app.state, "system", Some(&id), &swapped)
            .await
            .expect("swap saved");
        let product = json(app.get("/api/v1/products/tee").await).await;
        assert_eq!(product["data"]["variants"][0]["sku"], "T-B");
        assert_eq!(
            product["data"]["variants"][0]["id"],
            stored.variants[0].id.as_str(),
            "variant ids are kept"
        );
    }
);

both_backends!(
    a_listing_costs_the_same_queries_however_big_the_catalog,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[("OXCART_CATALOG_CACHE", "off")]).await;
        let shirts = app.category("Shirts", None).await;
        let make = |n: usize| {
            let mut p = product(
                &format!("Shirt {n}"),
                &["Size"],
                vec![
                    v(&format!("S{n}-S"), &["S"], "10", 1),
                    v(&format!("S{n}-M"), &["M"], "12", 0),
                ],
            );
            p.category_id = Some(shirts.clone());
            p
        };
        for n in 0..3 {
            let id = app.save(make(n)).await;
            app::catalog::media::add(
                &app.state,
                "system",
                &id,
                crate::catalog_helpers::png(40, 40),
                "front",
            )
            .await
            .expect("picture");
        }
        let small = app.queries_for("/products?o=Size:S&in_stock=1").await;
        let small_product = app.queries_for("/products/shirt-1").await;
        for n in 3..40 {
            let id = app.save(make(n)).await;
            if n % 5 == 0 {
                app::catalog::media::add(
                    &app.state,
                    "system",
                    &id,
                    crate::catalog_helpers::png(40, 40),
                    "front",
                )
                .await
                .expect("picture");
            }
        }
        let big = app.queries_for("/products?o=Size:S&in_stock=1").await;
        assert!(small > 0, "the header counts statements");
        assert_eq!(small, big, "24 cards cost what 3 did");
        assert_eq!(app.queries_for("/categories/shirts?page=2").await, big);
        assert_eq!(app.queries_for("/products/shirt-30").await, small_product);
    }
);

both_backends!(
    writes_empty_the_cache_of_every_instance,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let redis = service_url("TEST_REDIS_URL");
        let extra: Vec<(&str, &str)> = redis.iter().map(|u| ("REDIS_URL", u.as_str())).collect();
        let one = TestApp::spawn(&db, &extra).await;
        let id = one
            .save(product("Oak Board", &[], vec![v("BRD-1", &[], "30", 2)]))
            .await;
        assert_eq!(one.names("q=oak").await.0, ["Oak Board"]);

        let mut renamed = product("Walnut Board", &[], vec![v("BRD-1", &[], "30", 2)]);
        renamed.slug = "oak-board".into();
        app::catalog::service::save_product(&one.state, "system", Some(&id), &renamed)
            .await
            .expect("renamed");
        assert_eq!(
            one.names("q=oak").await.0,
            Vec::<String>::new(),
            "this instance forgot the old name"
        );
        assert_eq!(one.names("q=walnut").await.0, ["Walnut Board"]);

        if redis.is_none() || backend == crate::helpers::Backend::Sqlite {
            return;
        }
        // A second instance on the same database caches the listing; a write on the first
        // reaches it through Redis.
        let two = TestApp::spawn(&db, &extra).await;
        assert_eq!(two.names("").await.0, ["Walnut Board"]);
        let mut again = renamed.clone();
        again.name = "Cherry Board".into();
        app::catalog::service::save_product(&one.state, "system", Some(&id), &again)
            .await
            .expect("renamed");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            if two.names("").await.0 == ["Cherry Board"] {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the second instance kept its stale cache"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
);
