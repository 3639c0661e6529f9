//! Integration tests: the real server over HTTP, on SQLite and PostgreSQL.

mod binary;
mod database;
mod errors;
mod health;
mod helpers;
mod pages;
mod sessions;
