//! Queries assembled at run time (filters, bulk updates): the values to bind, in order.

use super::{Any, AnyArguments};
use sqlx::query::{Query, QueryAs};

/// A bound value of a query assembled at run time.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Int(i64),
    Null,
}

/// A statement that takes [`Arg`]s: `sqlx::query` and `sqlx::query_as` alike.
pub trait Bind<'q>: Sized {
    fn bind_arg(self, arg: &'q Arg) -> Self;
}

impl<'q> Bind<'q> for Query<'q, Any, AnyArguments<'q>> {
    fn bind_arg(self, arg: &'q Arg) -> Self {
        match arg {
            Arg::Text(s) => self.bind(s.as_str()),
            Arg::Int(i) => self.bind(*i),
            Arg::Null => self.bind(None::<String>),
        }
    }
}

impl<'q, O> Bind<'q> for QueryAs<'q, Any, O, AnyArguments<'q>> {
    fn bind_arg(self, arg: &'q Arg) -> Self {
        match arg {
            Arg::Text(s) => self.bind(s.as_str()),
            Arg::Int(i) => self.bind(*i),
            Arg::Null => self.bind(None::<String>),
        }
    }
}

/// Binds `args` in order (`$1`, `$2`, …).
pub fn bind<'q, B: Bind<'q>>(query: B, args: &'q [Arg]) -> B {
    args.iter().fold(query, B::bind_arg)
}

/// Collects the parameters of a statement and hands out their `$n` names.
#[derive(Default)]
pub struct Params(pub Vec<Arg>);

impl Params {
    pub fn text(&mut self, s: impl Into<String>) -> String {
        self.0.push(Arg::Text(s.into()));
        format!("${}", self.0.len())
    }

    pub fn int(&mut self, i: i64) -> String {
        self.0.push(Arg::Int(i));
        format!("${}", self.0.len())
    }

    pub fn next_index(&self) -> usize {
        self.0.len() + 1
    }
}

/// Inserts `rows` (each one value per column) into `table`, a few hundred rows per
/// statement: bulk writes (rebuilds, seeds) without a round trip per row.
pub async fn insert_many(
    conn: &mut super::AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Arg>>,
) -> Result<(), sqlx::Error> {
    let per_statement = (4_000 / columns.len().max(1)).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut args: Vec<Arg> = Vec::new();
        let mut tuples = Vec::new();
        for row in rows.by_ref().take(per_statement) {
            let names: Vec<String> = row
                .into_iter()
                .map(|arg| {
                    args.push(arg);
                    format!("${}", args.len())
                })
                .collect();
            tuples.push(format!("({})", names.join(", ")));
        }
        let sql = format!(
            "insert into {table} ({}) values {}",
            columns.join(", "),
            tuples.join(", ")
        );
        bind(sqlx::query(&sql), &args).execute(&mut *conn).await?;
    }
    Ok(())
}
