//! Pictures in an S3-compatible bucket (`STORAGE_URL=s3://…`), against moto's local S3
//! server (scripts/bootstrap.sh --test installs it): stored, served, deleted — product
//! pictures and profile pictures alike. And what an upload may carry in: decompression
//! bombs are refused, metadata (GPS positions) never comes out.

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
        let image = app::catalog::media::add(&app.state, "system", &id, png(700, 500), "Oak board")
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

        app::catalog::media::delete(&app.state, "system", &image)
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

        // A profile picture goes through the same storage.
        app.verified_user("ada@example.com").await;
        let ada = app.browser();
        app.login_with(&ada, "ada@example.com", crate::accounts_helpers::PASSWORD)
            .await;
        assert_eq!(upload_avatar(&app, &ada, png(300, 300)).await, 200);
        let listed = s3.keys().await;
        assert_eq!(listed.matches("<Key>shop/avatars/").count(), 1, "{listed}");
        let url = avatar_url(&app, &ada).await;
        assert_eq!(app.get(&url).await.status(), 200);
    }
);

async fn upload_avatar(app: &TestApp, client: &reqwest::Client, bytes: Vec<u8>) -> u16 {
    upload_avatar_answer(app, client, bytes).await.0
}

/// The status and the error message (if any) of an avatar upload.
pub(crate) async fn upload_avatar_answer(
    app: &TestApp,
    client: &reqwest::Client,
    bytes: Vec<u8>,
) -> (u16, String) {
    use leptos::server_fn::ServerFn as _;
    let part = reqwest::multipart::Part::bytes(bytes).file_name("me.jpg");
    let response = client
        .post(app.url(app::accounts::api::UploadAvatar::PATH))
        .header("accept", "application/json")
        .multipart(reqwest::multipart::Form::new().part("avatar", part))
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    (
        status,
        body["message"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn avatar_url(app: &TestApp, client: &reqwest::Client) -> String {
    use leptos::server_fn::ServerFn as _;
    let me = app
        .call(client, app::accounts::api::GetCurrentUser::PATH, &[])
        .await;
    let me: serde_json::Value = me.json().await.expect("json");
    me["avatar_url"].as_str().expect("an avatar").to_owned()
}

/// A PNG whose header claims `width`×`height` (a few bytes that a careless decoder would
/// expand to gigabytes).
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(b"IEND");
    out.extend_from_slice(&crc32(b"IEND").to_be_bytes());
    out
}

/// A JPEG carrying an Exif block with a GPS position.
fn jpeg_with_gps() -> Vec<u8> {
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(200, 120, image::Rgb([90, 140, 40]))
        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .expect("jpeg");
    let jpeg = jpeg.into_inner();
    let exif = b"Exif\0\0MM\0*GPSLatitude 51.5007 GPSLongitude -0.1246";
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&u16::try_from(exif.len() + 2).expect("short").to_be_bytes());
    out.extend_from_slice(exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

both_backends!(
    profile_pictures_lose_their_metadata_and_bombs_never_decode,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        let ada = app.browser();
        app.login_with(&ada, "ada@example.com", crate::accounts_helpers::PASSWORD)
            .await;
        let (status, message) =
            upload_avatar_answer(&app, &ada, png_claiming(20_000, 20_000)).await;
        assert_eq!(status, 400);
        assert!(
            message.contains("8000 pixels"),
            "refused by its size: {message}"
        );
        let with_gps = jpeg_with_gps();
        assert!(with_gps.windows(11).any(|w| w == b"GPSLatitude"));
        assert_eq!(upload_avatar(&app, &ada, with_gps).await, 200);
        let stored = app
            .get(&avatar_url(&app, &ada).await)
            .await
            .bytes()
            .await
            .expect("bytes");
        assert!(
            !stored.windows(4).any(|w| w == b"Exif") && !stored.windows(3).any(|w| w == b"GPS"),
            "the metadata is gone"
        );
        let picture = image::load_from_memory(&stored).expect("still a picture");
        assert_eq!((picture.width(), picture.height()), (120, 120), "a square");
    }
);
