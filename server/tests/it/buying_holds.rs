//! Stock holds at the end of their time: an expired hold gives the stock back, and a
//! payment that still arrives makes its order from what is left.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};

both_backends!(
    an_expired_hold_returns_the_stock_and_a_late_payment_still_makes_its_order,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Lamp", &[("LAMP", "40.00", 1)]).await;
        let shopper = app.browser();
        assert!(app.add(&shopper, &ids[0], "1").await.ok());
        app.ready_to_pay(&shopper, "late@example.com").await;
        assert!(app.start_payment(&shopper).await.ok());
        assert_eq!(app.stock(&ids[0]).await, (1, 1));
        // The hold runs out: the job (due at expiry) gives the unit back.
        sqlx::query("update payments set expires_at = 0")
            .execute(app.state.db.pool())
            .await
            .expect("expire");
        sqlx::query("update jobs set run_at = 0 where kind = 'payment.expire'")
            .execute(app.state.db.pool())
            .await
            .expect("due");
        app.state.jobs.notify();
        for _ in 0..100 {
            if app.stock(&ids[0]).await == (1, 0) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(
            app.stock(&ids[0]).await,
            (1, 0),
            "released by the expiry job"
        );
        assert_eq!(
            app.count("select count(*) from payments where status = 'expired'")
                .await,
            1
        );
        // The card step no longer finds a payment in progress…
        assert_eq!(app.pay(&shopper, "4242424242424242").await.status, 409);
        // …but a provider that confirms it late still makes the order, from what is left.
        let (reference,): (String,) = sqlx::query_as("select reference from payments")
            .fetch_one(app.state.db.pool())
            .await
            .expect("ref");
        let order =
            app::orders::transition::payment_succeeded(&app.state, "test", &reference, paid(4_500))
                .await
                .expect("order");
        assert_eq!(app.stock(&ids[0]).await, (0, 0));
        let again =
            app::orders::transition::payment_succeeded(&app.state, "test", &reference, paid(4_500))
                .await
                .expect("same order");
        assert_eq!(order, again, "one order per payment");
        assert_eq!(app.count("select count(*) from orders").await, 1);
    }
);

/// What a provider reports for a payment of `amount` dollars-and-cents in USD.
fn paid(amount: i64) -> app::payments::attempts::Paid {
    app::payments::attempts::Paid {
        amount,
        currency: Some("usd".into()),
    }
}
