//! The shop's own secrets live in the database, made once, shared by every instance.

use crate::both_backends;
use crate::helpers::TestDb;
use app::platform::db::Db;
use app::platform::secrets::shared;

both_backends!(
    a_secret_is_made_once_per_database_and_an_old_key_file_moves_in,
    |backend| async move {
        let test_db = TestDb::fresh(backend).await;
        let db = Db::connect(&test_db.url).await.expect("db");
        db.migrate().await.expect("migrate");
        let dir = tempfile::tempdir().expect("temp dir");
        let other_dir = tempfile::tempdir().expect("another data dir");
        let first = shared(&db, dir.path(), "jwt.key").await.expect("made");
        assert_eq!(first.len(), 128);
        // Another instance with another data dir gets the same key from the database.
        let again = shared(&db, other_dir.path(), "jwt.key")
            .await
            .expect("read");
        assert_eq!(first, again);

        // An earlier version's key file is adopted, so what it signed stays valid.
        std::fs::create_dir_all(dir.path().join("secrets")).expect("dir");
        std::fs::write(dir.path().join("secrets/session.key"), "legacy-key\n").expect("file");
        let session = shared(&db, dir.path(), "session.key").await.expect("moved");
        assert_eq!(session, "legacy-key");
        assert_eq!(
            shared(&db, other_dir.path(), "session.key")
                .await
                .expect("shared"),
            "legacy-key"
        );
    }
);
