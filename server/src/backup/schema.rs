//! What a backup reads of the database's own catalogue: the tables, their columns (the
//! schema uses only `bigint` and `text`, ADR 0001, so a row is JSON numbers, strings and
//! nulls on either engine), and the foreign keys, which give the order a restore inserts
//! tables in and, for a table that refers to itself (a category's parent), its rows in.

use app::platform::db::{AnyConnection, Backend};
use sqlx::Row as _;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// `(column, referenced column)` of a foreign key to this same table.
    pub parent: Option<(String, String)>,
}

#[derive(Clone, Debug)]
pub struct Column {
    pub name: String,
    pub integer: bool,
}

/// The tables and columns of the database, in insert order, and what was left out
/// (full-text search data, rebuilt by a restore).
pub async fn read(
    conn: &mut AnyConnection,
    backend: Backend,
) -> anyhow::Result<(Vec<Table>, Vec<String>)> {
    let mut left_out = Vec::new();
    let mut tables = BTreeMap::new();
    for name in table_names(conn, backend, &mut left_out).await? {
        let mut columns = Vec::new();
        for (column, kind) in columns_of(conn, backend, &name).await? {
            let kind = kind.to_ascii_lowercase();
            match kind.as_str() {
                "bigint" | "integer" | "int" | "int8" => columns.push(Column {
                    name: column,
                    integer: true,
                }),
                "text" => columns.push(Column {
                    name: column,
                    integer: false,
                }),
                _ => left_out.push(format!("{name}.{column} ({kind}, rebuilt on restore)")),
            }
        }
        tables.insert(
            name.clone(),
            Table {
                name,
                columns,
                parent: None,
            },
        );
    }
    let mut refers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (table, column, target, target_column) in foreign_keys(conn, backend, &tables).await? {
        if table == target {
            if let Some(t) = tables.get_mut(&table) {
                t.parent = Some((column, target_column));
            }
        } else {
            refers.entry(table).or_default().insert(target);
        }
    }
    Ok((in_order(tables, &refers)?, left_out))
}

/// Kahn's order: a table after every table it refers to; ties by name, so two databases
/// of one schema give one order.
fn in_order(
    mut tables: BTreeMap<String, Table>,
    refers: &BTreeMap<String, BTreeSet<String>>,
) -> anyhow::Result<Vec<Table>> {
    let mut ordered = Vec::with_capacity(tables.len());
    while !tables.is_empty() {
        // Ready: every table it refers to is placed (or is not backed up at all).
        let ready: Vec<String> = tables
            .keys()
            .filter(|name| {
                refers
                    .get(*name)
                    .is_none_or(|targets| targets.iter().all(|t| !tables.contains_key(t)))
            })
            .cloned()
            .collect();
        anyhow::ensure!(
            !ready.is_empty(),
            "the foreign keys between {:?} form a cycle; a backup cannot order them",
            tables.keys().collect::<Vec<_>>()
        );
        for name in ready {
            ordered.extend(tables.remove(&name));
        }
    }
    Ok(ordered)
}

fn safe(name: &str) -> anyhow::Result<&str> {
    anyhow::ensure!(
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "unexpected table or column name {name:?}"
    );
    Ok(name)
}

async fn table_names(
    conn: &mut AnyConnection,
    backend: Backend,
    left_out: &mut Vec<String>,
) -> anyhow::Result<Vec<String>> {
    let sql = match backend {
        Backend::Sqlite => {
            "select name, coalesce(sql, '') from sqlite_master where type = 'table' \
             and name not like 'sqlite%' and name <> '_sqlx_migrations' order by name"
        }
        Backend::Postgres => {
            "select table_name::text, '' from information_schema.tables \
             where table_schema = current_schema() and table_type = 'BASE TABLE' \
             and table_name <> '_sqlx_migrations' order by table_name"
        }
    };
    let rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(&mut *conn).await?;
    // SQLite's full-text tables (and the shadow tables each keeps) are derived data.
    let virtual_tables: Vec<String> = rows
        .iter()
        .filter(|(_, sql)| sql.to_ascii_lowercase().starts_with("create virtual table"))
        .map(|(name, _)| name.clone())
        .collect();
    for name in &virtual_tables {
        left_out.push(format!("{name} (full-text index, rebuilt on restore)"));
    }
    let mut names = Vec::new();
    for (name, _) in rows {
        let derived = virtual_tables
            .iter()
            .any(|v| name == *v || name.starts_with(&format!("{v}_")));
        if !derived {
            names.push(safe(&name)?.to_owned());
        }
    }
    Ok(names)
}

async fn columns_of(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
) -> anyhow::Result<Vec<(String, String)>> {
    let sql = match backend {
        Backend::Sqlite => "select name, type from pragma_table_info($1) order by cid",
        Backend::Postgres => {
            "select column_name::text, data_type::text from information_schema.columns \
             where table_schema = current_schema() and table_name = $1 order by ordinal_position"
        }
    };
    let columns: Vec<(String, String)> = sqlx::query_as(sql)
        .bind(table)
        .fetch_all(&mut *conn)
        .await?;
    for (name, _) in &columns {
        safe(name)?;
    }
    Ok(columns)
}

/// `(table, column, referenced table, referenced column)` for every foreign key.
async fn foreign_keys(
    conn: &mut AnyConnection,
    backend: Backend,
    tables: &BTreeMap<String, Table>,
) -> anyhow::Result<Vec<(String, String, String, String)>> {
    match backend {
        Backend::Postgres => Ok(sqlx::query_as(
            "select kcu.table_name::text, kcu.column_name::text, \
                    ccu.table_name::text, ccu.column_name::text \
             from information_schema.table_constraints tc \
             join information_schema.key_column_usage kcu \
               on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema \
             join information_schema.constraint_column_usage ccu \
               on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema \
             where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()",
        )
        .fetch_all(&mut *conn)
        .await?),
        Backend::Sqlite => {
            let mut keys = Vec::new();
            for table in tables.keys() {
                let rows = sqlx::query(
                    "select \"table\", \"from\", coalesce(\"to\", '') from pragma_foreign_key_list($1)",
                )
                .bind(table)
                .fetch_all(&mut *conn)
                .await?;
                for row in rows {
                    let (target, column, mut to): (String, String, String) =
                        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                    if to.is_empty() {
                        to = "id".to_owned();
                    }
                    keys.push((table.clone(), column, target, to));
                }
            }
            Ok(keys)
        }
    }
}

/// `select "a", "b" from "t"`, for names read from the catalogue.
pub fn select_all(table: &Table) -> String {
    let columns = table
        .columns
        .iter()
        .map(|c| format!("\"{}\"", c.name))
        .collect::<Vec<_>>()
        .join(", ");
    format!("select {columns} from \"{}\"", table.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> Table {
        Table {
            name: name.to_owned(),
            columns: Vec::new(),
            parent: None,
        }
    }

    #[test]
    fn a_table_comes_after_the_tables_it_refers_to() {
        let tables = ["order_lines", "orders", "products", "variants"]
            .into_iter()
            .map(|n| (n.to_owned(), table(n)))
            .collect();
        let refers = [
            ("order_lines", vec!["orders", "variants"]),
            ("variants", vec!["products"]),
        ]
        .into_iter()
        .map(|(t, to)| (t.to_owned(), to.into_iter().map(str::to_owned).collect()))
        .collect();
        let order: Vec<String> = in_order(tables, &refers)
            .expect("no cycle")
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(order, ["orders", "products", "variants", "order_lines"]);
    }

    #[test]
    fn a_cycle_is_refused_with_the_tables_named() {
        let tables = ["a", "b"]
            .into_iter()
            .map(|n| (n.to_owned(), table(n)))
            .collect();
        let refers = [("a", "b"), ("b", "a")]
            .into_iter()
            .map(|(t, to)| (t.to_owned(), BTreeSet::from([to.to_owned()])))
            .collect();
        let err = in_order(tables, &refers).expect_err("a cycle").to_string();
        assert!(err.contains("cycle") && err.contains("\"a\""), "{err}");
    }

    #[test]
    fn names_outside_lowercase_identifiers_are_refused() {
        assert!(safe("order_lines2").is_ok());
        assert!(safe("x\"; drop table y").is_err());
        assert!(safe("").is_err());
    }
}
