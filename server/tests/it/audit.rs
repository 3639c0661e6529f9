//! The audit log: staff writes leave one row each (who, from where, which request, the
//! fields before and after) in the transaction of the change; the database refuses to
//! change or remove recent rows; the dashboard's list filters and exports them. Also the
//! role editor (a role's change applies at once; a stale form is refused) and two staff
//! saving one product at once.

use crate::both_backends;
use crate::catalog_helpers::{product, v};
use crate::helpers::{TestApp, TestDb};
use app::accounts::api::{ListRoles, SaveRole};
use app::audit::api::{AdminAudit, SetAuditRetention};
use app::catalog::api::{AdminProducts, SaveProduct};
use app::inventory::api::SetLowStock;
use leptos::server_fn::ServerFn as _;
use serde_json::{json, Value};

async fn audit(app: &TestApp, client: &reqwest::Client, query: &str) -> Value {
    let response = app
        .call(client, AdminAudit::PATH, &[("query", query)])
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    id: Option<&str>,
    input: &app::catalog::model::ProductInput,
) -> reqwest::Response {
    client
        .post(app.url(SaveProduct::PATH))
        .header("accept", "application/json")
        .header("x-request-id", "req-audit-1")
        .json(&json!({ "id": id, "input": input }))
        .send()
        .await
        .expect("save")
}

both_backends!(
    staff_writes_are_audited_and_the_log_cannot_be_rewritten,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let owner = app.role_client("owner@example.com", "owner").await;
        let editor = app.role_client("editor@example.com", "catalog").await;

        let mut input = product("Lamp", &["Size"], vec![v("LAMP-S", &["S"], "40", 3)]);
        let created = save(&app, &editor, None, &input).await;
        assert_eq!(created.status(), 200);
        let id: String = created.json().await.expect("id");
        input.variants[0].price = "45".into();
        input.variants[0].id = None;
        let product_now = app::catalog::read::product_by_id(&app.state, &id)
            .await
            .expect("read");
        input.variants[0].id = Some(product_now.variants[0].id.clone());
        input.version = Some(product_now.updated_at);
        assert_eq!(save(&app, &editor, Some(&id), &input).await.status(), 200);

        let variant = product_now.variants[0].id.clone();
        let threshold = app
            .call(
                &editor,
                SetLowStock::PATH,
                &[("variant_id", &variant), ("threshold", "2")],
            )
            .await;
        assert!(threshold.status().is_success() || threshold.status().is_redirection());

        // The catalog editor may not read the log; the owner may.
        assert_eq!(
            app.call(&editor, AdminAudit::PATH, &[("query", "")])
                .await
                .status(),
            403
        );
        let log = audit(&app, &owner, "entity=product").await;
        let rows = log["entries"].as_array().expect("entries");
        assert_eq!(rows.len(), 2, "{log}");
        let update = &rows[0];
        assert_eq!(update["action"], "product.update");
        assert_eq!(update["actor_email"], "editor@example.com");
        assert_eq!(update["entity_id"], id.as_str());
        assert_eq!(update["request_id"], "req-audit-1");
        let ip = update["ip"].as_str().expect("ip");
        assert!(
            ip.parse::<std::net::IpAddr>().is_ok(),
            "the client's address: {ip}"
        );
        let changes = update["changes"].as_array().expect("changes");
        assert_eq!(changes.len(), 1, "only the price changed: {changes:?}");
        assert_eq!(changes[0][0], "variant LAMP-S");
        assert!(changes[0][1]
            .as_str()
            .expect("before")
            .contains("\"price\":4000"));
        assert!(changes[0][2]
            .as_str()
            .expect("after")
            .contains("\"price\":4500"));
        assert_eq!(rows[1]["action"], "product.create");
        let by_person = audit(&app, &owner, "actor=editor&action=inventory.threshold").await;
        assert_eq!(by_person["total"], 1);
        let nobody = audit(&app, &owner, "actor=owner").await;
        assert_eq!(nobody["total"], 0);
        let bad = app
            .call(&owner, AdminAudit::PATH, &[("query", "from=yesterday")])
            .await;
        assert_eq!(bad.status(), 400);

        // The export has the same rows, formula-safe.
        let csv = owner
            .get(app.url("/admin/audit/export.csv?entity=product"))
            .send()
            .await
            .expect("csv");
        assert_eq!(csv.status(), 200);
        let text = csv.text().await.expect("text");
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.contains("product.update") && text.contains("editor@example.com"));

        // The database itself refuses to rewrite or remove a recent row.
        let pool = app.state.db.pool();
        assert!(
            sqlx::query("update audit_log set actor_email = 'someone@else'")
                .execute(pool)
                .await
                .is_err()
        );
        assert!(sqlx::query("delete from audit_log")
            .execute(pool)
            .await
            .is_err());
        assert_eq!(
            app.count("select count(*) from audit_log where actor_email = 'editor@example.com'")
                .await,
            3
        );
        // The purge keeps what the retention (and the database's 30-day floor) keeps.
        assert_eq!(
            app::audit::read::purge(&app.state.db).await.expect("purge"),
            0
        );
        // A row past the retention (written as an import of old history would) goes.
        let old = app::platform::db::now_ms() - 400 * 24 * 3600 * 1000;
        sqlx::query("insert into audit_log (id, at, action, entity) values ('old-row', $1, 'product.update', 'product')")
            .bind(old)
            .execute(pool)
            .await
            .expect("insert");
        assert_eq!(
            app::audit::read::purge(&app.state.db).await.expect("purge"),
            1
        );
        assert_eq!(
            app.count("select count(*) from audit_log where id = 'old-row'")
                .await,
            0
        );
        let too_short = app
            .call(&owner, SetAuditRetention::PATH, &[("days", "7")])
            .await;
        assert_eq!(too_short.status(), 400);
        let kept = app
            .call(&owner, SetAuditRetention::PATH, &[("days", "90")])
            .await;
        assert!(kept.status().is_success() || kept.status().is_redirection());
        assert_eq!(
            app::audit::read::retention_days(&app.state.db)
                .await
                .expect("days"),
            90
        );
        assert_eq!(
            app.count("select count(*) from audit_log where action = 'settings.audit_retention'")
                .await,
            1
        );
    }
);

both_backends!(
    two_staff_saving_one_product_do_not_overwrite_each_other,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let ada = app.role_client("ada@example.com", "catalog").await;
        let bob = app.role_client("bob@example.com", "catalog").await;
        let input = product("Desk", &["Size"], vec![v("DESK-1", &["One"], "200", 1)]);
        let id: String = save(&app, &ada, None, &input)
            .await
            .json()
            .await
            .expect("id");
        let opened = app::catalog::read::product_by_id(&app.state, &id)
            .await
            .expect("read");
        let mut edit = input.clone();
        edit.variants[0].id = Some(opened.variants[0].id.clone());
        edit.version = Some(opened.updated_at);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;

        let mut ada_edit = edit.clone();
        ada_edit.name = "Standing desk".into();
        assert_eq!(save(&app, &ada, Some(&id), &ada_edit).await.status(), 200);
        let mut bob_edit = edit.clone();
        bob_edit.name = "Writing desk".into();
        let late = save(&app, &bob, Some(&id), &bob_edit).await;
        assert_eq!(late.status(), 409);
        let body: Value = late.json().await.expect("json");
        assert!(
            body["message"]
                .as_str()
                .expect("message")
                .contains("omeone else saved"),
            "{body}"
        );
        let now = app::catalog::read::product_by_id(&app.state, &id)
            .await
            .expect("read");
        assert_eq!(now.name, "Standing desk", "Ada's change stands");
    }
);

both_backends!(
    a_role_change_applies_at_once_and_a_stale_role_form_is_refused,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let owner = app.role_client("owner@example.com", "owner").await;
        let editor = app.role_client("editor@example.com", "catalog").await;
        assert_eq!(
            app.call(&editor, AdminProducts::PATH, &[("query", "")])
                .await
                .status(),
            200
        );

        let roles: Value = app
            .call(&owner, ListRoles::PATH, &[])
            .await
            .json()
            .await
            .expect("json");
        let catalog = roles
            .as_array()
            .expect("roles")
            .iter()
            .find(|r| r["key"] == "catalog")
            .expect("catalog")
            .clone();
        let version = catalog["version"].to_string();
        // Take catalog.write away: the editor keeps inventory only.
        let saved = app
            .call(
                &owner,
                SaveRole::PATH,
                &[
                    ("key", "catalog"),
                    ("name", "Catalog editor"),
                    ("description", "Stock only"),
                    ("permissions[4]", "inventory.adjust"),
                    ("version", &version),
                ],
            )
            .await;
        assert!(
            saved.status().is_success() || saved.status().is_redirection(),
            "{}",
            saved.status()
        );
        // Their session ended with the change; signed in again, the role is the new one.
        assert_eq!(
            app.call(&editor, AdminProducts::PATH, &[("query", "")])
                .await
                .status(),
            401
        );
        let again = app.browser();
        app.login_with(
            &again,
            "editor@example.com",
            crate::accounts_helpers::PASSWORD,
        )
        .await;
        assert_eq!(
            app.call(&again, AdminProducts::PATH, &[("query", "")])
                .await
                .status(),
            403
        );

        let stale = app
            .call(
                &owner,
                SaveRole::PATH,
                &[
                    ("key", "catalog"),
                    ("name", "Catalog"),
                    ("description", ""),
                    ("permissions[0]", "catalog.write"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(stale.status(), 409, "a form opened before the change");
        let none = app
            .call(
                &owner,
                SaveRole::PATH,
                &[("key", ""), ("name", "Nothing"), ("description", "")],
            )
            .await;
        assert_eq!(none.status(), 400, "a role without permissions");
        let added = app
            .call(
                &owner,
                SaveRole::PATH,
                &[
                    ("key", ""),
                    ("name", "Auditor"),
                    ("description", "Reads the log"),
                    ("permissions[12]", "audit.read"),
                    ("permissions[1]", "orders.read"),
                ],
            )
            .await;
        assert!(added.status().is_success() || added.status().is_redirection());
        let roles: Value = app
            .call(&owner, ListRoles::PATH, &[])
            .await
            .json()
            .await
            .expect("json");
        let auditor = roles
            .as_array()
            .expect("roles")
            .iter()
            .find(|r| r["name"] == "Auditor")
            .expect("added")
            .clone();
        assert_eq!(auditor["permissions"], json!(["orders.read", "audit.read"]));
        assert_eq!(
            app.count("select count(*) from audit_log where entity = 'role'")
                .await,
            2
        );
    }
);
