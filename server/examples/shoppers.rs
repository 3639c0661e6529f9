//! Load for `make bench` (a measurement, never a test): virtual guests, through the same
//! server functions the pages call, as fast as `CONCURRENCY` of them can for `SECONDS`.
//! `cart`: each guest adds one item to a new cart (a new session and cart each time).
//! `checkout`: each guest buys one item — add to cart, contact and address, shipping, pay
//! with the test card. Prints requests/s with their p50/p99, and for checkouts also
//! checkouts/s and the p50/p99 of a whole checkout. Each guest has a cookie jar and a
//! client address of its own (the server runs with `OXCART_TRUST_PROXY=true`), as
//! separate shoppers would.
//!
//!   shoppers cart|checkout BASE_URL VARIANT_ID [SECONDS=10] [CONCURRENCY=32]

use app::cart::api::AddToCart;
use app::checkout::api::{
    ChooseShipping, GetCheckout, PayWithTestCard, SaveCheckoutContact, StartPayment,
};
use leptos::server_fn::ServerFn as _;
use std::time::{Duration, Instant};

#[derive(Default)]
struct Tally {
    requests: Vec<Duration>,
    checkouts: Vec<Duration>,
    failures: u64,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str);
    let buy = match mode {
        Some("cart") => false,
        Some("checkout") => true,
        _ => usage(),
    };
    let (Some(base), Some(variant)) = (args.get(2).cloned(), args.get(3).cloned()) else {
        usage()
    };
    let seconds: u64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(10);
    let concurrency: u32 = args.get(5).and_then(|s| s.parse().ok()).unwrap_or(32);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|n| tokio::spawn(shopper(base.clone(), variant.clone(), n, deadline, buy)))
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        if let Ok(tally) = task.await {
            all.requests.extend(tally.requests);
            all.checkouts.extend(tally.checkouts);
            all.failures += tally.failures;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.requests.sort();
    all.checkouts.sort();
    print!(
        "requests {:.1}/s  p50 {}  p99 {}",
        all.requests.len() as f64 / elapsed,
        ms(percentile(&all.requests, 50)),
        ms(percentile(&all.requests, 99)),
    );
    if buy {
        print!(
            "  |  checkouts {:.1}/s  p50 {}  p99 {}",
            all.checkouts.len() as f64 / elapsed,
            ms(percentile(&all.checkouts, 50)),
            ms(percentile(&all.checkouts, 99)),
        );
    }
    println!("  |  failed {}", all.failures);
}

fn usage() -> ! {
    eprintln!("usage: shoppers cart|checkout BASE_URL VARIANT_ID [SECONDS] [CONCURRENCY]");
    std::process::exit(2);
}

async fn shopper(base: String, variant: String, n: u32, deadline: Instant, buy: bool) -> Tally {
    let mut tally = Tally::default();
    let mut round = 0u32;
    while Instant::now() < deadline {
        round += 1;
        let ip = format!("10.{}.{}.{}", n % 250, (round >> 8) % 250, round % 250 + 1);
        let began = Instant::now();
        match checkout(&base, &variant, &ip, &mut tally, buy).await {
            Some(()) => tally.checkouts.push(began.elapsed()),
            None => tally.failures += 1,
        }
    }
    tally
}

/// One guest's purchase (or, without `buy`, its first step); `None` when a step failed.
async fn checkout(base: &str, variant: &str, ip: &str, tally: &mut Tally, buy: bool) -> Option<()> {
    let client = reqwest::Client::builder().cookie_store(true).build().ok()?;
    let email = format!("bench-{ip}@example.com");
    let step = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let request = client
            .post(format!("{base}{path}"))
            .header("accept", "application/json")
            .header("x-forwarded-for", ip)
            .form(&fields);
        async move {
            let began = Instant::now();
            let response = request.send().await.ok()?;
            let ok = response.status().is_success();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            Some((ok, body, began.elapsed()))
        }
    };
    let steps: [(&'static str, Vec<(&'static str, String)>); 2] = [
        (
            AddToCart::PATH,
            vec![
                ("variant_id", variant.to_owned()),
                ("quantity", "1".to_owned()),
            ],
        ),
        (
            SaveCheckoutContact::PATH,
            vec![
                ("email", email),
                ("full_name", "Grace Hopper".to_owned()),
                ("line1", "1 Navy Way".to_owned()),
                ("city", "Arlington".to_owned()),
                ("region", "VA".to_owned()),
                ("postal_code", "22201".to_owned()),
                ("country", "US".to_owned()),
            ],
        ),
    ];
    for (path, fields) in steps.into_iter().take(if buy { 2 } else { 1 }) {
        let (ok, _, took) = step(path, fields).await?;
        tally.requests.push(took);
        ok.then_some(())?;
    }
    if !buy {
        return Some(());
    }
    let (ok, view, took) = step(GetCheckout::PATH, vec![]).await?;
    tally.requests.push(took);
    ok.then_some(())?;
    let rate = view["rates"][0]["id"].as_str()?.to_owned();
    let rest: [(&'static str, Vec<(&'static str, String)>); 3] = [
        (ChooseShipping::PATH, vec![("rate_id", rate)]),
        (StartPayment::PATH, vec![]),
        (
            PayWithTestCard::PATH,
            vec![("card", "4242424242424242".to_owned())],
        ),
    ];
    for (path, fields) in rest {
        let (ok, _, took) = step(path, fields).await?;
        tally.requests.push(took);
        ok.then_some(())?;
    }
    Some(())
}

fn percentile(sorted: &[Duration], p: usize) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    Some(sorted[(sorted.len() * p / 100).min(sorted.len() - 1)])
}

fn ms(d: Option<Duration>) -> String {
    d.map_or_else(
        || "-".to_owned(),
        |d| format!("{:.2}ms", d.as_secs_f64() * 1000.0),
    )
}
