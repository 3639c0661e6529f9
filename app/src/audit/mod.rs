//! The audit log: one append-only row for every staff action (who, when, from which
//! address, under which request id, what, on which record, and the fields before and
//! after), written in the transaction of the change ([`log::record`]). The database
//! refuses to update a row or delete one younger than 30 days; a retention setting
//! purges older rows ([`read::purge`], run daily). Admin → Audit lists and exports them.

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod log;
#[cfg(feature = "ssr")]
pub mod read;
