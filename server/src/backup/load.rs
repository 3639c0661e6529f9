//! `oxcart restore FILE`: checks the whole archive first (checksums, format, schema), then
//! refuses a database or media store that holds anything, then loads every table in one
//! transaction into the schema the backup was taken from, stores the files, and only then
//! commits. A failure anywhere leaves the target as empty as it was.

use super::archive::{self, Manifest, TableEntry};
use super::schema::{self, Table};
use app::platform::db::{AnyConnection, Db};
use app::platform::storage::Storage;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// Statement parameters per insert: well under both engines' limits.
const PARAMETERS: usize = 1000;

pub async fn restore(db: &Db, storage: &Storage, path: &Path) -> anyhow::Result<Manifest> {
    let manifest = {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || archive::verify(&path)).await??
    };
    let known = db.latest_schema();
    anyhow::ensure!(
        manifest.schema_version <= known,
        "{} was made by a newer Oxcart ({}, schema {}); this one knows schema {known}: \
         restore it with that version or a newer one",
        path.display(),
        manifest.oxcart_version,
        manifest.schema_version
    );
    let migrated = ensure_empty(db).await?;
    let files = storage.list().await?;
    anyhow::ensure!(
        files.is_empty(),
        "the media store ({storage:?}) already holds {} files: restore into an empty one",
        files.len()
    );
    if !migrated {
        db.migrate_to(manifest.schema_version).await?;
    }
    let mut stored = Vec::new();
    let loaded = load(db, storage, path, &manifest, &mut stored).await;
    if let Err(err) = loaded {
        for name in &stored {
            let _ = storage.delete(name).await;
        }
        return Err(err);
    }
    db.migrate().await?;
    Ok(manifest)
}

/// Refuses a database with any row in it; says whether its schema is already there.
async fn ensure_empty(db: &Db) -> anyhow::Result<bool> {
    let backend = db.backend();
    let mut conn = db.pool().acquire().await?;
    let sql = match backend {
        app::platform::db::Backend::Sqlite => {
            "select count(*) from sqlite_master where name = '_sqlx_migrations'"
        }
        app::platform::db::Backend::Postgres => {
            "select count(*) from information_schema.tables \
             where table_schema = current_schema() and table_name = '_sqlx_migrations'"
        }
    };
    let (migrated,): (i64,) = sqlx::query_as(sql).fetch_one(&mut *conn).await?;
    if migrated == 0 {
        return Ok(false);
    }
    let (tables, _) = schema::read(&mut conn, backend).await?;
    let seeded = db.seeded_tables();
    let mut holding = Vec::new();
    for table in tables.iter().filter(|t| !seeded.contains(&t.name)) {
        let (rows,): (i64,) = sqlx::query_as(&format!("select count(*) from \"{}\"", table.name))
            .fetch_one(&mut *conn)
            .await?;
        if rows > 0 {
            holding.push(format!("{}: {rows}", table.name));
        }
    }
    anyhow::ensure!(
        holding.is_empty(),
        "the {backend} database is not empty ({}{}): restore into a new, empty database",
        holding
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        if holding.len() > 3 { ", …" } else { "" }
    );
    Ok(true)
}

async fn load(
    db: &Db,
    storage: &Storage,
    path: &Path,
    manifest: &Manifest,
    stored: &mut Vec<String>,
) -> anyhow::Result<()> {
    let (send, mut entries) = tokio::sync::mpsc::channel::<(String, Vec<u8>)>(2);
    let reader = {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || {
            archive::read_each(&path, |name, bytes| {
                send.blocking_send((name, bytes))
                    .map_err(|_| anyhow::anyhow!("the restore stopped"))
            })
        })
    };
    let mut tx = db.begin_write().await?;
    let (targets, _) = schema::read(&mut tx, db.backend()).await?;
    let targets: HashMap<String, Table> =
        targets.into_iter().map(|t| (t.name.clone(), t)).collect();
    // The migrations' own rows (built-in roles, counters) give way to the backup's.
    for table in db.seeded_tables() {
        if targets.contains_key(&table) {
            sqlx::query(&format!("delete from \"{table}\""))
                .execute(&mut *tx)
                .await?;
        }
    }
    let paths: HashMap<String, &TableEntry> = manifest
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (archive::table_path(i, &t.name), t))
        .collect();
    while let Some((name, bytes)) = entries.recv().await {
        if let Some(entry) = paths.get(&name) {
            let target = targets.get(&entry.name).ok_or_else(|| {
                anyhow::anyhow!("the backup's table {} is not in this schema", entry.name)
            })?;
            insert(&mut tx, target, entry, &bytes).await?;
        } else if let Some(file) = name.strip_prefix("media/") {
            storage.put(file, bytes).await?;
            stored.push(file.to_owned());
        }
    }
    reader.await??;
    tx.commit().await?;
    Ok(())
}

/// Inserts one table's rows, checking them against the manifest and the target schema.
async fn insert(
    conn: &mut AnyConnection,
    target: &Table,
    entry: &TableEntry,
    bytes: &[u8],
) -> anyhow::Result<()> {
    let damaged = || anyhow::anyhow!("the backup's table {} cannot be read", entry.name);
    let mut lines = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty());
    let names: Vec<String> =
        serde_json::from_slice(lines.next().ok_or_else(damaged)?).map_err(|_| damaged())?;
    anyhow::ensure!(names == entry.columns, damaged());
    let integer: Vec<bool> = names
        .iter()
        .map(|name| {
            target
                .columns
                .iter()
                .find(|c| &c.name == name)
                .map(|c| c.integer)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "the backup's column {}.{name} is not in this schema",
                        entry.name
                    )
                })
        })
        .collect::<anyhow::Result<_>>()?;
    let rows: Vec<Vec<Value>> = lines
        .map(|line| serde_json::from_slice(line).map_err(|_| damaged()))
        .collect::<anyhow::Result<_>>()?;
    anyhow::ensure!(rows.len() as u64 == entry.rows, damaged());
    if rows.is_empty() {
        return Ok(());
    }
    let columns = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let per_statement = (PARAMETERS / names.len().max(1)).max(1);
    for batch in rows.chunks(per_statement) {
        let mut sql = format!("insert into \"{}\" ({columns}) values ", entry.name);
        let mut n = 0;
        for (r, _) in batch.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..names.len() {
                n += 1;
                sql.push_str(&format!("{}${n}", if c == 0 { "" } else { ", " }));
            }
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for row in batch {
            anyhow::ensure!(row.len() == names.len(), damaged());
            for (value, integer) in row.iter().zip(&integer) {
                query = match (value, integer) {
                    (Value::Null, true) => query.bind(None::<i64>),
                    (Value::Null, false) => query.bind(None::<String>),
                    (Value::Number(n), true) => query.bind(n.as_i64().ok_or_else(damaged)?),
                    (Value::String(s), false) => query.bind(s.clone()),
                    _ => return Err(damaged()),
                };
            }
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(|e| anyhow::anyhow!("restoring {}: {e}", entry.name))?;
    }
    Ok(())
}
