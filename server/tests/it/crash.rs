//! The server killed with SIGKILL while shoppers are paying, then started again: no paid
//! order is lost or doubled, the jobs left behind run, and each confirmation is mailed
//! exactly once.

use crate::accounts_helpers::read_mails;
use crate::both_backends;
use crate::helpers::{new_client, TestApp, TestDb};
use app::cart::api::AddToCart;
use app::checkout::api::{
    ChooseShipping, GetCheckout, PayWithTestCard, SaveCheckoutContact, StartPayment,
};
use leptos::server_fn::ServerFn as _;
use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SHOPPERS: usize = 20;

/// `oxcart serve` on `db`; returns the process and its base URL.
fn serve(db: &TestDb) -> (Child, String) {
    let mut child = crate::binary::oxcart(db.data_dir.path())
        .env("DATABASE_URL", &db.url)
        .env("OXCART_ADDR", "127.0.0.1:0")
        .env("OXCART_TRUST_PROXY", "true")
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start oxcart");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let (addr, line) = crate::binary::listening(&mut stdout);
    let addr = addr.unwrap_or_else(|| panic!("oxcart did not start: {line}"));
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in stdout.lines() {});
    (child, format!("http://{addr}"))
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> Result<(u16, serde_json::Value), reqwest::Error> {
    let response = client
        .post(format!("{base}{path}"))
        .header("accept", "application/json")
        .form(fields)
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    ))
}

both_backends!(
    a_server_killed_mid_payment_loses_no_order_and_mails_each_once,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let mut app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let ids = app.stocked("Kettle", &[("KETTLE", "35.00", 100)]).await;
        let check = app.state.db.clone();
        app.stop().await;
        let check = {
            drop(check);
            app::platform::db::Db::connect(&db.url)
                .await
                .expect("a connection for the checks")
        };
        let count = |sql: &'static str| {
            let check = check.clone();
            async move {
                sqlx::query_as::<_, (i64,)>(sql)
                    .fetch_one(check.pool())
                    .await
                    .expect(sql)
                    .0
            }
        };

        let (mut server, base) = serve(&db);
        let mut shoppers = Vec::new();
        for i in 0..SHOPPERS {
            let client = new_client();
            let email = format!("crash{i}@example.com");
            assert!(
                post(
                    &client,
                    &base,
                    AddToCart::PATH,
                    &[("variant_id", &ids[0]), ("quantity", "1")]
                )
                .await
                .expect("add")
                .0 < 400
            );
            let contact = [
                ("email", email.as_str()),
                ("full_name", "Ada"),
                ("line1", "1 Main St"),
                ("city", "Boston"),
                ("country", "US"),
            ];
            assert!(
                post(&client, &base, SaveCheckoutContact::PATH, &contact)
                    .await
                    .expect("contact")
                    .0
                    < 400
            );
            let (_, view) = post(&client, &base, GetCheckout::PATH, &[])
                .await
                .expect("view");
            let rate = view["rates"][0]["id"].as_str().expect("rate").to_owned();
            assert!(
                post(&client, &base, ChooseShipping::PATH, &[("rate_id", &rate)])
                    .await
                    .expect("rate")
                    .0
                    < 400
            );
            assert!(
                post(&client, &base, StartPayment::PATH, &[])
                    .await
                    .expect("start")
                    .0
                    < 400
            );
            shoppers.push(client);
        }
        assert_eq!(
            count("select reserved from variants").await,
            SHOPPERS as i64
        );

        // Everyone pays at once; the server is killed while the payments are in flight.
        let in_flight: Vec<_> = shoppers
            .iter()
            .map(|client| {
                let (client, base) = (client.clone(), base.clone());
                tokio::spawn(async move {
                    post(
                        &client,
                        &base,
                        PayWithTestCard::PATH,
                        &[("card", "4242424242424242")],
                    )
                    .await
                })
            })
            .collect();
        while count("select count(*) from orders").await < 3 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        assert!(Command::new("kill")
            .args(["-KILL", &server.id().to_string()])
            .status()
            .expect("kill")
            .success());
        let _ = server.wait();
        let mut answered = 0;
        for task in in_flight {
            if task.await.expect("task").is_ok_and(|(s, _)| s < 400) {
                answered += 1;
            }
        }
        let paid_before = count("select count(*) from orders").await;
        eprintln!("CRASH {backend:?}: {paid_before} of {SHOPPERS} orders made before SIGKILL ({answered} answered)");
        assert!(paid_before < SHOPPERS as i64, "the kill landed mid-way");

        // Restarted: jobs a dead process had claimed wait out their lease; stand in for the
        // lease running out, then every shopper retries the payment step.
        let (mut server, base) = serve(&db);
        sqlx::query("update jobs set locked_until = 0 where status = 'running'")
            .execute(check.pool())
            .await
            .expect("lease");
        let mut retried = 0;
        for client in &shoppers {
            let (status, body) = post(
                client,
                &base,
                PayWithTestCard::PATH,
                &[("card", "4242424242424242")],
            )
            .await
            .expect("retry");
            match status {
                s if s < 400 => retried += 1,
                409 => {} // paid before the kill: no payment in progress
                other => panic!("retry answered {other}: {body}"),
            }
        }
        assert_eq!(
            paid_before + retried,
            SHOPPERS as i64,
            "every shopper has exactly one paid order"
        );
        assert_eq!(count("select count(*) from orders").await, SHOPPERS as i64);
        assert_eq!(
            count("select count(distinct payment_id) from orders").await,
            SHOPPERS as i64
        );
        assert_eq!(
            count("select count(*) from payments where status = 'succeeded'").await,
            SHOPPERS as i64
        );
        assert_eq!(
            count("select stock from variants").await,
            100 - SHOPPERS as i64
        );
        assert_eq!(count("select reserved from variants").await, 0);

        let deadline = Instant::now() + Duration::from_secs(30);
        while count("select count(*) from jobs where kind = 'mail.send' and status <> 'done'").await
            > 0
        {
            assert!(Instant::now() < deadline, "mail jobs finish");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let confirmations: Vec<String> = read_mails(&db.data_dir.path().join("outbox"))
            .into_iter()
            .filter(|m| m.contains("confirmed"))
            .collect();
        assert_eq!(
            confirmations.len(),
            SHOPPERS,
            "one confirmation per order, none twice"
        );
        let _ = Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status();
        let _ = server.wait();
    }
);
