//! The races peer platforms lose: 200 shoppers paying for the last 10 units, and 200
//! shoppers using a code that may be used once. Figures are printed (not asserted) for
//! the closing note; run with `--nocapture` to see them.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use futures_util::{stream, StreamExt as _};
use std::sync::Arc;
use std::time::Instant;

const SHOPPERS: usize = 200;

/// `SHOPPERS` shoppers with `variant` in the cart and the checkout filled in (50 at a
/// time), optionally with a discount code applied. With several instances, shopper `i`
/// adds on instance `i` and fills in the checkout on the next one (round the list).
pub async fn shoppers(
    apps: &[Arc<TestApp>],
    variant: &str,
    code: Option<&str>,
    email: fn(usize) -> String,
) -> Vec<reqwest::Client> {
    stream::iter(0..SHOPPERS)
        .map(|i| {
            let (first, next) = pair(apps, i);
            let (variant, code) = (variant.to_owned(), code.map(str::to_owned));
            async move {
                let client = first.browser();
                let added = first.add(&client, &variant, "1").await;
                assert!(added.ok(), "add: {}", added.body);
                next.ready_to_pay(&client, &email(i)).await;
                if let Some(code) = code {
                    let applied = next.apply_code(&client, &code).await;
                    assert!(applied.ok(), "code: {}", applied.body);
                }
                client
            }
        })
        .buffer_unordered(50)
        .collect()
        .await
}

/// Everyone presses "Pay" at once, then pays with the test card: (start status, pay
/// status if started). Shopper `i` starts on instance `i` and pays on the next one.
pub async fn pay_all(
    apps: &[Arc<TestApp>],
    clients: &[reqwest::Client],
) -> Vec<(u16, Option<u16>)> {
    futures_util::future::join_all(clients.iter().enumerate().map(|(i, client)| {
        let (first, next) = pair(apps, i);
        async move {
            let start = first.start_payment(client).await;
            if !start.ok() {
                return (start.status, None);
            }
            let pay = next.pay(client, "4242 4242 4242 4242").await;
            assert!(pay.ok(), "a started payment pays: {}", pay.body);
            (start.status, Some(pay.status))
        }
    }))
    .await
}

/// Instance `i` and the next one, round the list (the same one when there is one).
fn pair(apps: &[Arc<TestApp>], i: usize) -> (Arc<TestApp>, Arc<TestApp>) {
    (
        apps[i % apps.len()].clone(),
        apps[(i + 1) % apps.len()].clone(),
    )
}

both_backends!(
    two_hundred_shoppers_race_for_ten_units,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app
            .stocked("Limited print", &[("PRINT-1", "25.00", 10)])
            .await;
        let app = Arc::new(app);
        let clients = shoppers(std::slice::from_ref(&app), &ids[0], None, |i| {
            format!("shopper{i}@example.com")
        })
        .await;

        let started = Instant::now();
        let outcomes = pay_all(std::slice::from_ref(&app), &clients).await;
        let elapsed = started.elapsed();

        assert!(
            outcomes.iter().all(|(s, _)| *s < 500),
            "no 5xx: {outcomes:?}"
        );
        let paid = outcomes.iter().filter(|(_, p)| p.is_some()).count();
        let refused = outcomes.iter().filter(|(s, _)| *s == 409).count();
        assert_eq!(paid, 10, "exactly the stock was sold");
        assert_eq!(refused, SHOPPERS - 10, "everyone else was told it sold out");
        assert_eq!(app.count("select count(*) from orders").await, 10);
        assert_eq!(
            app.count("select count(distinct payment_id) from orders")
                .await,
            10
        );
        assert_eq!(
            app.stock(&ids[0]).await,
            (0, 0),
            "none left, none held, never negative"
        );
        assert_eq!(
            app.count("select count(*) from inventory_ledger where reason = 'sale'")
                .await,
            10
        );
        eprintln!(
        "RACE stock: {backend:?}: {SHOPPERS} concurrent checkouts of a stock of 10 -> {paid} paid orders, {refused} sold out (409), 0 5xx, in {} ms",
        elapsed.as_millis()
    );
    }
);

both_backends!(a_code_for_one_use_is_used_once, |backend| async move {
    use app::checkout::model::DiscountInput;
    let db = TestDb::fresh(backend).await;
    let app = TestApp::spawn(&db, &[]).await;
    app.rates().await;
    for (code, total, per_customer) in [("ONCE", "1", ""), ("MINE", "", "1")] {
        app::checkout::codes::save_discount(
            &app.state.db,
            "system",
            app::checkout::setup::Target::New,
            &DiscountInput {
                code: code.into(),
                kind: "fixed".into(),
                value: "5".into(),
                usage_limit: total.into(),
                per_customer_limit: per_customer.into(),
                ..Default::default()
            },
        )
        .await
        .expect("discount");
    }
    let ids = app.stocked("Tote", &[("TOTE", "20.00", 1_000)]).await;
    let app = Arc::new(app);

    let clients = shoppers(std::slice::from_ref(&app), &ids[0], Some("ONCE"), |i| {
        format!("buyer{i}@example.com")
    })
    .await;
    let started = Instant::now();
    let outcomes = pay_all(std::slice::from_ref(&app), &clients).await;
    let elapsed = started.elapsed();
    assert!(
        outcomes.iter().all(|(s, _)| *s < 500),
        "no 5xx: {outcomes:?}"
    );
    let paid = outcomes.iter().filter(|(_, p)| p.is_some()).count();
    assert_eq!(paid, 1, "one use: {outcomes:?}");
    assert_eq!(
        app.count("select used_count from discounts where code = 'ONCE'")
            .await,
        1
    );
    assert_eq!(
        app.count("select count(*) from orders where discount_code = 'ONCE'")
            .await,
        1
    );
    assert_eq!(
        app.count("select count(*) from payments where discount_id is not null and held = 1")
            .await,
        0
    );
    eprintln!(
        "RACE code: {backend:?}: {SHOPPERS} concurrent checkouts with a one-use code -> {paid} order with it, {} refused (400), in {} ms",
        SHOPPERS - paid,
        elapsed.as_millis()
    );

    // A guest cannot use a per-customer code at all: any email would be a new customer.
    let guest = app.browser();
    assert!(app.add(&guest, &ids[0], "1").await.ok());
    app.ready_to_pay(&guest, "guest@example.com").await;
    let refused = app.apply_code(&guest, "MINE").await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body["message"]
        .as_str()
        .unwrap_or_default()
        .contains("Sign in"));

    // One customer signed in in 200 sessions (one cart, since it is the account's) with a
    // once-per-customer code.
    app.verified_user("same@example.com").await;
    let sessions: Vec<reqwest::Client> = stream::iter(0..SHOPPERS)
        .map(|_| {
            let app = app.clone();
            async move {
                let client = app.browser();
                let login = app
                    .login_with(
                        &client,
                        "same@example.com",
                        crate::accounts_helpers::PASSWORD,
                    )
                    .await;
                assert!(login.status().is_success(), "login: {}", login.status());
                client
            }
        })
        .buffer_unordered(3)
        .collect()
        .await;
    assert!(app.add(&sessions[0], &ids[0], "1").await.ok());
    let clients: Vec<reqwest::Client> = stream::iter(sessions)
        .map(|client| {
            let app = app.clone();
            async move {
                app.ready_to_pay(&client, "same@example.com").await;
                let applied = app.apply_code(&client, "MINE").await;
                assert!(applied.ok(), "code: {}", applied.body);
                client
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    let outcomes = pay_all(std::slice::from_ref(&app), &clients).await;
    assert!(outcomes.iter().all(|(s, _)| *s < 500), "no 5xx");
    let paid = outcomes.iter().filter(|(_, p)| p.is_some()).count();
    assert_eq!(paid, 1, "once per customer");
    assert_eq!(
        app.count("select uses from discount_customer_uses").await,
        1
    );
    eprintln!(
        "RACE per-customer code: {backend:?}: {SHOPPERS} sessions of one customer -> {paid} use"
    );
});
