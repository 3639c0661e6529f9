//! CSV cells that spreadsheets open safely. A cell starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return is read as a formula by Excel, LibreOffice and Google Sheets
//! (CSV injection: `=HYPERLINK(…)` in a product name runs when staff open the export).
//! [`escape`] prefixes such a cell with `'`, which spreadsheets show as text and hide;
//! [`unescape`] removes exactly that prefix again, so an export imports back unchanged.

const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as written to an exported file.
pub fn escape(cell: &str) -> String {
    match cell.chars().next() {
        Some(c) if TRIGGERS.contains(&c) => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// The cell as read from an imported file (the inverse of [`escape`]).
pub fn unescape(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(TRIGGERS) => rest.to_owned(),
        _ => cell.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_come_back_unchanged() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "- a list item",
        ] {
            let escaped = escape(cell);
            assert!(escaped.starts_with('\''), "{cell}");
            assert_eq!(unescape(&escaped), cell);
        }
        for cell in ["Linen Shirt", "12.50", "", "'quoted", "it's"] {
            assert_eq!(escape(cell), cell);
            assert_eq!(unescape(cell), cell);
        }
    }
}
