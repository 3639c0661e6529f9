//! Queries assembled at run time (filters, bulk updates): the values to bind, in order.

use super::{Any, AnyArguments};
use sqlx::query::{Query, QueryAs};

/// A bound value of a query assembled at run time.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Int(i64),
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
        }
    }
}

impl<'q, O> Bind<'q> for QueryAs<'q, Any, O, AnyArguments<'q>> {
    fn bind_arg(self, arg: &'q Arg) -> Self {
        match arg {
            Arg::Text(s) => self.bind(s.as_str()),
            Arg::Int(i) => self.bind(*i),
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
