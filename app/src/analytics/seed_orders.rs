//! The orders of a seeded history, written in bulk with their checkouts and payments.

use crate::accounts::model::AddressInput;
use crate::platform::db::params::{insert_many, Arg};
use crate::platform::db::Db;
use crate::platform::error::AppError;
use rand::rngs::StdRng;
use rand::Rng;

pub(super) const DAY_MS: i64 = 24 * 3600 * 1000;
pub(super) const CODES: [(&str, &str, i64); 2] =
    [("WELCOME10", "percent", 10), ("SPRING5", "fixed", 500)];

#[derive(Debug, Default, Clone, Copy)]
pub struct Made {
    pub customers: usize,
    pub orders: usize,
    pub refunded: usize,
    pub cancelled: usize,
    pub funnel_events: usize,
}

pub(super) struct Variant {
    pub id: String,
    pub sku: String,
    pub price: i64,
    pub product: String,
    pub title: String,
}

#[derive(Default)]
pub(super) struct Batch {
    checkouts: Vec<Vec<Arg>>,
    payments: Vec<Vec<Arg>>,
    orders: Vec<Vec<Arg>>,
    lines: Vec<Vec<Arg>>,
}

impl Batch {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn order(
        &mut self,
        rng: &mut StdRng,
        catalog: &[Variant],
        at: i64,
        now: i64,
        number: i64,
        email: &str,
        returning: bool,
        made: &mut Made,
    ) {
        let (checkout, payment, order) = (
            crate::platform::ids::new_id(),
            crate::platform::ids::new_id(),
            crate::platform::ids::new_id(),
        );
        let mut subtotal = 0;
        for position in 0..rng.gen_range(1..=3) {
            let v = &catalog[rng.gen_range(0..catalog.len())];
            let quantity = if rng.gen_bool(0.8) { 1 } else { 2 };
            subtotal += v.price * quantity;
            self.lines.push(vec![
                Arg::Text(order.clone()),
                Arg::Int(position),
                Arg::Text(v.id.clone()),
                Arg::Text(v.product.clone()),
                Arg::Text(v.title.clone()),
                Arg::Text(v.sku.clone()),
                Arg::Int(v.price),
                Arg::Int(quantity),
            ]);
        }
        let code = rng
            .gen_bool(0.12)
            .then(|| CODES[rng.gen_range(0..CODES.len())]);
        let discount = match code {
            Some((_, "percent", p)) => subtotal * p / 100,
            Some((_, _, fixed)) => fixed.min(subtotal),
            None => 0,
        };
        let shipping = if subtotal >= 5_000 { 0 } else { 500 };
        let tax = (subtotal - discount) * 8 / 100;
        let total = subtotal - discount + shipping + tax;
        let age = now - at;
        let (status, refunded) = match rng.gen_range(0..100) {
            0..=3 if age > 2 * DAY_MS => ("cancelled", total),
            4..=7 if age > 10 * DAY_MS => ("delivered", total / 3),
            _ if age > 10 * DAY_MS => ("delivered", 0),
            _ if age > 3 * DAY_MS => ("fulfilled", 0),
            _ => ("paid", 0),
        };
        made.orders += 1;
        made.cancelled += usize::from(status == "cancelled");
        made.refunded += usize::from(refunded > 0);
        let payment_status = match refunded {
            0 => "paid",
            r if r >= total => "refunded",
            _ => "partially_refunded",
        };
        let address = serde_json::to_string(&AddressInput {
            full_name: "Demo Shopper".into(),
            line1: format!("{} Market Street", number % 300 + 1),
            city: "Springfield".into(),
            postal_code: "12345".into(),
            country: "US".into(),
            ..AddressInput::default()
        })
        .unwrap_or_default();
        let code_text = code.map(|(c, _, _)| c.to_owned());
        let text = |s: &str| Arg::Text(s.to_owned());
        let opt = |s: &Option<String>| s.clone().map_or(Arg::Null, Arg::Text);
        self.checkouts.push(vec![
            text(&checkout),
            text(&checkout),
            text(email),
            text(&address),
            text("completed"),
            Arg::Int(at),
            Arg::Int(at),
        ]);
        self.payments.push(vec![
            text(&payment),
            text(&checkout),
            text("test"),
            text(&format!("seed_{payment}")),
            text("succeeded"),
            Arg::Int(0),
            text(email),
            text(&address),
            text("Standard"),
            opt(&code_text),
            text("USD"),
            Arg::Int(subtotal),
            Arg::Int(discount),
            Arg::Int(shipping),
            Arg::Int(tax),
            Arg::Int(total),
            Arg::Int(0),
            Arg::Int(at),
            Arg::Int(at),
            Arg::Int(at),
        ]);
        self.orders.push(vec![
            text(&order),
            Arg::Int(number),
            text(&payment),
            text(&checkout),
            text(email),
            text(status),
            text(payment_status),
            text("USD"),
            Arg::Int(subtotal),
            Arg::Int(discount),
            Arg::Int(shipping),
            Arg::Int(tax),
            Arg::Int(total),
            Arg::Int(0),
            Arg::Int(total),
            Arg::Int(refunded),
            text(&address),
            text("Standard"),
            opt(&code_text),
            Arg::Int(at),
            Arg::Int(at),
            Arg::Int(i64::from(returning)),
        ]);
    }

    pub(super) async fn write(self, db: &Db) -> Result<(), AppError> {
        let mut tx = db.begin_write().await?;
        insert_many(
            &mut tx,
            "checkouts",
            &[
                "id",
                "cart_id",
                "email",
                "address",
                "status",
                "created_at",
                "updated_at",
            ],
            self.checkouts,
        )
        .await?;
        insert_many(
            &mut tx,
            "payments",
            &[
                "id",
                "checkout_id",
                "provider",
                "reference",
                "status",
                "held",
                "email",
                "address",
                "shipping_name",
                "discount_code",
                "currency",
                "subtotal",
                "discount",
                "shipping",
                "tax",
                "total",
                "tax_inclusive",
                "expires_at",
                "created_at",
                "updated_at",
            ],
            self.payments,
        )
        .await?;
        insert_many(
            &mut tx,
            "orders",
            &[
                "id",
                "number",
                "payment_id",
                "checkout_id",
                "email",
                "status",
                "payment_status",
                "currency",
                "subtotal",
                "discount",
                "shipping",
                "tax",
                "total",
                "tax_inclusive",
                "captured",
                "refunded",
                "address",
                "shipping_name",
                "discount_code",
                "created_at",
                "updated_at",
                "returning_customer",
            ],
            self.orders,
        )
        .await?;
        insert_many(
            &mut tx,
            "order_lines",
            &[
                "order_id",
                "position",
                "variant_id",
                "product_name",
                "variant_title",
                "sku",
                "unit_price",
                "quantity",
            ],
            self.lines,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
