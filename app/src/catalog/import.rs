//! CSV import as a background task: the file checked whole first (columns, then every
//! row, every error named by row and column), then each product saved in its own
//! transaction with progress reported every 20, and the import's status read back.

use super::csv::{input_of, parse, row_errors, Group};
use super::model::*;
use super::{read, service};
use crate::platform::db::now_ms;
use crate::platform::error::AppError;
use crate::platform::state::AppState;

/// Checks the file and starts importing it in the background; returns the import's id.
pub async fn start_import(
    state: &AppState,
    user_id: &str,
    bytes: Vec<u8>,
) -> Result<String, AppError> {
    // Reading 20 MB of CSV is CPU work: off the request's thread.
    let groups = tokio::task::spawn_blocking(move || parse(&bytes))
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("reading a CSV file")))??;
    let total: usize = groups.iter().map(|g| g.rows.len()).sum();
    let id = crate::platform::ids::new_id();
    let now = now_ms();
    sqlx::query(
        "insert into catalog_imports (id, user_id, status, total_rows, created_at, updated_at) \
         values ($1, $2, 'running', $3, $4, $4)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(total as i64)
    .bind(now)
    .execute(state.db.pool())
    .await?;
    let (state, import, actor) = (state.clone(), id.clone(), user_id.to_owned());
    tokio::spawn(async move {
        if let Err(err) = run(&state, &actor, &import, groups).await {
            tracing::error!(error = ?err, import = %import, "catalog import failed");
            let _ = sqlx::query(
                "update catalog_imports set status = 'failed', updated_at = $2 where id = $1",
            )
            .bind(&import)
            .bind(now_ms())
            .execute(state.db.pool())
            .await;
        }
    });
    Ok(id)
}

async fn run(
    state: &AppState,
    actor: &str,
    import: &str,
    groups: Vec<Group>,
) -> Result<(), AppError> {
    let (mut done, mut imported, mut errors) = (0i64, 0i64, Vec::new());
    let count = groups.len();
    for (index, group) in groups.into_iter().enumerate() {
        let categories = read::categories(state).await?;
        let existing: Option<(String,)> = sqlx::query_as("select id from products where slug = $1")
            .bind(&group.handle)
            .fetch_optional(state.db.pool())
            .await?;
        let existing_product = match &existing {
            Some((id,)) => Some(read::product_by_id(state, id).await?),
            None => None,
        };
        match input_of(&group, &categories, existing_product.as_ref()) {
            Err(e) => errors.push(e),
            Ok(input) => {
                match service::save_product(
                    state,
                    actor,
                    existing.as_ref().map(|(id,)| id.as_str()),
                    &input,
                )
                .await
                {
                    Ok(_) => imported += group.rows.len() as i64,
                    Err(AppError::Internal(e)) => return Err(AppError::Internal(e)),
                    Err(err) => errors.extend(row_errors(&group, &err)),
                }
            }
        }
        done += group.rows.len() as i64;
        // Progress every 20 products and at the end: writing the whole error list after
        // each product would be quadratic in a file full of mistakes.
        if index % 20 != 19 && index + 1 != count {
            continue;
        }
        errors.sort_by_key(|e: &RowError| e.row);
        sqlx::query(
            "update catalog_imports set done_rows = $2, imported = $3, errors = $4, updated_at = $5 \
             where id = $1",
        )
        .bind(import)
        .bind(done)
        .bind(imported)
        .bind(serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into()))
        .bind(now_ms())
        .execute(state.db.pool())
        .await?;
    }
    sqlx::query("update catalog_imports set status = 'done', updated_at = $2 where id = $1")
        .bind(import)
        .bind(now_ms())
        .execute(state.db.pool())
        .await?;
    Ok(())
}

pub async fn status(state: &AppState, id: &str) -> Result<ImportStatus, AppError> {
    let row: Option<(String, String, i64, i64, i64, String)> = sqlx::query_as(
        "select id, status, total_rows, done_rows, imported, errors from catalog_imports where id = $1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?;
    let (id, status, total_rows, done_rows, imported, errors) =
        row.ok_or_else(|| AppError::NotFound("import".into()))?;
    Ok(ImportStatus {
        id,
        status,
        total_rows,
        done_rows,
        imported,
        errors: serde_json::from_str(&errors).unwrap_or_default(),
    })
}
