//! Profile pictures: checked by their content, stored under new names, replaced and removed.

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::helpers::{json, TestApp, TestDb};
use leptos::server_fn::ServerFn as _;

both_backends!(
    avatars_are_checked_by_content_stored_under_new_names_and_replaced,
    |backend| async move {
        use app::accounts::api::{GetCurrentUser, RemoveAvatar, UploadAvatar};
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.verified_user("ada@example.com").await;
        let ada = app.browser();
        app.login_with(&ada, "ada@example.com", PASSWORD).await;
        let upload = |bytes: Vec<u8>, name: &'static str| {
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name(name)
                .mime_str("image/png")
                .expect("mime");
            ada.post(app.url(UploadAvatar::PATH))
                .header("accept", "application/json")
                .multipart(reqwest::multipart::Form::new().part("avatar", part))
                .send()
        };
        let me = || async {
            let response = app.call(&ada, GetCurrentUser::PATH, &[]).await;
            json(response).await
        };
        let png = crate::catalog_helpers::png(600, 400);

        // Declared as PNG but is SVG (script-capable): refused by content.
        let response = upload(
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec(),
            "me.png",
        )
        .await
        .expect("upload");
        assert_eq!(response.status(), 400);
        assert_eq!(json(response).await["field"], "avatar");
        let response = upload(vec![0xff; 1024 * 1024 + 1], "big.png")
            .await
            .expect("upload");
        assert_eq!(response.status(), 400);
        assert_eq!(me().await["avatar_url"], serde_json::Value::Null);

        // Sniffable but not a picture: refused once decoded.
        let fake = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake but sniffable".to_vec();
        assert_eq!(upload(fake, "f.png").await.expect("upload").status(), 400);

        let response = upload(png.clone(), "../../etc/passwd.png")
            .await
            .expect("upload");
        assert!(response.status().is_success(), "{}", response.status());
        let first = me().await["avatar_url"].as_str().expect("url").to_owned();
        assert!(
            first.starts_with("/media/avatars/") && first.ends_with(".jpg"),
            "re-encoded as JPEG: {first}"
        );
        assert!(!first.contains("passwd"), "the name is generated");
        let served = app.get(&first).await;
        assert_eq!(served.status(), 200);
        assert_eq!(served.headers()["content-type"], "image/jpeg");
        assert!(served.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .contains("immutable"));
        let stored = served.bytes().await.expect("bytes").to_vec();
        let picture = image::load_from_memory(&stored).expect("a picture");
        assert_eq!((picture.width(), picture.height()), (256, 256), "a square");

        let jpeg = {
            let mut out = std::io::Cursor::new(Vec::new());
            image::RgbImage::from_pixel(64, 64, image::Rgb([1, 2, 3]))
                .write_to(&mut out, image::ImageFormat::Jpeg)
                .expect("jpeg");
            out.into_inner()
        };
        assert!(upload(jpeg, "b.jpg")
            .await
            .expect("upload")
            .status()
            .is_success());
        let second = me().await["avatar_url"].as_str().expect("url").to_owned();
        assert!(second.ends_with(".jpg"));
        assert_eq!(
            app.get(&first).await.status(),
            404,
            "the replaced file is gone"
        );

        assert!(app
            .call(&ada, RemoveAvatar::PATH, &[])
            .await
            .status()
            .is_success());
        assert_eq!(me().await["avatar_url"], serde_json::Value::Null);
        assert_eq!(app.get(&second).await.status(), 404);
    }
);
