//! A report's table: sorting by a column, the ranking chart drawn from it, and its CSV.

use super::chart::{self, Series};
use super::model::{Cell, Kind, Query, Report};
use crate::platform::error::AppError;

/// Sorts the rows by `q.sort` (a column key) and `q.dir`; reports over time keep their
/// order unless asked, rankings default to their money column, largest first.
pub fn sort(r: &mut Report, q: &Query) {
    let default = match r.key.as_str() {
        "sales" | "taxes" | "funnel" => None,
        "customers" => Some("spent"),
        "codes" => Some("orders"),
        _ => Some("revenue"),
    };
    let key = if q.sort.is_empty() {
        default
    } else {
        Some(q.sort.as_str())
    };
    let Some(index) = key.and_then(|k| r.columns.iter().position(|c| c.key == k)) else {
        return;
    };
    let descending = q.dir != "asc" && !(q.dir.is_empty() && r.columns[index].kind == Kind::Text);
    r.rows.sort_by(|a, b| {
        let order = match (&a[index], &b[index]) {
            (Cell::Int(x), Cell::Int(y)) => x.cmp(y),
            (Cell::Text(x), Cell::Text(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
            _ => std::cmp::Ordering::Equal,
        };
        if descending {
            order.reverse()
        } else {
            order
        }
    });
    r.sort = r.columns[index].key.clone();
    r.dir = if descending { "desc" } else { "asc" }.into();
}

/// A ranking chart of the first text column against the first money (else count)
/// column, in the table's order.
pub fn ranking_chart(r: &Report) -> String {
    let value = r
        .columns
        .iter()
        .position(|c| c.kind == Kind::Money)
        .or_else(|| r.columns.iter().position(|c| c.kind == Kind::Count))
        .unwrap_or(0);
    let labels: Vec<String> = r
        .rows
        .iter()
        .map(|row| match &row[0] {
            Cell::Text(t) => t.clone(),
            Cell::Int(v) => format!("{v:?}"),
        })
        .collect();
    let values: Vec<i64> = r
        .rows
        .iter()
        .map(|row| match &row[value] {
            Cell::Int(v) => v.unwrap_or(0),
            Cell::Text(_) => 0,
        })
        .collect();
    let title = format!(
        "{} by {}",
        r.title,
        r.columns
            .get(value)
            .map_or("", |c| c.label.as_str())
            .to_lowercase()
    );
    chart::ranking(&Series {
        title: &title,
        labels: &labels,
        values: &values,
        previous: None,
        kind: r.columns.get(value).map_or(Kind::Count, |c| c.kind),
        currency: &r.currency,
    })
}

/// The report's table as CSV: numbers as integers (money in minor units, percentages
/// in basis points), text formula-safe.
pub fn csv(r: &Report) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header: Vec<String> = r
        .columns
        .iter()
        .map(|c| match c.kind {
            Kind::Money => format!("{} ({} minor units)", c.label, r.currency),
            Kind::Percent => format!("{} (basis points)", c.label),
            _ => c.label.clone(),
        })
        .collect();
    w.write_record(&header).map_err(anyhow::Error::from)?;
    for row in &r.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Int(Some(v)) => v.to_string(),
                Cell::Int(None) => String::new(),
                Cell::Text(t) => crate::platform::spreadsheet::escape(t),
            })
            .collect();
        w.write_record(&cells).map_err(anyhow::Error::from)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))
}
