//! A shopper's steps over HTTP (the server functions the pages post to), and stock
//! and order read-backs straight from the database.

use crate::catalog_helpers::{product, v};
use crate::helpers::TestApp;
use app::cart::api::{AddToCart, GetCart, UpdateCartLine};
use app::checkout::api::{
    ApplyDiscountCode, ChooseShipping, GetCheckout, PayWithTestCard, SaveCheckoutContact,
    StartPayment,
};
use leptos::server_fn::ServerFn as _;
use serde_json::Value;

/// What a step answered: the status and the JSON body (error envelope or value).
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    pub fn ok(&self) -> bool {
        self.status < 400
    }
}

/// The checkout's contact form: Grace Hopper at an address in `country`/`region`.
pub fn contact<'a>(
    email: &'a str,
    country: &'a str,
    region: &'a str,
) -> [(&'static str, &'a str); 7] {
    [
        ("email", email),
        ("full_name", "Grace Hopper"),
        ("line1", "1 Navy Way"),
        ("city", "Arlington"),
        ("region", region),
        ("postal_code", "22201"),
        ("country", country),
    ]
}

impl TestApp {
    /// Posts a server function as the hydrated page does.
    pub async fn step(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Answer {
        self.try_step(client, path, fields).await.expect("POST")
    }

    /// [`TestApp::step`], with a connection the server dropped as an error.
    pub async fn try_step(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Answer, reqwest::Error> {
        let response = client
            .post(self.url(path))
            .header("accept", "application/json")
            .form(fields)
            .send()
            .await?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        Ok(Answer {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        })
    }

    /// An active product with one variant per `(sku, stock)`; returns the variant ids.
    pub async fn stocked(&self, name: &str, variants: &[(&str, &str, i64)]) -> Vec<String> {
        let input = product(
            name,
            &["Size"],
            variants
                .iter()
                .map(|(sku, price, stock)| v(sku, &[sku], price, *stock))
                .collect(),
        );
        let id = self.save(input).await;
        let rows: Vec<(String,)> =
            sqlx::query_as("select id from variants where product_id = $1 order by position")
                .bind(&id)
                .fetch_all(self.state.db.pool())
                .await
                .expect("variants");
        rows.into_iter().map(|(id,)| id).collect()
    }

    pub async fn add(&self, client: &reqwest::Client, variant: &str, quantity: &str) -> Answer {
        self.step(
            client,
            AddToCart::PATH,
            &[("variant_id", variant), ("quantity", quantity)],
        )
        .await
    }

    pub async fn set_line(
        &self,
        client: &reqwest::Client,
        variant: &str,
        quantity: &str,
    ) -> Answer {
        self.step(
            client,
            UpdateCartLine::PATH,
            &[("variant_id", variant), ("quantity", quantity)],
        )
        .await
    }

    pub async fn cart(&self, client: &reqwest::Client) -> Value {
        let a = self.step(client, GetCart::PATH, &[]).await;
        assert!(a.ok(), "cart: {}", a.body);
        a.body
    }

    pub async fn checkout(&self, client: &reqwest::Client) -> Value {
        let a = self.step(client, GetCheckout::PATH, &[]).await;
        assert!(a.ok(), "checkout: {}", a.body);
        a.body
    }

    /// Contact and a US address, then the first shipping rate offered.
    pub async fn ready_to_pay(&self, client: &reqwest::Client, email: &str) {
        self.address(client, email, "US", "NY").await;
        let view = self.checkout(client).await;
        let rate = view["rates"][0]["id"]
            .as_str()
            .expect("a shipping rate is offered")
            .to_owned();
        let a = self
            .step(client, ChooseShipping::PATH, &[("rate_id", &rate)])
            .await;
        assert!(a.ok(), "shipping: {}", a.body);
    }

    pub async fn address(
        &self,
        client: &reqwest::Client,
        email: &str,
        country: &str,
        region: &str,
    ) -> Answer {
        let a = self
            .step(
                client,
                SaveCheckoutContact::PATH,
                &contact(email, country, region),
            )
            .await;
        assert!(a.ok(), "contact: {}", a.body);
        a
    }

    pub async fn apply_code(&self, client: &reqwest::Client, code: &str) -> Answer {
        self.step(client, ApplyDiscountCode::PATH, &[("code", code)])
            .await
    }

    pub async fn start_payment(&self, client: &reqwest::Client) -> Answer {
        self.step(client, StartPayment::PATH, &[]).await
    }

    pub async fn pay(&self, client: &reqwest::Client, card: &str) -> Answer {
        self.step(client, PayWithTestCard::PATH, &[("card", card)])
            .await
    }

    /// A guest buys `quantity` of `variant` with the test card; returns the order's id.
    pub async fn bought(&self, variant: &str, quantity: &str, email: &str) -> String {
        let shopper = self.browser();
        assert!(self.add(&shopper, variant, quantity).await.ok());
        self.ready_to_pay(&shopper, email).await;
        assert!(self.start_payment(&shopper).await.ok());
        assert!(self.pay(&shopper, "4242424242424242").await.ok());
        let (id,): (String,) = sqlx::query_as(
            "select id from orders where email = $1 order by created_at desc limit 1",
        )
        .bind(email)
        .fetch_one(self.state.db.pool())
        .await
        .expect("order");
        id
    }

    /// On hand and reserved of a variant.
    pub async fn stock(&self, variant: &str) -> (i64, i64) {
        sqlx::query_as("select stock, reserved from variants where id = $1")
            .bind(variant)
            .fetch_one(self.state.db.pool())
            .await
            .expect("variant")
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql)
            .fetch_one(self.state.db.pool())
            .await
            .expect(sql);
        n
    }

    /// Shipping rates for the tests: Standard 5.00 flat everywhere, Parcel 5.00 + 2.00/kg
    /// in GB only.
    pub async fn rates(&self) {
        use app::checkout::model::ShippingRateInput;
        for (name, country, base, per_kg) in
            [("Standard", "*", "5", "0"), ("Parcel", "GB", "5", "2")]
        {
            app::checkout::setup::save_shipping(
                &self.state.db,
                "system",
                app::checkout::setup::Target::New,
                &ShippingRateInput {
                    name: name.into(),
                    country: country.into(),
                    base_amount: base.into(),
                    per_kg: per_kg.into(),
                },
            )
            .await
            .expect("rate");
        }
    }
}
