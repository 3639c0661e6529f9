//! Two instances of one shop behind one address behave as one (issue 17): each request
//! goes to either instance — a shopper's requests alternate between them — on one
//! database and one Redis. A session started on one is valid on the other, a cart follows
//! the shopper, the sign-in limit is shared, a catalog write empties both caches, each
//! queued job runs once, and 200 checkouts for the last 10 units, split across both, sell
//! exactly 10.

use crate::accounts_helpers::{read_mails, PASSWORD};
use crate::both_backends;
use crate::buying_races::{pay_all, shoppers};
use crate::catalog_helpers::{product, v};
use crate::helpers::{eventually, service_url, TestApp, TestDb};
use std::sync::Arc;
use std::time::Duration;

both_backends!(two_instances_behave_as_one, |backend| async move {
    let Some(redis) = service_url("TEST_REDIS_URL") else {
        return;
    };
    let db = TestDb::fresh(backend).await;
    let a = TestApp::spawn(&db, &[("REDIS_URL", &redis)]).await;
    let elsewhere = tempfile::tempdir().expect("a data dir of its own");
    let dir = elsewhere.path().display().to_string();
    let b = TestApp::spawn(&db, &[("REDIS_URL", &redis), ("OXCART_DATA_DIR", &dir)]).await;
    let both = [&a, &b];

    // A session started on one is valid on the other (cookies do not name a port).
    let email = format!("ada-{}@example.com", uuid::Uuid::new_v4().simple());
    a.verified_user(&email).await;
    let browser = a.browser();
    assert!(b
        .login_with(&browser, &email, PASSWORD)
        .await
        .status()
        .is_success());
    assert_eq!(a.whoami(&browser).await.as_deref(), Some(email.as_str()));

    // A cart follows the shopper: lines added on each instance are one cart on both.
    a.rates().await;
    let ids = a
        .stocked(
            "Limited print",
            &[("PRINT-1", "25.00", 10), ("PRINT-2", "9.00", 50)],
        )
        .await;
    assert!(a.add(&browser, &ids[1], "1").await.ok());
    assert!(b.add(&browser, &ids[1], "2").await.ok());
    for app in both {
        let cart = app.cart(&browser).await;
        assert_eq!(cart["lines"][0]["quantity"], 3, "{cart}");
    }

    // The sign-in limit (5 failures per account) counts across both instances.
    let target = format!("target-{}@example.com", uuid::Uuid::new_v4().simple());
    for i in 0..5 {
        let status = both[i % 2]
            .login_with(&a.browser(), &target, "wrong")
            .await
            .status();
        assert_eq!(status, 401, "failure {i}");
    }
    let sixth = b.login_with(&b.browser(), &target, "wrong").await;
    assert_eq!(sixth.status(), 429, "the sixth failure, on either instance");

    // A catalog write on one empties the other's cache.
    let id = a
        .save(product("Oak Board", &[], vec![v("BRD-1", &[], "30", 2)]))
        .await;
    assert_eq!(
        b.names("q=board").await.0,
        ["Oak Board"],
        "b caches the listing"
    );
    let mut renamed = product("Walnut Board", &[], vec![v("BRD-1", &[], "30", 2)]);
    renamed.slug = "oak-board".into();
    app::catalog::service::save_product(&a.state, "system", Some(&id), &renamed)
        .await
        .expect("renamed on a");
    eventually(
        "b forgets the old name",
        Duration::from_secs(5),
        async || b.names("q=board").await.0 == ["Walnut Board"],
    )
    .await;

    // Each queued job runs once: 12 sign-ups, alternately on each instance, are 12 mails
    // in the two outboxes together, one to each address, whichever worker took them.
    let people: Vec<String> = (0..12)
        .map(|i| format!("new{i}-{}@example.com", uuid::Uuid::new_v4().simple()))
        .collect();
    for (i, person) in people.iter().enumerate() {
        assert!(both[i % 2]
            .register(person, PASSWORD)
            .await
            .status()
            .is_success());
    }
    let outboxes = [a.outbox(), b.outbox()];
    let sent = || {
        let mails: Vec<String> = outboxes.iter().flat_map(|d| read_mails(d)).collect();
        people
            .iter()
            .map(|p| mails.iter().filter(|m| m.contains(p.as_str())).count())
            .collect::<Vec<_>>()
    };
    eventually(
        "every sign-up's mail is sent",
        Duration::from_secs(5),
        async || sent().iter().all(|n| *n >= 1),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sent(), vec![1; people.len()], "one mail each, never two");
    let workers: Vec<usize> = outboxes.iter().map(|d| read_mails(d).len()).collect();
    assert!(workers.iter().sum::<usize>() >= people.len());

    // 200 shoppers, each alternating instances step by step, race for the last 10 prints.
    let instances = [Arc::new(a), Arc::new(b)];
    let clients = shoppers(&instances, &ids[0], None, |i| {
        format!("shopper{i}@example.com")
    })
    .await;
    let outcomes = pay_all(&instances, &clients).await;
    assert!(
        outcomes
            .iter()
            .all(|(s, p)| *s < 500 && p.is_none_or(|p| p < 500)),
        "no 5xx: {outcomes:?}"
    );
    let paid = outcomes.iter().filter(|(_, p)| *p == Some(200)).count();
    assert_eq!(paid, 10, "exactly the ten units: {outcomes:?}");
    assert_eq!(instances[0].stock(&ids[0]).await.0, 0);
    assert_eq!(
        instances[0]
            .count("select count(*) from order_lines where sku = 'PRINT-1'")
            .await,
        10,
        "ten orders, one unit each"
    );
});
