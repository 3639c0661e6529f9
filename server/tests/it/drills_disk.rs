//! Failure drill: the disk holding the media store fills up (a 2 MiB tmpfs mounted on the
//! media folder, nearly filled). A staff member's picture upload and a shopper's profile
//! picture are refused with a clear 503 — never a 500 — and leave nothing behind: no
//! file, no staging file, no picture row, the old profile picture kept. Once space is
//! freed, the same upload succeeds without a restart.
//!
//! Mounting needs root (CI runs as root); elsewhere the drill is skipped with a notice,
//! unless services are required, where it fails.

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::catalog_helpers::{png, product, v};
use crate::helpers::{services_required, TestApp, TestDb};
use crate::storage::upload_avatar_answer;
use app::catalog::api::UploadProductImage;
use leptos::server_fn::ServerFn as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const SIZE: u64 = 2 * 1024 * 1024;

both_backends!(
    a_full_media_store_refuses_uploads_clearly_and_keeps_nothing,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let media = db.data_dir.path().join("media");
        let Some(disk) = SmallDisk::mount(&media) else {
            return;
        };
        let app = TestApp::spawn(&db, &[]).await;
        let id = app
            .save(product("Oak Board", &[], vec![v("OAK-1", &[], "30", 2)]))
            .await;
        let staff = app.staff_client("staff@example.com").await;
        app.verified_user("ada@example.com").await;
        let ada = app.browser();
        app.login_with(&ada, "ada@example.com", PASSWORD).await;
        let (status, _) = upload_avatar_answer(&app, &ada, png(300, 300)).await;
        assert_eq!(status, 200, "a profile picture while there is room");
        let before = disk.files();

        disk.fill();
        let picture = ("image", "board.png", png(1200, 800));
        let fields = [("product_id", id.as_str()), ("alt", "Oak board")];
        let upload = || app.upload(&staff, UploadProductImage::PATH, &fields, picture.clone());
        let refused = upload().await;
        assert_eq!(refused.status(), 503, "the disk is full: not a 500");
        let body: serde_json::Value = refused.json().await.expect("the error as JSON");
        assert_eq!(body["code"], "SERVICE_UNAVAILABLE", "{body}");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("no room left to store files")),
            "{body}"
        );
        let (status, message) = upload_avatar_answer(&app, &ada, png(320, 320)).await;
        assert_eq!(
            (status, message.contains("no room left")),
            (503, true),
            "{message}"
        );

        // Nothing half-written: the same files as before (no staging files, no variant
        // of the refused picture), no picture row, the old profile picture still served.
        assert_eq!(disk.files(), before);
        let rows = app.count("select count(*) from product_images").await;
        assert_eq!(rows, 0);
        let (avatar,): (Option<String>,) =
            sqlx::query_as("select avatar from users where email = 'ada@example.com'")
                .fetch_one(app.state.db.pool())
                .await
                .expect("ada");
        let avatar = avatar.expect("the old picture kept");
        assert!(
            before.iter().any(|f| f.ends_with(&avatar)),
            "{avatar} in {before:?}"
        );

        disk.free();
        assert_eq!(
            upload().await.status(),
            200,
            "room again: the upload succeeds"
        );
        assert_eq!(app.count("select count(*) from product_images").await, 1);
        assert!(disk.files().len() > before.len());
    }
);

/// A small tmpfs mounted on a folder for the length of a test.
struct SmallDisk {
    at: PathBuf,
}

impl SmallDisk {
    fn mount(at: &Path) -> Option<Self> {
        std::fs::create_dir_all(at).expect("the media folder");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={SIZE}"), "oxcart-drill"])
            .arg(at)
            .output()
            .is_ok_and(|out| out.status.success());
        if !mounted {
            assert!(
                !services_required(),
                "the disk-full drill mounts a tmpfs: run the tests as root"
            );
            eprintln!("skipped: mounting a tmpfs needs root");
            return None;
        }
        Some(Self { at: at.to_owned() })
    }

    fn filler(&self) -> PathBuf {
        self.at.join("filler")
    }

    /// Fills the disk: not a byte more fits (a few kilobytes would still take a small
    /// picture, or its first sizes only).
    fn fill(&self) {
        let free = rustix::fs::statvfs(&self.at).expect("statvfs");
        let available = free.f_bavail * free.f_frsize;
        std::fs::write(self.filler(), vec![1u8; available as usize]).expect("filler");
    }

    fn free(&self) {
        std::fs::remove_file(self.filler()).expect("remove the filler");
    }

    /// Every file on the disk but the filler, by path below the media folder.
    fn files(&self) -> Vec<String> {
        let mut found = Vec::new();
        let mut dirs = vec![self.at.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("read the media folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path != self.filler() {
                    let name = path.strip_prefix(&self.at).expect("below");
                    found.push(name.display().to_string());
                }
            }
        }
        found.sort();
        found
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.at).status();
    }
}
