use crate::both_backends;
use crate::helpers::{config_for, TestDb};
use app::platform::db::Db;
use oxcart_server::Application;

both_backends!(
    migrations_applied_twice_are_harmless,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let first = Db::connect(&db.url).await.expect("connect");
        first.migrate().await.expect("first migration");
        app::settings::db::seed_defaults(&first)
            .await
            .expect("seed");
        first
            .migrate()
            .await
            .expect("second migration on the same pool");
        first.close().await;

        let second = Db::connect(&db.url).await.expect("reconnect");
        second
            .migrate()
            .await
            .expect("third migration from a new pool");
        let applied: i64 = sqlx::query_scalar("select count(*) from _sqlx_migrations")
            .fetch_one(second.pool())
            .await
            .expect("count");
        let on_disk = std::fs::read_dir(format!(
            "{}/../migrations/{}",
            env!("CARGO_MANIFEST_DIR"),
            if backend == crate::helpers::Backend::Sqlite {
                "sqlite"
            } else {
                "postgres"
            }
        ))
        .expect("migrations folder")
        .count();
        assert_eq!(usize::try_from(applied).expect("count"), on_disk);
        let store = app::settings::db::storefront(&second)
            .await
            .expect("data kept");
        assert_eq!(store.name, "Oxcart Demo Store");
    }
);

both_backends!(
    a_failed_migration_stops_start_up_with_a_clear_message,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let pool = Db::connect(&db.url).await.expect("connect");
        pool.migrate().await.expect("migrate");
        // A database touched by a newer Oxcart: a migration this build does not know.
        sqlx::query(
        "insert into _sqlx_migrations (version, description, success, checksum, execution_time) \
         values (99999999, 'from the future', true, $1, 0)",
    )
    .bind(vec![0u8; 48])
    .execute(pool.pool())
    .await
    .expect("insert");
        pool.close().await;

        let err = Application::build(&config_for(&db, &[]))
            .await
            .err()
            .expect("start-up fails");
        let message = format!("{err:#}");
        assert!(message.contains("database migration failed"), "{message}");
        assert!(message.contains("99999999"), "{message}");
    }
);

both_backends!(
    seeding_is_idempotent_and_never_overwrites,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let pool = Db::connect(&db.url).await.expect("connect");
        pool.migrate().await.expect("migrate");
        let first = app::settings::db::seed_defaults(&pool).await.expect("seed");
        assert_eq!(first.settings_written, 3);
        sqlx::query("update settings set value = $1 where key = $2")
            .bind("Corner Shop")
            .bind("store.name")
            .execute(pool.pool())
            .await
            .expect("rename the store");
        let second = app::settings::db::seed_defaults(&pool)
            .await
            .expect("seed again");
        assert_eq!(second.settings_written, 0);
        assert_eq!(
            app::settings::db::storefront(&pool)
                .await
                .expect("read")
                .name,
            "Corner Shop"
        );
    }
);
