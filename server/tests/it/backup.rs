//! Backups that restore: a store backed up while shoppers keep buying restores, table for
//! table and file for file, into a new database of its own engine and of the other one;
//! the restored shop signs its customers in and finds its products; a damaged archive, one
//! from a newer schema and a target that is not empty are refused with nothing written.

use crate::accounts_helpers::PASSWORD;
use crate::both_backends;
use crate::catalog_helpers::png;
use crate::helpers::{Backend, TestApp, TestDb};
use app::platform::db::Db;
use app::platform::storage::Storage;
use oxcart_server::backup::{self, archive};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Every entry of an archive but the manifest: tables as (header, sorted rows), files as
/// bytes — what two archives of the same shop must share whatever their row order.
fn contents(path: &Path) -> BTreeMap<String, Vec<Vec<u8>>> {
    let mut found = BTreeMap::new();
    archive::read_each(path, |name, bytes| {
        if let Some(table) = name.strip_prefix("tables/") {
            let table = table
                .split_once('-')
                .expect("numbered")
                .1
                .trim_end_matches(".jsonl")
                .to_owned();
            let mut lines: Vec<Vec<u8>> =
                bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
            let header = lines.remove(0);
            lines.sort();
            lines.insert(0, header);
            found.insert(table, lines);
        } else if name != "manifest.json" {
            found.insert(name, vec![bytes]);
        }
        Ok(())
    })
    .expect("archive reads");
    found
}

/// The rows of `table` in an archive, as JSON arrays.
fn rows(path: &Path, table: &str) -> Vec<Vec<serde_json::Value>> {
    contents(path)[table][1..]
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("a row"))
        .collect()
}

/// Writes a copy of `from` to `to` with `change` applied to the manifest and the entries.
fn repack(from: &Path, to: &Path, change: impl Fn(&str, &mut Vec<u8>)) {
    let mut writer = archive::Writer::create(to).expect("new archive");
    let mut manifest = None;
    archive::read_each(from, |name, mut bytes| {
        change(&name, &mut bytes);
        if name == "manifest.json" {
            manifest = Some(serde_json::from_slice::<backup::Manifest>(&bytes)?);
        } else {
            writer.add(&name, &bytes)?;
        }
        Ok(())
    })
    .expect("archive reads");
    writer
        .finish(&manifest.expect("manifest"))
        .expect("written");
}

async fn fresh_target(backend: Backend) -> (TestDb, Db, Storage) {
    let target = TestDb::fresh(backend).await;
    let db = Db::connect(&target.url).await.expect("target database");
    let storage = Storage::local(&target.data_dir.path().join("media")).expect("media folder");
    (target, db, storage)
}

both_backends!(
    a_live_store_restores_table_for_table_on_either_engine,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.rates().await;
        let lighting = app.category("Lighting", None).await;
        app.category("Desk lamps", Some(&lighting)).await;
        let ids = app.stocked("Brass lamp", &[("LAMP", "40.00", 500)]).await;
        let product: (String,) = sqlx::query_as("select product_id from variants where id = $1")
            .bind(&ids[0])
            .fetch_one(app.state.db.pool())
            .await
            .expect("as set up");
        app::catalog::media::add(&app.state, "system", &product.0, png(64, 48), "The lamp")
            .await
            .expect("picture stored");
        app.verified_user("kept@example.com").await;
        let app = Arc::new(app);

        // Shoppers keep buying while the backup runs.
        let stop = Arc::new(AtomicBool::new(false));
        let sold = Arc::new(AtomicUsize::new(0));
        let buyers = {
            let (app, stop, sold, variant) =
                (app.clone(), stop.clone(), sold.clone(), ids[0].clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    app.bought(&variant, "1", "buyer@example.com").await;
                    sold.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        while sold.load(Ordering::Relaxed) < 2 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let dir = tempfile::tempdir().expect("as set up");
        let file = dir.path().join("shop.tar.gz");
        let report = backup::backup(&app.state.db, &app.state.storage, &file)
            .await
            .expect("backed up while serving");
        let during = sold.load(Ordering::Relaxed);
        while sold.load(Ordering::Relaxed) < during + 2 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        stop.store(true, Ordering::Relaxed);
        buyers.await.expect("as set up");
        assert!(!dir.path().join("shop.tar.gz.partial").exists());

        // One moment: every order line's order is there, and the lamp's stock is what the
        // ledger says it is after its last entry.
        let orders: Vec<_> = rows(&file, "orders");
        assert!(orders.len() >= 2, "orders made before the backup are in it");
        let lines = rows(&file, "order_lines");
        let order_ids: std::collections::HashSet<_> = orders.iter().map(|r| r[0].clone()).collect();
        assert!(lines.iter().all(|l| order_ids.contains(&l[0])));
        assert_eq!(lines.len(), orders.len(), "one line per order");
        let m = &report.manifest;
        let stored: Vec<String> = app
            .state
            .storage
            .list()
            .await
            .expect("as set up")
            .into_iter()
            .map(|f| f.0)
            .collect();
        let archived: Vec<String> = m.media.iter().map(|f| f.name.clone()).collect();
        assert!(!archived.is_empty());
        assert_eq!(archived, stored, "every file of the picture");
        assert_eq!(report.vanished, 0);
        assert!(m.tables.iter().any(|t| t.name == "secrets" && t.rows >= 1));
        assert!(m.tables.iter().all(|t| t.name != "_sqlx_migrations"));

        let other = match backend {
            Backend::Sqlite => Backend::Postgres,
            Backend::Postgres => Backend::Sqlite,
        };
        let mut targets = vec![backend];
        if other == Backend::Sqlite || crate::helpers::service_url("TEST_DATABASE_URL").is_some() {
            targets.push(other);
        }
        for engine in targets {
            let (target, tdb, storage) = fresh_target(engine).await;
            let restored = backup::restore(&tdb, &storage, &file)
                .await
                .expect("restored");
            assert_eq!(restored.rows(), m.rows());
            // The restored shop, backed up again, holds exactly what the archive held.
            let again = dir.path().join(format!("again-{engine:?}.tar.gz"));
            backup::backup(&tdb, &storage, &again)
                .await
                .expect("backed up again");
            let (a, b) = (contents(&file), contents(&again));
            assert_eq!(
                a.keys().collect::<Vec<_>>(),
                b.keys().collect::<Vec<_>>(),
                "{engine:?}"
            );
            for (name, entry) in &a {
                assert!(
                    entry == &b[name],
                    "{name} differs after a restore into {engine:?}"
                );
            }

            // A second restore into the same place is refused: it is not empty any more.
            let refused = backup::restore(&tdb, &storage, &file)
                .await
                .expect_err("refused")
                .to_string();
            assert!(refused.contains("not empty"), "{refused}");
            tdb.close().await;

            // The restored shop works: the customer signs in with the same password, the
            // search index is rebuilt, the picture is served.
            let shop = TestApp::spawn(&target, &[]).await;
            let indexed = app::catalog::categories::reindex_all(&shop.state)
                .await
                .expect("as set up");
            assert_eq!(indexed, 1);
            let (names, _) = shop.names("q=brass").await;
            assert_eq!(names, ["Brass lamp"], "{engine:?}");
            let browser = shop.browser();
            let login = shop
                .login_with(&browser, "kept@example.com", PASSWORD)
                .await;
            assert!(
                login.status().is_success(),
                "{engine:?}: {}",
                login.status()
            );
            assert_eq!(
                shop.whoami(&browser).await.as_deref(),
                Some("kept@example.com")
            );
        }
    }
);

both_backends!(
    damaged_newer_or_misplaced_backups_are_refused_with_nothing_written,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        app.stocked("Brass lamp", &[("LAMP", "40.00", 5)]).await;
        let dir = tempfile::tempdir().expect("as set up");
        let file = dir.path().join("shop.tar.gz");
        backup::backup(&app.state.db, &app.state.storage, &file)
            .await
            .expect("as set up");
        let exists = backup::backup(&app.state.db, &app.state.storage, &file)
            .await
            .expect_err("refused")
            .to_string();
        assert!(exists.contains("exists already"), "{exists}");

        let bad = |name: &str| dir.path().join(name);
        // A row changed after the backup: its table no longer matches the checksum.
        repack(&file, &bad("edited.tar.gz"), |name, bytes| {
            if name.ends_with("-variants.jsonl") {
                let text = String::from_utf8(bytes.clone())
                    .expect("as set up")
                    .replace("LAMP", "LAMQ");
                *bytes = text.into_bytes();
            }
        });
        // Cut short: the second half is gone.
        let whole = std::fs::read(&file).expect("as set up");
        std::fs::write(bad("cut.tar.gz"), &whole[..whole.len() / 2]).expect("as set up");
        std::fs::write(bad("not-a-backup.tar.gz"), b"hello").expect("as set up");
        // From a newer Oxcart.
        repack(&file, &bad("newer.tar.gz"), |name, bytes| {
            if name == "manifest.json" {
                let mut m: serde_json::Value = serde_json::from_slice(bytes).expect("as set up");
                m["schema_version"] = 9999.into();
                *bytes = serde_json::to_vec(&m).expect("as set up");
            }
        });
        for (name, says) in [
            ("edited.tar.gz", "does not match its checksum"),
            ("cut.tar.gz", "damaged"),
            ("not-a-backup.tar.gz", "damaged or not an Oxcart backup"),
            ("newer.tar.gz", "newer Oxcart"),
            ("missing.tar.gz", "cannot open"),
        ] {
            let (_target, tdb, storage) = fresh_target(backend).await;
            let err = format!(
                "{:#}",
                backup::restore(&tdb, &storage, &bad(name))
                    .await
                    .expect_err("refused")
            );
            assert!(err.contains(says), "{name}: {err}");
            let (tables,): (i64,) = sqlx::query_as(match backend {
                Backend::Sqlite => "select count(*) from sqlite_master where type = 'table'",
                Backend::Postgres => "select count(*) from information_schema.tables where table_schema = current_schema()",
            })
            .fetch_one(tdb.pool())
            .await
            .expect("as set up");
            assert_eq!(tables, 0, "{name}: nothing written");
            assert!(storage.list().await.expect("as set up").is_empty());
            tdb.close().await;
        }

        // A media store that holds files already is refused before anything is written.
        let (_target, tdb, storage) = fresh_target(backend).await;
        storage
            .put("stray.txt", b"x".to_vec())
            .await
            .expect("as set up");
        let err = backup::restore(&tdb, &storage, &file)
            .await
            .expect_err("refused")
            .to_string();
        assert!(err.contains("already holds 1 files"), "{err}");
    }
);

both_backends!(
    the_commands_report_what_they_backed_up_and_restored,
    |backend| async move {
        use crate::binary::oxcart;
        let db = TestDb::fresh(backend).await;
        let run = |dir: &Path, url: &str, args: &[&str]| {
            let output = oxcart(dir)
                .env("DATABASE_URL", url)
                .args(args)
                .output()
                .expect("run oxcart");
            let text = |b: &[u8]| String::from_utf8_lossy(b).trim().to_owned();
            (
                output.status.code(),
                text(&output.stdout),
                text(&output.stderr),
            )
        };
        let source = db.data_dir.path();
        let (code, _, err) = run(source, &db.url, &["seed", "--demo", "3"]);
        assert_eq!(code, Some(0), "{err}");
        let file = source.join("shop.tar.gz");
        let (code, out, err) = run(
            source,
            &db.url,
            &["backup", file.to_str().expect("as set up")],
        );
        assert_eq!(code, Some(0), "{err}");
        assert!(
            out.starts_with("Backed up the ") && out.contains(" files ("),
            "{out}"
        );

        let target = TestDb::fresh(backend).await;
        let (code, out, err) = run(
            target.data_dir.path(),
            &target.url,
            &["restore", file.to_str().expect("as set up")],
        );
        assert_eq!(code, Some(0), "{err}");
        assert!(
            out.contains("into the ") && out.contains("search index rebuilt for 3 products"),
            "{out}"
        );
        // Again: one line on stderr, exit 1, the reason.
        let (code, out, err) = run(
            target.data_dir.path(),
            &target.url,
            &["restore", file.to_str().expect("as set up")],
        );
        assert_eq!((code, out.as_str()), (Some(1), ""));
        assert!(
            err.starts_with("oxcart: the ") && err.contains("not empty") && !err.contains('\n'),
            "{err}"
        );
    }
);
