//! Staff editing the catalog through the server functions the admin pages call: products
//! as JSON, pictures as multipart, bulk status, CSV export and import; shoppers and
//! anonymous callers are turned away.

use crate::both_backends;
use crate::catalog_helpers::{png, product, v};
use crate::helpers::{json, TestApp, TestDb};
use app::catalog::api::{
    GetImportStatus, ImportCatalog, SaveProduct, SetProductsStatus, UploadProductImage,
};
use leptos::server_fn::ServerFn as _;
use serde_json::json;

impl TestApp {
    async fn post_json(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("accept", "application/json")
            .json(&body)
            .send()
            .await
            .expect("POST")
    }

    pub(crate) async fn upload(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, Vec<u8>),
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let (field, name, bytes) = file;
        form = form.part(
            field.to_owned(),
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
        client
            .post(self.url(path))
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .expect("upload")
    }
}

both_backends!(
    staff_edit_products_and_pictures_and_shoppers_cannot,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let input = serde_json::to_value(product(
            "Field Jacket",
            &["Size"],
            vec![v("FJ-M", &["M"], "120", 3), v("FJ-L", &["L"], "125", 0)],
        ))
        .expect("json");
        let body = json!({ "id": null, "input": input });

        assert_eq!(
            app.post_json(&app.browser(), SaveProduct::PATH, body.clone())
                .await
                .status(),
            401
        );
        app.verified_user("shopper@example.com").await;
        let shopper = app.browser();
        app.login_with(
            &shopper,
            "shopper@example.com",
            crate::accounts_helpers::PASSWORD,
        )
        .await;
        assert_eq!(
            app.post_json(&shopper, SaveProduct::PATH, body.clone())
                .await
                .status(),
            403
        );

        let staff = app.staff_client("staff@example.com").await;
        let response = app.post_json(&staff, SaveProduct::PATH, body.clone()).await;
        assert_eq!(response.status(), 200);
        let id: String = response.json().await.expect("id");
        let again = app.post_json(&staff, SaveProduct::PATH, body).await;
        assert_eq!(again.status(), 409, "the same slug twice is a conflict");
        assert!(json(again).await["message"]
            .as_str()
            .expect("message")
            .contains("field-jacket"));

        let bad = serde_json::to_value(product("Bad", &[], vec![v("B-1", &[], "1.999", 1)]))
            .expect("json");
        let response = app
            .post_json(
                &staff,
                SaveProduct::PATH,
                json!({ "id": null, "input": bad }),
            )
            .await;
        assert_eq!(response.status(), 400);
        assert_eq!(json(response).await["field"], "variants.0.price");

        // A picture: checked by content, re-encoded, resized, served for good.
        let response = app
            .upload(
                &staff,
                UploadProductImage::PATH,
                &[("product_id", &id), ("alt", "Front view")],
                ("image", "jacket.png", png(900, 600)),
            )
            .await;
        assert_eq!(response.status(), 200);
        let page = app
            .get_page("/products/field-jacket")
            .await
            .text()
            .await
            .expect("html");
        let src = crate::catalog_helpers::first_picture(&page);
        assert!(page.contains("alt=\"Front view\""));
        assert!(page.contains(" 320w, "), "srcset offers several widths");
        let picture = app.get(&format!("/media/catalog/{src}")).await;
        assert_eq!(picture.status(), 200);
        assert_eq!(picture.headers()["content-type"], "image/jpeg");
        assert!(picture.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .contains("immutable"));
        assert!(
            picture
                .bytes()
                .await
                .expect("bytes")
                .starts_with(&[0xff, 0xd8, 0xff]),
            "re-encoded as JPEG"
        );
        assert!(!src.contains("jacket"), "file names are generated");

        for (name, bytes, expected) in [
            (
                "x.gif",
                b"GIF89a\x01\x00\x01\x00".to_vec(),
                "PNG, JPEG or WebP",
            ),
            (
                "x.png",
                b"<svg onload=alert(1)>".to_vec(),
                "PNG, JPEG or WebP",
            ),
            ("x.png", png(20, 20)[..40].to_vec(), "could not be read"),
        ] {
            let response = app
                .upload(
                    &staff,
                    UploadProductImage::PATH,
                    &[("product_id", &id)],
                    ("image", name, bytes),
                )
                .await;
            assert_eq!(response.status(), 400, "{name}");
            assert!(json(response).await["message"]
                .as_str()
                .expect("message")
                .contains(expected));
        }
        let response = app
            .upload(
                &shopper,
                UploadProductImage::PATH,
                &[("product_id", &id)],
                ("image", "x.png", png(10, 10)),
            )
            .await;
        assert_eq!(response.status(), 403);

        // Bulk status: back to draft, gone from the shop.
        let response = app
            .post_json(
                &staff,
                SetProductsStatus::PATH,
                json!({ "ids": [id], "status": "draft" }),
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(app.get("/api/v1/products/field-jacket").await.status(), 404);
        assert_eq!(
            app.post_json(
                &shopper,
                SetProductsStatus::PATH,
                json!({ "ids": [], "status": "active" })
            )
            .await
            .status(),
            403
        );
    }
);

both_backends!(
    csv_export_and_import_report_every_bad_row,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.category("Shirts", None).await;
        app.save(product(
            "Linen Shirt",
            &["Size"],
            vec![v("LS-S", &["S"], "40", 2), v("LS-M", &["M"], "42", 0)],
        ))
        .await;
        // Cells a spreadsheet would run as formulas.
        let mut risky = product("@Risky Name", &[], vec![v("RISK-1", &[], "5", 1)]);
        risky.description = "- first\n- =SUM(A1)".into();
        app.save(risky).await;

        assert_eq!(
            app.get("/admin/catalog/export.csv").await.status(),
            303,
            "anonymous: to the login page"
        );
        let staff = app.staff_client("staff@example.com").await;
        let export = staff
            .get(app.url("/admin/catalog/export.csv"))
            .send()
            .await
            .expect("export");
        assert_eq!(export.status(), 200);
        let csv = export.text().await.expect("csv");
        assert!(csv.starts_with("handle,name,status,category"));
        assert!(csv.contains("linen-shirt,Linen Shirt,active,"));
        assert!(csv.contains(",LS-M,42.00,"));
        assert!(
            csv.contains("risky-name,'@Risky Name,"),
            "formulas are exported as text"
        );
        assert!(csv.contains("\"'- first\n- =SUM(A1)\""));

        // Re-importing the export changes nothing; a new product goes in; a product with a
        // bad row does not, and the report names the row and column.
        let mut file = csv.clone();
        file.push_str(
            "oak-board,Oak Board,active,shirts,Solid oak.,,,USD,no,,,,,,,OAK-1,30,,5,900,\n",
        );
        file.push_str("bad-mug,Bad Mug,active,,,,,USD,no,Colour,Red,,,,,MUG-R,12,,1,300,\n");
        file.push_str("bad-mug,,,,,,,,,Colour,Blue,,,,,MUG-B,twelve,,1,300,\n");
        let response = app
            .upload(
                &staff,
                ImportCatalog::PATH,
                &[],
                ("file", "catalog.csv", file.into_bytes()),
            )
            .await;
        assert_eq!(response.status(), 200);
        let import: String = response.json().await.expect("id");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let status = loop {
            let status = json(
                app.call(&staff, GetImportStatus::PATH, &[("id", &import)])
                    .await,
            )
            .await;
            if status["status"] != "running" {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the import never finished"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        };
        assert_eq!(status["status"], "done");
        assert_eq!(status["total_rows"], 6);
        assert_eq!(status["done_rows"], 6);
        assert_eq!(status["imported"], 4);
        let errors = status["errors"].as_array().expect("errors");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0]["row"], 6);
        assert!(errors[0]["column"].is_null());
        assert!(errors[0]["message"]
            .as_str()
            .expect("message")
            .contains("not imported"));
        assert_eq!(errors[1]["row"], 7);
        assert_eq!(errors[1]["column"], "price");

        assert_eq!(app.get("/api/v1/products/oak-board").await.status(), 200);
        assert_eq!(
            app.get("/api/v1/products/bad-mug").await.status(),
            404,
            "nothing of a bad product is saved"
        );
        let risky = json(app.get("/api/v1/products/risky-name").await).await;
        assert_eq!(
            risky["data"]["name"], "@Risky Name",
            "re-imported unchanged"
        );
        assert_eq!(risky["data"]["description"], "- first\n- =SUM(A1)");
        let linen = json(app.get("/api/v1/products/linen-shirt").await).await;
        assert_eq!(linen["data"]["variants"].as_array().map(Vec::len), Some(2));

        let garbage = app
            .upload(
                &staff,
                ImportCatalog::PATH,
                &[],
                ("file", "x.csv", b"name,price\nx,1\n".to_vec()),
            )
            .await;
        assert_eq!(garbage.status(), 400);
        assert!(json(garbage).await["message"]
            .as_str()
            .expect("message")
            .contains("handle"));
    }
);
