//! Typed catalog calls on a `TestApp`: categories and products made through the services
//! (as staff would), listings read back over HTTP (as shoppers and API clients do).

use crate::accounts_helpers::PASSWORD;
use crate::helpers::{json, TestApp};
use app::catalog::model::{CategoryInput, ProductInput, Status, VariantInput};
use serde_json::Value;

/// A variant: SKU, option values, price (decimal text), stock.
pub fn v(sku: &str, options: &[&str], price: &str, stock: i64) -> VariantInput {
    VariantInput {
        sku: sku.into(),
        options: options.iter().map(|s| (*s).to_owned()).collect(),
        price: price.into(),
        stock: stock.to_string(),
        ..Default::default()
    }
}

pub fn product(name: &str, options: &[&str], variants: Vec<VariantInput>) -> ProductInput {
    ProductInput {
        name: name.into(),
        status: Status::Active,
        options: options.iter().map(|s| (*s).to_owned()).collect(),
        variants,
        version: None,
        ..Default::default()
    }
}

/// A small PNG of `width`×`height`.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([20, 120, 60]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// The file name (after `/media/catalog/`) of the first picture a page shows.
pub fn first_picture(page: &str) -> &str {
    page.split("/media/catalog/")
        .nth(1)
        .and_then(|rest| rest.split(['"', ' ']).next())
        .expect("the page shows a picture")
}

impl TestApp {
    pub async fn category(&self, name: &str, parent: Option<&str>) -> String {
        app::catalog::categories::save(
            &self.state,
            "system",
            None,
            &CategoryInput {
                name: name.into(),
                parent_id: parent.map(str::to_owned),
                ..Default::default()
            },
        )
        .await
        .expect("category saved")
    }

    /// Saves a product; a short pause keeps creation times (the "newest" sort) distinct.
    pub async fn save(&self, input: ProductInput) -> String {
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        app::catalog::service::save_product(&self.state, "system", None, &input)
            .await
            .unwrap_or_else(|e| panic!("{} saved: {e:?}", input.name))
    }

    /// `GET /api/v1/products?{query}` → (names in order, the envelope).
    pub async fn names(&self, query: &str) -> (Vec<String>, Value) {
        let response = self.get(&format!("/api/v1/products?{query}")).await;
        assert_eq!(response.status(), 200, "{query}");
        let body = json(response).await;
        let names = body["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|p| p["name"].as_str().expect("name").to_owned())
            .collect();
        (names, body)
    }

    /// A signed-in manager (every permission but the team and the settings), with the
    /// two-factor their refund and discount permissions require.
    pub async fn staff_client(&self, email: &str) -> reqwest::Client {
        self.role_client(email, "manager").await
    }

    /// A signed-in staff member with the role `role` (a key of `staff_roles`; `owner` is
    /// the admin kind), with two-factor on when the role needs it.
    pub async fn role_client(&self, email: &str, role: &str) -> reqwest::Client {
        let client = self.role_client_without_two_factor(email, role).await;
        let needs = app::accounts::permissions::BUILT_IN
            .iter()
            .find(|(key, ..)| *key == role)
            .is_none_or(|(_, _, _, perms)| perms.iter().any(|p| p.needs_two_factor()));
        if needs {
            self.enable_two_factor(&client).await;
        }
        client
    }

    /// [`Self::role_client`] before two-factor: signed in, but owing it if the role needs it.
    pub async fn role_client_without_two_factor(&self, email: &str, role: &str) -> reqwest::Client {
        self.verified_user(email).await;
        let kind = if role == "owner" { "admin" } else { "staff" };
        sqlx::query("update users set role = $1, staff_role = $2 where email = $3")
            .bind(kind)
            .bind(role)
            .bind(email)
            .execute(self.state.db.pool())
            .await
            .expect("promote");
        let client = self.browser();
        let response = self.login_with(&client, email, PASSWORD).await;
        assert!(response.status().is_success() || response.status().is_redirection());
        client
    }

    /// How many database statements a page costs: counted by the app's `Db` around the
    /// whole request (body included), the least of three loads, so that a poll of the job
    /// worker landing in between is not counted.
    pub async fn queries_for(&self, path: &str) -> u64 {
        let mut least = u64::MAX;
        for _ in 0..3 {
            let before = self.state.db.statements();
            let response = self.get_page(path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert!(response.headers().contains_key("server-timing"));
            response.text().await.expect("body");
            least = least.min(self.state.db.statements() - before);
        }
        least
    }
}
