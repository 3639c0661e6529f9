//! Row ids.

/// A new opaque id for a row (UUID v4 without dashes).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}
