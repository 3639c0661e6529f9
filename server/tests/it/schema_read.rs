//! Reads a migrated database's schema into one normalised form, whichever the engine:
//! tables and their columns (type class, nullability, comparable defaults), CHECK
//! constraints (the columns they name and the literals they hold: operators are not
//! compared), unique column sets, named indexes and triggers.

use app::platform::db::{Backend, Db};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Column {
    pub class: String,
    pub not_null: bool,
    pub default: Option<String>,
}

/// A CHECK constraint as (the table's columns it names, the literals it holds).
pub type Check = (BTreeSet<String>, Vec<String>);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: BTreeMap<String, Column>,
    pub checks: BTreeSet<Check>,
    /// Every column list that must be unique (primary key, unique constraints and indexes).
    pub unique: BTreeSet<Vec<String>>,
}

#[derive(Debug, Default)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
    /// Named indexes made by `create index`: (table, unique, columns, partial).
    pub indexes: BTreeMap<String, (String, bool, Vec<String>, bool)>,
    pub triggers: BTreeSet<String>,
}

fn class(declared: &str) -> String {
    let t = declared.to_lowercase();
    let class = if t.contains("int") {
        "integer"
    } else if t.contains("char") || t.contains("text") || t.contains("clob") {
        "text"
    } else if t.contains("blob") || t.contains("bytea") {
        "blob"
    } else if t.contains("real") || t.contains("floa") || t.contains("doub") {
        "real"
    } else if t.contains("bool") {
        "boolean"
    } else {
        return t;
    };
    class.to_owned()
}

/// A default as both engines can agree on it (`'open'::text` → `'open'`); `None` for an
/// expression (a function call).
fn default(raw: Option<String>) -> Option<String> {
    let mut d = raw?.trim().to_lowercase();
    while d.starts_with('(') && d.ends_with(')') {
        d = d[1..d.len() - 1].trim().to_owned();
    }
    if let Some(at) = d.find("::") {
        d.truncate(at);
    }
    (!d.contains('(') && d != "null").then_some(d)
}

/// The columns and literals of a CHECK expression.
pub fn check_of(expr: &str, columns: &BTreeSet<String>) -> Check {
    let mut names = BTreeSet::new();
    let mut literals = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' && chars.get(i + 1) == Some(&'\'') {
                    s.push('\'');
                    i += 2;
                } else if chars[i] == '\'' {
                    break;
                } else {
                    s.push(chars[i]);
                    i += 1;
                }
            }
            literals.push(format!("'{s}'"));
        } else if c.is_ascii_alphabetic() || c == '_' || c == '"' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || "_\"".contains(chars[i]))
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().filter(|c| **c != '"').collect();
            let word = word.to_lowercase();
            if columns.contains(&word) {
                names.insert(word);
            }
            continue;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            literals.push(chars[start..i].iter().collect());
            continue;
        }
        i += 1;
    }
    literals.sort();
    (names, literals)
}

/// The `check (…)` clauses of a SQLite `create table` statement.
fn sqlite_checks(sql: &str) -> Vec<String> {
    let code: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let lower = code.to_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("check") {
        let start = from + at;
        from = start + 5;
        let before = lower[..start].chars().next_back();
        let rest = lower[from..].trim_start();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') || !rest.starts_with('(') {
            continue;
        }
        let open = from + (lower[from..].len() - rest.len());
        let mut depth = 0;
        for (i, c) in code[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        out.push(code[open + 1..open + i].to_owned());
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The column list of a `pg_get_indexdef` text: `… USING btree (a, "position")` → a, position.
fn index_columns(def: &str) -> Vec<String> {
    let Some(using) = def.find(" USING ") else {
        return Vec::new();
    };
    let rest = &def[using..];
    let (Some(open), Some(close)) = (rest.find('('), rest.find(')')) else {
        return Vec::new();
    };
    rest[open + 1..close]
        .split(',')
        .map(|c| {
            c.split_whitespace()
                .next()
                .unwrap_or_default()
                .replace('"', "")
        })
        .collect()
}

type Rows<T> = Vec<T>;

async fn rows<T>(db: &Db, sql: &str, bind: Option<&str>) -> Rows<T>
where
    T: for<'r> sqlx::FromRow<'r, app::platform::db::AnyRow> + Send + Unpin,
{
    let query = sqlx::query_as::<_, T>(sql);
    let query = match bind {
        Some(value) => query.bind(value.to_owned()),
        None => query,
    };
    query
        .fetch_all(db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub async fn read(db: &Db) -> Schema {
    match db.backend() {
        Backend::Sqlite => read_sqlite(db).await,
        Backend::Postgres => read_postgres(db).await,
    }
}

async fn read_sqlite(db: &Db) -> Schema {
    let mut schema = Schema::default();
    let tables: Rows<(String, String)> = rows(
        db,
        "select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%'",
        None,
    )
    .await;
    for (name, sql) in tables {
        let mut table = Table::default();
        let columns: Rows<(String, String, i64, Option<String>, i64)> = rows(
            db,
            "select name, type, \"notnull\", dflt_value, pk from pragma_table_info($1) order by cid",
            Some(&name),
        )
        .await;
        let mut pk: Vec<(i64, String)> = Vec::new();
        for (column, declared, not_null, dflt, key) in columns {
            if key > 0 {
                pk.push((key, column.clone()));
            }
            let column_default = default(dflt);
            table.columns.insert(
                column,
                Column {
                    class: class(&declared),
                    not_null: not_null == 1 || key > 0,
                    default: column_default,
                },
            );
        }
        pk.sort();
        if !pk.is_empty() {
            table
                .unique
                .insert(pk.into_iter().map(|(_, c)| c).collect());
        }
        let names: BTreeSet<String> = table.columns.keys().cloned().collect();
        table.checks = sqlite_checks(&sql)
            .iter()
            .map(|c| check_of(c, &names))
            .collect();
        let indexes: Rows<(String, i64, String, i64)> = rows(
            db,
            "select name, \"unique\", origin, partial from pragma_index_list($1)",
            Some(&name),
        )
        .await;
        for (index, unique, origin, partial) in indexes {
            let columns: Rows<(String,)> = rows(
                db,
                "select name from pragma_index_info($1) order by seqno",
                Some(&index),
            )
            .await;
            let columns: Vec<String> = columns.into_iter().map(|(c,)| c).collect();
            if unique == 1 && partial == 0 {
                table.unique.insert(columns.clone());
            }
            if origin == "c" {
                schema
                    .indexes
                    .insert(index, (name.clone(), unique == 1, columns, partial == 1));
            }
        }
        schema.tables.insert(name, table);
    }
    let triggers: Rows<(String,)> = rows(
        db,
        "select name from sqlite_master where type = 'trigger'",
        None,
    )
    .await;
    schema.triggers = triggers.into_iter().map(|(t,)| t).collect();
    schema
}

async fn read_postgres(db: &Db) -> Schema {
    let mut schema = Schema::default();
    let columns: Rows<(String, String, String, String, Option<String>)> = rows(
        db,
        "select table_name::text, column_name::text, data_type::text, is_nullable::text, \
           column_default::text from information_schema.columns where table_schema = 'public'",
        None,
    )
    .await;
    for (table, column, data_type, nullable, dflt) in columns {
        schema.tables.entry(table).or_default().columns.insert(
            column,
            Column {
                class: class(&data_type),
                not_null: nullable == "NO",
                default: default(dflt),
            },
        );
    }
    let checks: Rows<(String, String)> = rows(
        db,
        "select c.conrelid::regclass::text, pg_get_constraintdef(c.oid)::text from pg_constraint c \
         join pg_namespace n on n.oid = c.connamespace where n.nspname = 'public' and c.contype = 'c'",
        None,
    )
    .await;
    for (table, def) in checks {
        let table = schema.tables.entry(table).or_default();
        let names: BTreeSet<String> = table.columns.keys().cloned().collect();
        let expr = def.strip_prefix("CHECK ").unwrap_or(&def);
        table.checks.insert(check_of(expr, &names));
    }
    let indexes: Rows<(String, String, bool, bool, bool, String)> = rows(
        db,
        "select t.relname::text, i.relname::text, ix.indisunique, \
           exists (select 1 from pg_constraint c where c.conindid = ix.indexrelid), \
           ix.indpred is not null, pg_get_indexdef(ix.indexrelid)::text \
         from pg_index ix join pg_class i on i.oid = ix.indexrelid \
         join pg_class t on t.oid = ix.indrelid join pg_namespace n on n.oid = t.relnamespace \
         where n.nspname = 'public'",
        None,
    )
    .await;
    for (table, index, unique, backs_constraint, partial, def) in indexes {
        let columns = index_columns(&def);
        if unique && !partial {
            schema
                .tables
                .entry(table.clone())
                .or_default()
                .unique
                .insert(columns.clone());
        }
        if !backs_constraint {
            schema
                .indexes
                .insert(index, (table, unique, columns, partial));
        }
    }
    let triggers: Rows<(String,)> = rows(
        db,
        "select t.tgname::text from pg_trigger t join pg_class c on c.oid = t.tgrelid \
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and not t.tgisinternal",
        None,
    )
    .await;
    schema.triggers = triggers.into_iter().map(|(t,)| t).collect();
    schema
}
