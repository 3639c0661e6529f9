//! The address book through the page's server functions: validation, defaults, and one
//! customer never reaching another's addresses.

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::helpers::{json, TestApp, TestDb};
use app::accounts::api::{DeleteAddress, ListAddresses, SaveAddress, SetDefaultAddress};
use leptos::server_fn::ServerFn as _;
use serde_json::Value;

const HOME: &[(&str, &str)] = &[
    ("full_name", "Ada Lovelace"),
    ("line1", "12 St James's Square"),
    ("city", "London"),
    ("postal_code", "SW1Y 4JH"),
    ("country", "gb"),
    ("phone", "+44 20 7946 0000"),
];

impl TestApp {
    async fn addresses(&self, client: &reqwest::Client) -> Vec<Value> {
        let response = self.call(client, ListAddresses::PATH, &[]).await;
        assert_eq!(response.status(), 200);
        serde_json::from_value(json(response).await).expect("a list")
    }

    async fn signed_in(&self, email: &str) -> reqwest::Client {
        self.verified_user(email).await;
        let client = self.browser();
        let response = self.login_with(&client, email, PASSWORD).await;
        assert!(response.status().is_success());
        client
    }
}

both_backends!(
    addresses_are_saved_validated_and_defaulted,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let ada = app.signed_in("ada@example.com").await;

        let response = app.call(&ada, SaveAddress::PATH, HOME).await;
        assert_eq!(response.status(), 200);
        let list = app.addresses(&ada).await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["country"], "GB");
        assert_eq!(
            list[0]["is_default_shipping"], true,
            "the first address is the default"
        );
        assert_eq!(list[0]["is_default_billing"], true);

        for (field, value, expected) in [
            ("country", "XX", "country"),
            ("line1", "  ", "line1"),
            ("phone", "call me maybe", "phone"),
            ("full_name", &"x".repeat(101), "full_name"),
        ] {
            let mut fields: Vec<(&str, &str)> =
                HOME.iter().filter(|(k, _)| *k != field).copied().collect();
            fields.push((field, value));
            let response = app.call(&ada, SaveAddress::PATH, &fields).await;
            assert_eq!(response.status(), 400, "{field}={value}");
            assert_eq!(json(response).await["field"], expected);
        }
        assert_eq!(app.addresses(&ada).await.len(), 1, "nothing half-saved");

        let mut work: Vec<(&str, &str)> = vec![
            ("full_name", "Ada Lovelace"),
            ("company", "Analytical Engines Ltd"),
            ("line1", "1 Engine Row"),
            ("city", "Manchester"),
            ("country", "GB"),
            ("default_billing", "on"),
        ];
        let response = app.call(&ada, SaveAddress::PATH, &work).await;
        assert_eq!(response.status(), 200);
        let list = app.addresses(&ada).await;
        let work_address = list
            .iter()
            .find(|a| a["line1"] == "1 Engine Row")
            .expect("saved");
        let home_address = list
            .iter()
            .find(|a| a["line1"] != "1 Engine Row")
            .expect("kept");
        assert_eq!(work_address["is_default_billing"], true);
        assert_eq!(
            home_address["is_default_billing"], false,
            "one billing default"
        );
        assert_eq!(home_address["is_default_shipping"], true);

        // Edit in place, then make it the shipping default too.
        let id = work_address["id"].as_str().expect("id").to_owned();
        work.retain(|(k, _)| *k != "city");
        work.push(("city", "Salford"));
        work.push(("id", &id));
        assert_eq!(app.call(&ada, SaveAddress::PATH, &work).await.status(), 200);
        assert_eq!(
            app.call(
                &ada,
                SetDefaultAddress::PATH,
                &[("id", &id), ("kind", "shipping")]
            )
            .await
            .status(),
            200
        );
        let list = app.addresses(&ada).await;
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["city"], "Salford");
        assert_eq!(list[0]["is_default_shipping"], true, "defaults come first");

        // Removing the default promotes the remaining address.
        assert_eq!(
            app.call(&ada, DeleteAddress::PATH, &[("id", &id)])
                .await
                .status(),
            200
        );
        let list = app.addresses(&ada).await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["is_default_shipping"], true);
        assert_eq!(list[0]["is_default_billing"], true);
    }
);

both_backends!(
    another_customers_address_cannot_be_read_or_changed,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let ada = app.signed_in("ada@example.com").await;
        let eve = app.signed_in("eve@example.com").await;
        app.call(&ada, SaveAddress::PATH, HOME).await;
        let id = app.addresses(&ada).await[0]["id"]
            .as_str()
            .expect("id")
            .to_owned();

        assert!(
            app.addresses(&eve).await.is_empty(),
            "eve sees only her own"
        );
        let mut fields: Vec<(&str, &str)> = HOME.to_vec();
        fields.push(("id", &id));
        fields.retain(|(k, _)| *k != "city");
        fields.push(("city", "Stolen"));
        let attempts = [
            app.call(&eve, SaveAddress::PATH, &fields).await,
            app.call(&eve, DeleteAddress::PATH, &[("id", &id)]).await,
            app.call(
                &eve,
                SetDefaultAddress::PATH,
                &[("id", &id), ("kind", "billing")],
            )
            .await,
        ];
        for response in attempts {
            assert_eq!(response.status(), 404);
            assert_eq!(json(response).await["code"], "NOT_FOUND");
        }
        let list = app.addresses(&ada).await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["city"], "London", "unchanged");
        assert!(
            app.addresses(&eve).await.is_empty(),
            "no address was moved to eve"
        );

        let anonymous = app.browser();
        let response = app.call(&anonymous, ListAddresses::PATH, &[]).await;
        assert_eq!(response.status(), 401);
    }
);
