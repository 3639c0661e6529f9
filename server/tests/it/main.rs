//! Integration tests: the real server over HTTP, on SQLite and PostgreSQL.

mod accounts;
mod accounts_helpers;
mod addresses;
mod api_auth;
mod binary;
mod buying;
mod buying_helpers;
mod buying_races;
mod catalog;
mod catalog_helpers;
mod catalog_staff;
mod crash;
mod database;
mod errors;
mod health;
mod helpers;
mod mail;
mod orders_staff;
mod pages;
mod security;
mod sessions;
mod staff;
mod storage;
mod stripe;
