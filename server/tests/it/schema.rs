//! One schema on both engines: `migrations/sqlite/` and `migrations/postgres/` are kept by
//! hand, so a test migrates a fresh database of each and compares what they became. The
//! differences that are meant (full-text search, and a trigger PostgreSQL writes as one
//! function) are listed here by name; anything else that differs fails. The CHECK lists
//! of the status columns are compared with the Rust enums too.

use crate::helpers::{service_url, Backend, TestDb};
use crate::schema_read::{check_of, read, Schema};
use app::platform::db::Db;
use std::collections::BTreeSet;

/// sqlx's own bookkeeping, made by sqlx in each engine's types.
const SQLX_TABLE: &str = "_sqlx_migrations";
/// SQLite's FTS5 table and the shadow tables it keeps.
const SQLITE_ONLY_TABLES: &[&str] = &[
    "product_search",
    "product_search_config",
    "product_search_content",
    "product_search_data",
    "product_search_docsize",
    "product_search_idx",
];
/// PostgreSQL's search: a `tsvector` column and its GIN index.
const POSTGRES_ONLY_COLUMNS: &[(&str, &str)] = &[("products", "search")];
const POSTGRES_ONLY_INDEXES: &[&str] = &["products_search"];
/// The append-only ledger and audit log: two SQLite triggers each, one PostgreSQL
/// trigger (and function) each.
const SQLITE_ONLY_TRIGGERS: &[&str] = &[
    "inventory_ledger_no_update",
    "inventory_ledger_no_delete",
    "audit_log_no_update",
    "audit_log_no_early_delete",
];
const POSTGRES_ONLY_TRIGGERS: &[&str] = &["inventory_ledger_no_change", "audit_log_no_change"];

async fn migrated(test_db: &TestDb) -> Schema {
    let db = Db::connect(&test_db.url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let schema = read(&db).await;
    db.close().await;
    schema
}

fn without_meant_differences(mut sqlite: Schema, mut postgres: Schema) -> (Schema, Schema) {
    sqlite.tables.remove(SQLX_TABLE);
    postgres.tables.remove(SQLX_TABLE);
    for table in SQLITE_ONLY_TABLES {
        assert!(sqlite.tables.remove(*table).is_some(), "SQLite has {table}");
    }
    for (table, column) in POSTGRES_ONLY_COLUMNS {
        let t = postgres.tables.get_mut(*table).expect("table");
        assert!(
            t.columns.remove(*column).is_some(),
            "PostgreSQL has {table}.{column}"
        );
    }
    for index in POSTGRES_ONLY_INDEXES {
        assert!(
            postgres.indexes.remove(*index).is_some(),
            "PostgreSQL has {index}"
        );
    }
    for trigger in SQLITE_ONLY_TRIGGERS {
        assert!(sqlite.triggers.remove(*trigger), "SQLite has {trigger}");
    }
    for trigger in POSTGRES_ONLY_TRIGGERS {
        assert!(
            postgres.triggers.remove(*trigger),
            "PostgreSQL has {trigger}"
        );
    }
    (sqlite, postgres)
}

/// The CHECK of `table.column` that lists its values, as the literals it allows.
fn allowed(schema: &Schema, table: &str, column: &str) -> BTreeSet<String> {
    let t = &schema.tables[table];
    let only: BTreeSet<String> = [column.to_owned()].into();
    let found: Vec<_> = t
        .checks
        .iter()
        .filter(|(names, _)| *names == only)
        .collect();
    assert_eq!(found.len(), 1, "one CHECK on {table}.{column}: {found:?}");
    found[0].1.iter().cloned().collect()
}

fn quoted(values: impl IntoIterator<Item = &'static str>) -> BTreeSet<String> {
    values.into_iter().map(|v| format!("'{v}'")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_engines_migrate_to_the_same_schema_and_the_enums_match_their_checks() {
    let sqlite_db = TestDb::fresh(Backend::Sqlite).await;
    let sqlite = migrated(&sqlite_db).await;
    assert!(
        sqlite.tables.len() > 20,
        "the schema was read: {:?}",
        sqlite.tables.keys()
    );

    let statuses = [
        (
            "payments",
            "status",
            quoted(app::payments::AttemptStatus::ALL.map(|s| s.as_str())),
        ),
        (
            "orders",
            "status",
            quoted(app::orders::OrderStatus::ALL.map(|s| s.as_str())),
        ),
        (
            "orders",
            "payment_status",
            quoted(app::orders::PaymentStatus::ALL.map(|s| s.as_str())),
        ),
        (
            "returns",
            "status",
            quoted(app::returns::model::ReturnStatus::ALL.map(|s| s.as_str())),
        ),
    ];
    for (table, column, values) in &statuses {
        assert_eq!(
            &allowed(&sqlite, table, column),
            values,
            "SQLite {table}.{column}"
        );
    }

    if service_url("TEST_DATABASE_URL").is_none() {
        return;
    }
    let postgres_db = TestDb::fresh(Backend::Postgres).await;
    let postgres = migrated(&postgres_db).await;
    for (table, column, values) in &statuses {
        assert_eq!(
            &allowed(&postgres, table, column),
            values,
            "PostgreSQL {table}.{column}"
        );
    }
    let (sqlite, postgres) = without_meant_differences(sqlite, postgres);

    let differences = differences(&sqlite, &postgres);
    assert!(
        differences.is_empty(),
        "the engines' schemas differ (SQLite, then PostgreSQL):\n{}",
        differences.join("\n")
    );
}

/// Every difference, named, so one run shows them all.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names = |s: &Schema| s.tables.keys().cloned().collect::<BTreeSet<_>>();
    for name in names(sqlite).symmetric_difference(&names(postgres)) {
        out.push(format!("table {name} is in one engine only"));
    }
    for (name, table) in &sqlite.tables {
        let Some(other) = postgres.tables.get(name) else {
            continue;
        };
        let columns = table
            .columns
            .keys()
            .chain(other.columns.keys())
            .collect::<BTreeSet<_>>();
        for column in columns {
            let (a, b) = (table.columns.get(column), other.columns.get(column));
            if a != b {
                out.push(format!("{name}.{column}: {a:?} / {b:?}"));
            }
        }
        for check in table.checks.symmetric_difference(&other.checks) {
            let side = if table.checks.contains(check) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            out.push(format!("{name}: CHECK {check:?} only in {side}"));
        }
        for unique in table.unique.symmetric_difference(&other.unique) {
            let side = if table.unique.contains(unique) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            out.push(format!("{name}: unique {unique:?} only in {side}"));
        }
    }
    let indexes = sqlite
        .indexes
        .keys()
        .chain(postgres.indexes.keys())
        .collect::<BTreeSet<_>>();
    for index in indexes {
        let (a, b) = (sqlite.indexes.get(index), postgres.indexes.get(index));
        if a != b {
            out.push(format!("index {index}: {a:?} / {b:?}"));
        }
    }
    for trigger in sqlite.triggers.symmetric_difference(&postgres.triggers) {
        out.push(format!("trigger {trigger} is in one engine only"));
    }
    out
}

#[test]
fn a_check_is_the_same_however_the_engine_writes_it() {
    let columns: BTreeSet<String> = ["status", "quantity", "reserved", "stock"]
        .map(String::from)
        .into();
    assert_eq!(
        check_of("status in ('pending', 'succeeded')", &columns),
        check_of(
            "((status = ANY (ARRAY['pending'::text, 'succeeded'::text])))",
            &columns
        )
    );
    assert_eq!(
        check_of("quantity between 1 and 99", &columns),
        check_of("(((quantity >= 1) AND (quantity <= 99)))", &columns)
    );
    assert_ne!(
        check_of("status in ('pending', 'succeeded')", &columns),
        check_of("status in ('pending', 'succeeded', 'refunded')", &columns),
        "a value added on one engine only is a difference"
    );
    assert_ne!(
        check_of("reserved >= 0 and reserved <= stock", &columns),
        check_of("reserved >= 0", &columns)
    );
}
