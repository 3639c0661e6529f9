//! Pictures in an S3-compatible bucket (`STORAGE_URL=s3://…`), against moto's local S3
//! server (scripts/bootstrap.sh --test installs it): stored, served, deleted.

use crate::both_backends;
use crate::catalog_helpers::{png, product, v};
use crate::helpers::{TestApp, TestDb};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct S3(Child, u16);

impl S3 {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server runs (scripts/bootstrap.sh --test installs it)");
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        // CreateBucket is a plain PUT on the bucket's path.
        loop {
            let created = client
                .put(format!("http://127.0.0.1:{port}/pictures"))
                .send()
                .await;
            if created.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            assert!(Instant::now() < deadline, "moto_server did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self(child, port)
    }

    async fn keys(&self) -> String {
        reqwest::get(format!("http://127.0.0.1:{}/pictures?list-type=2", self.1))
            .await
            .expect("list")
            .text()
            .await
            .expect("xml")
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

both_backends!(
    pictures_live_in_an_s3_bucket_when_configured,
    |backend| async move {
        let s3 = S3::start().await;
        let db = TestDb::fresh(backend).await;
        let endpoint = format!("http://127.0.0.1:{}", s3.1);
        let app = TestApp::spawn(
            &db,
            &[
                ("STORAGE_URL", "s3://pictures/shop"),
                ("AWS_ACCESS_KEY_ID", "test"),
                ("AWS_SECRET_ACCESS_KEY", "test"),
                ("AWS_REGION", "us-east-1"),
                ("AWS_ENDPOINT", &endpoint),
                ("AWS_ALLOW_HTTP", "true"),
            ],
        )
        .await;
        let id = app
            .save(product("Oak Board", &[], vec![v("OAK-1", &[], "30", 2)]))
            .await;
        let image = app::catalog::media::add(&app.state, &id, png(700, 500), "Oak board")
            .await
            .expect("stored in the bucket");

        let listed = s3.keys().await;
        assert_eq!(listed.matches("<Key>shop/catalog/").count(), 3, "{listed}");
        assert!(
            !app.data_dir().join("media").join("catalog").exists(),
            "nothing written locally"
        );
        let page = app
            .get_page("/products/oak-board")
            .await
            .text()
            .await
            .expect("html");
        let src = crate::catalog_helpers::first_picture(&page);
        let served = app.get(&format!("/media/catalog/{src}")).await;
        assert_eq!(served.status(), 200);
        assert!(served
            .bytes()
            .await
            .expect("bytes")
            .starts_with(&[0xff, 0xd8, 0xff]));

        app::catalog::media::delete(&app.state, &image)
            .await
            .expect("deleted");
        assert_eq!(
            s3.keys().await.matches("<Key>").count(),
            0,
            "its files left the bucket"
        );
        assert_eq!(
            app.get(&format!("/media/catalog/{src}")).await.status(),
            404
        );
    }
);
