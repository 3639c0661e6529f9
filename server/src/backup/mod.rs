//! Backups that restore (`oxcart backup FILE`, `oxcart restore FILE`): one archive with
//! every table's rows, the uploaded files and a manifest of checksums, readable by either
//! engine — so a SQLite shop that outgrows one machine restores into PostgreSQL.
//! docs/operations.md has the schedule, the retention and the restore drill.

pub mod archive;
pub mod command;
mod dump;
mod load;
mod schema;

pub use archive::Manifest;
pub use dump::{backup, Report};
pub use load::restore;

/// `12.3 MB`, `840 KB`, `12 B`: sizes as the commands report them.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{} KB", b / 1_000),
        b => format!("{b} B"),
    }
}
