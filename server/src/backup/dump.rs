//! `oxcart backup FILE`: every table read in one snapshot while the shop keeps serving
//! (SQLite: one read transaction, which WAL keeps consistent beside the writer;
//! PostgreSQL: `repeatable read`), then the uploaded files, then the manifest.

use super::archive::{self, FileEntry, Manifest, TableEntry, Writer};
use super::schema::{self, Table};
use app::platform::db::{AnyRow, Db};
use app::platform::storage::Storage;
use futures_util::TryStreamExt as _;
use serde_json::Value;
use sqlx::Row as _;
use std::path::Path;

/// What was written, for the command's report.
#[derive(Debug)]
pub struct Report {
    pub manifest: Manifest,
    pub archive_bytes: u64,
    /// Files the database named that were gone by the time they were copied.
    pub vanished: usize,
}

pub async fn backup(db: &Db, storage: &Storage, target: &Path) -> anyhow::Result<Report> {
    let mut writer = Writer::create(target)?;
    match write(db, storage, &mut writer).await {
        Ok((manifest, vanished)) => {
            let archive_bytes = writer.finish(&manifest)?;
            Ok(Report {
                manifest,
                archive_bytes,
                vanished,
            })
        }
        Err(err) => {
            writer.abandon();
            Err(err)
        }
    }
}

async fn write(
    db: &Db,
    storage: &Storage,
    writer: &mut Writer,
) -> anyhow::Result<(Manifest, usize)> {
    let backend = db.backend();
    let begin = match backend {
        app::platform::db::Backend::Sqlite => "begin",
        app::platform::db::Backend::Postgres => "begin isolation level repeatable read read only",
    };
    let mut tx = db.pool().begin_with(begin).await?;
    // The first read fixes the snapshot; every later read sees the same moment.
    let (schema_version,): (i64,) =
        sqlx::query_as("select coalesce(max(version), 0) from _sqlx_migrations where success")
            .fetch_one(&mut *tx)
            .await?;
    let created_at = app::platform::db::now_ms();
    let (tables, left_out) = schema::read(&mut tx, backend).await?;
    let mut entries = Vec::with_capacity(tables.len());
    for (index, table) in tables.iter().enumerate() {
        let (bytes, rows) = table_lines(&mut tx, table).await?;
        let sha256 = writer.add(&archive::table_path(index, &table.name), &bytes)?;
        entries.push(TableEntry {
            name: table.name.clone(),
            columns: table.columns.iter().map(|c| c.name.clone()).collect(),
            rows,
            sha256,
        });
    }
    tx.commit().await?;

    let mut media = Vec::new();
    let mut vanished = 0;
    for (name, _) in storage.list().await? {
        // A file deleted since it was listed is no loss: its row is gone too.
        let Some(bytes) = storage.get(&name).await? else {
            vanished += 1;
            continue;
        };
        let sha256 = writer.add(&archive::media_path(&name), &bytes)?;
        media.push(FileEntry {
            name,
            bytes: bytes.len() as u64,
            sha256,
        });
    }
    let manifest = Manifest {
        format: archive::FORMAT.to_owned(),
        oxcart_version: env!("CARGO_PKG_VERSION").to_owned(),
        engine: match backend {
            app::platform::db::Backend::Sqlite => "sqlite",
            app::platform::db::Backend::Postgres => "postgres",
        }
        .to_owned(),
        schema_version,
        created_at,
        tables: entries,
        media,
        left_out,
    };
    Ok((manifest, vanished))
}

/// The table as JSON lines: its column names, then its rows (a row that refers to
/// another row of the same table after that row).
async fn table_lines(
    conn: &mut app::platform::db::AnyConnection,
    table: &Table,
) -> anyhow::Result<(Vec<u8>, u64)> {
    let sql = schema::select_all(table);
    let mut rows = Vec::new();
    let mut stream = sqlx::query(&sql).fetch(&mut *conn);
    while let Some(row) = stream.try_next().await? {
        rows.push(values(&row, table)?);
    }
    drop(stream);
    if let Some((column, target)) = &table.parent {
        rows = parents_first(rows, table, column, target);
    }
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let mut bytes = serde_json::to_vec(&names)?;
    bytes.push(b'\n');
    for row in &rows {
        serde_json::to_writer(&mut bytes, row)?;
        bytes.push(b'\n');
    }
    Ok((bytes, rows.len() as u64))
}

fn values(row: &AnyRow, table: &Table) -> anyhow::Result<Vec<Value>> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            Ok(if column.integer {
                row.try_get::<Option<i64>, _>(i)?
                    .map_or(Value::Null, Value::from)
            } else {
                row.try_get::<Option<String>, _>(i)?
                    .map_or(Value::Null, Value::from)
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", table.name))
}

/// Orders rows so that each comes after the row its `column` points at (`target`).
fn parents_first(
    rows: Vec<Vec<Value>>,
    table: &Table,
    column: &str,
    target: &str,
) -> Vec<Vec<Value>> {
    let at = |name: &str| table.columns.iter().position(|c| c.name == name);
    let (Some(child), Some(key)) = (at(column), at(target)) else {
        return rows;
    };
    let mut left = rows;
    let mut placed: std::collections::HashSet<String> = Default::default();
    let mut ordered = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let before = left.len();
        let (ready, rest): (Vec<_>, Vec<_>) = left.into_iter().partition(|row| {
            row[child].is_null()
                || row[child] == row[key]
                || placed.contains(&row[child].to_string())
        });
        placed.extend(ready.iter().map(|row| row[key].to_string()));
        ordered.extend(ready);
        left = rest;
        if left.len() == before {
            // Rows pointing at rows that are not there: the database would refuse them
            // too; keep them, last, for the restore to report.
            ordered.append(&mut left);
        }
    }
    ordered
}
