//! CSV export and import of the catalog: one row per variant, rows of a product share its
//! `handle` (the slug), and the product's own columns are read from its first row.
//!
//! An import checks the header at once, then saves one product at a time in the
//! background, recording progress and a per-row error report in `catalog_imports` (the
//! staff page polls it). Each product is one transaction (see `service::save_product`):
//! a product with any bad row is not imported at all, and the report names every row of
//! it with the reason; the other products go in. Cells that a spreadsheet would run as
//! formulas are exported as text ([`crate::platform::spreadsheet`]) and read back unchanged.

use super::model::*;
use super::read;
use crate::platform::error::AppError;
use crate::platform::money::Money;
use crate::platform::state::AppState;

pub const COLUMNS: [&str; 21] = [
    "handle",
    "name",
    "status",
    "category",
    "description",
    "seo_title",
    "seo_description",
    "currency",
    "featured",
    "option1_name",
    "option1_value",
    "option2_name",
    "option2_value",
    "option3_name",
    "option3_value",
    "sku",
    "price",
    "compare_at_price",
    "stock",
    "weight_grams",
    "barcode",
];
/// Larger files are refused before parsing (about 50,000 rows).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// The whole catalog as CSV, every status.
pub async fn export(state: &AppState) -> Result<String, AppError> {
    let categories = read::categories(state).await?;
    let ids: Vec<(String,)> = sqlx::query_as("select id from products order by slug")
        .fetch_all(state.db.pool())
        .await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Internal(anyhow::Error::new(e).context("writing CSV"));
    out.write_record(COLUMNS).map_err(fail)?;
    for (id,) in ids {
        let p = read::product_by_id(state, &id).await?;
        let category = p
            .category
            .as_ref()
            .and_then(|c| categories.iter().find(|x| x.id == c.id))
            .map(|c| c.slug.clone())
            .unwrap_or_default();
        for (i, v) in p.variants.iter().enumerate() {
            let first = i == 0;
            let own = |s: &str| if first { s.to_owned() } else { String::new() };
            let option = |n: usize| {
                (
                    p.options.get(n).map(|o| o.name.clone()).unwrap_or_default(),
                    v.options.get(n).cloned().unwrap_or_default(),
                )
            };
            let (o1, v1) = option(0);
            let (o2, v2) = option(1);
            let (o3, v3) = option(2);
            let record = [
                p.slug.clone(),
                own(&p.name),
                own(p.status.as_str()),
                own(&category),
                own(&p.description),
                own(&p.seo_title),
                own(&p.seo_description),
                own(p.currency.code()),
                own(if p.featured { "yes" } else { "no" }),
                o1,
                v1,
                o2,
                v2,
                o3,
                v3,
                v.sku.clone(),
                v.price.decimal(),
                v.compare_at.map(Money::decimal).unwrap_or_default(),
                v.stock.to_string(),
                v.weight_grams.to_string(),
                v.barcode.clone(),
            ];
            out.write_record(
                record
                    .iter()
                    .map(|cell| crate::platform::spreadsheet::escape(cell)),
            )
            .map_err(fail)?;
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("finishing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(anyhow::Error::new(e)))
}

/// A product's rows: `(row number, fields by column)`.
pub(super) struct Group {
    pub(super) handle: String,
    pub(super) rows: Vec<(u64, std::collections::HashMap<&'static str, String>)>,
}

/// Reads the file into products; fails at once when it is not a CSV with our header.
pub(super) fn parse(bytes: &[u8]) -> Result<Vec<Group>, AppError> {
    if bytes.len() > MAX_BYTES {
        return Err(AppError::validation(
            "file",
            "the file is larger than 20 MB; split it",
        ));
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|_| AppError::validation("file", "the file is not a readable CSV file"))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    for required in ["handle", "name", "sku", "price"] {
        if !header.iter().any(|h| h == required) {
            return Err(AppError::validation(
                "file",
                format!("the header has no “{required}” column (export the catalog to see the expected columns)"),
            ));
        }
    }
    // Rows are grouped by handle through an index: one pass, whatever the file's order
    // (finding each row's group by scanning the groups was quadratic: 100,000 rows of
    // distinct handles took minutes of a request thread).
    let mut groups: Vec<Group> = Vec::new();
    let mut by_handle: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let row = i as u64 + 2;
        let record = record
            .map_err(|e| AppError::validation("file", format!("row {row} cannot be read: {e}")))?;
        let mut fields = std::collections::HashMap::new();
        for (h, value) in header.iter().zip(record.iter()) {
            if let Some(column) = COLUMNS.iter().find(|c| *c == h) {
                fields.insert(*column, crate::platform::spreadsheet::unescape(value));
            }
        }
        let handle = fields
            .get("handle")
            .map(|h| h.trim().to_owned())
            .unwrap_or_default();
        match by_handle.get(&handle) {
            Some(&index) => groups[index].rows.push((row, fields)),
            None => {
                by_handle.insert(handle.clone(), groups.len());
                groups.push(Group {
                    handle,
                    rows: vec![(row, fields)],
                });
            }
        }
    }
    if groups.is_empty() {
        return Err(AppError::validation(
            "file",
            "the file has a header but no rows",
        ));
    }
    Ok(groups)
}

/// The product input of one group, with existing variant ids kept by SKU.
pub(super) fn input_of(
    group: &Group,
    categories: &[Category],
    existing: Option<&Product>,
) -> Result<ProductInput, RowError> {
    let (first_row, first) = &group.rows[0];
    let get = |f: &std::collections::HashMap<&str, String>, c: &str| {
        f.get(c).map(|v| v.trim().to_owned()).unwrap_or_default()
    };
    let status = match get(first, "status").as_str() {
        "" => Status::Active,
        s => Status::parse(s).ok_or(RowError {
            row: *first_row,
            column: Some("status".into()),
            message: "use draft, active or archived".into(),
        })?,
    };
    let category_id = match get(first, "category").as_str() {
        "" => None,
        slug => Some(
            categories
                .iter()
                .find(|c| c.slug == slug)
                .map(|c| c.id.clone())
                .ok_or(RowError {
                    row: *first_row,
                    column: Some("category".into()),
                    message: format!("no category has the handle “{slug}”"),
                })?,
        ),
    };
    let options: Vec<String> = (1..=3)
        .map(|n| get(first, &format!("option{n}_name")))
        .take_while(|name| !name.is_empty())
        .collect();
    let variants = group
        .rows
        .iter()
        .map(|(_, f)| {
            let sku = get(f, "sku");
            VariantInput {
                id: existing
                    .and_then(|p| p.variants.iter().find(|v| v.sku.eq_ignore_ascii_case(&sku)))
                    .map(|v| v.id.clone()),
                options: (1..=options.len())
                    .map(|n| get(f, &format!("option{n}_value")))
                    .collect(),
                sku,
                price: get(f, "price"),
                compare_at: get(f, "compare_at_price"),
                stock: get(f, "stock"),
                weight_grams: get(f, "weight_grams"),
                barcode: get(f, "barcode"),
            }
        })
        .collect();
    Ok(ProductInput {
        slug: group.handle.clone(),
        name: get(first, "name"),
        description: first.get("description").cloned().unwrap_or_default(),
        status,
        category_id,
        featured: matches!(
            get(first, "featured").to_ascii_lowercase().as_str(),
            "yes" | "true" | "1"
        ),
        seo_title: get(first, "seo_title"),
        seo_description: get(first, "seo_description"),
        currency: get(first, "currency"),
        options,
        variants,
        version: None,
    })
}

/// Maps a save error to the rows it concerns: a variant field names its row, anything
/// else the product's first row (and the other rows are reported as not imported).
pub(super) fn row_errors(group: &Group, err: &AppError) -> Vec<RowError> {
    let message = err.to_public().message;
    let (row, column) = match err {
        AppError::Validation {
            field: Some(field), ..
        } => match field.strip_prefix("variants.") {
            Some(rest) => {
                let (index, column) = rest.split_once('.').unwrap_or((rest, ""));
                let index: usize = index.parse().unwrap_or(0);
                let column = match column {
                    "compare_at" => "compare_at_price".to_owned(),
                    c if c.starts_with("options.") => {
                        format!("option{}_value", c[8..].parse::<usize>().unwrap_or(0) + 1)
                    }
                    "options" => "option1_value".to_owned(),
                    c => c.to_owned(),
                };
                (
                    group.rows.get(index).map_or(group.rows[0].0, |r| r.0),
                    Some(column),
                )
            }
            None => (
                group.rows[0].0,
                Some(
                    field
                        .replace("slug", "handle")
                        .replace("category_id", "category"),
                ),
            ),
        },
        _ => (group.rows[0].0, None),
    };
    let mut errors = vec![RowError {
        row,
        column,
        message,
    }];
    for (other, _) in &group.rows {
        if *other != row {
            errors.push(RowError {
                row: *other,
                column: None,
                message: format!(
                    "not imported: product “{}” has an error on row {row}",
                    group.handle
                ),
            });
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_the_needed_columns_is_refused_whole() {
        assert!(parse(b"name,price\nShirt,10\n").is_err());
        assert!(parse(b"handle,name,sku,price\n").is_err());
        let groups =
            parse(b"handle,name,sku,price\na,A,A-1,1\nb,B,B-1,2\na,,A-2,3\n").expect("parsed");
        assert_eq!(groups.len(), 2);
        assert_eq!(
            groups[0].rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![2, 4]
        );
    }

    #[test]
    fn a_large_file_of_distinct_products_is_grouped_in_one_pass() {
        // 100,000 handles: the old scan of every group per row took minutes here.
        let mut file = String::from("handle,name,sku,price\n");
        for i in 0..100_000 {
            file.push_str(&format!("p{i},P{i},SKU-{i},1\n"));
        }
        file.push_str("p7,,SKU-7B,2\n");
        let groups = parse(file.as_bytes()).expect("parsed");
        assert_eq!(groups.len(), 100_000);
        assert_eq!(groups[7].rows.len(), 2);
        assert_eq!(groups[7].rows[1].0, 100_002);
    }

    #[test]
    fn a_variant_error_names_its_row_and_column_and_holds_back_the_others() {
        let groups = parse(b"handle,name,sku,price\na,A,A-1,1\na,,A-2,x\n").expect("parsed");
        let err = AppError::validation("variants.1.price", "enter a price such as 19.99");
        let errors = row_errors(&groups[0], &err);
        assert_eq!(errors[0].row, 3);
        assert_eq!(errors[0].column.as_deref(), Some("price"));
        assert_eq!(errors[1].row, 2);
        assert!(errors[1].message.contains("not imported"));
    }
}
