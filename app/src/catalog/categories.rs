//! The category tree: create, change, move and delete categories. A category can never
//! become its own ancestor; one with sub-categories cannot be deleted (its products are
//! kept, without a category). Renames re-index the products below, whose search entries
//! carry their category names.

use super::model::*;
use super::read;
use crate::audit::log::{record, Change};
use crate::platform::db::{now_ms, on_unique};
use crate::platform::error::AppError;
use crate::platform::state::AppState;

/// Creates (`id = None`) or changes a category; returns its id.
pub async fn save(
    state: &AppState,
    actor: &str,
    id: Option<&str>,
    input: &CategoryInput,
) -> Result<String, AppError> {
    let all = read::categories(state).await?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation(
            "name",
            "give the category a name (at most 100 characters)",
        ));
    }
    let slug = match input.slug.trim() {
        "" => super::validate::slug_for(name, "category"),
        s => s.to_owned(),
    };
    if !Slug::is_valid(&slug) {
        return Err(AppError::validation(
            "slug",
            "use lowercase letters, digits and single hyphens (at most 80)",
        ));
    }
    if input.description.chars().count() > 5_000 {
        return Err(AppError::validation(
            "description",
            "at most 5000 characters",
        ));
    }
    let parent = input.parent_id.as_deref().filter(|p| !p.is_empty());
    if let Some(parent) = parent {
        if !all.iter().any(|c| c.id == parent) {
            return Err(AppError::validation(
                "parent_id",
                "choose an existing parent",
            ));
        }
        if let Some(id) = id {
            if read::subtree(&all, id).iter().any(|c| c == parent) {
                return Err(AppError::validation(
                    "parent_id",
                    "a category cannot sit inside itself or its own sub-categories",
                ));
            }
        }
    }
    let taken = format!("another category already uses the web address “{slug}”");
    let now = now_ms();
    // Insert and update list the same columns in the same order ($1 is the id).
    let (id, sql) = match id {
        None => (
            crate::platform::ids::new_id(),
            "insert into categories (id, parent_id, slug, name, description, position, \
               featured, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        ),
        Some(id) => (
            id.to_owned(),
            "update categories set parent_id = $2, slug = $3, name = $4, description = $5, \
               position = $6, featured = $7, updated_at = $8 where id = $1",
        ),
    };
    let mut tx = state.db.begin_write().await?;
    let written = sqlx::query(sql)
        .bind(&id)
        .bind(parent)
        .bind(&slug)
        .bind(name)
        .bind(input.description.trim())
        .bind(input.position)
        .bind(i64::from(input.featured))
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_unique(e, &taken))?;
    if written.rows_affected() == 0 {
        return Err(AppError::NotFound("category".into()));
    }
    let before = all.iter().find(|c| c.id == id).map(|c| {
        serde_json::json!({"name": c.name, "slug": c.slug, "parent_id": c.parent_id, "featured": c.featured})
    });
    let after = serde_json::json!({"name": name, "slug": slug, "parent_id": parent, "featured": input.featured});
    let mut change = Change::new(
        if before.is_some() {
            "category.update"
        } else {
            "category.create"
        },
        "category",
        &id,
    )
    .summary(format!("Category “{name}” saved"))
    .after(&after);
    if let Some(before) = &before {
        change = change.before(before);
    }
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    state.cache.invalidate().await;
    reindex_under(state, &id).await?;
    Ok(id)
}

/// Deletes a category without sub-categories; its products stay, uncategorised.
pub async fn delete(state: &AppState, actor: &str, id: &str) -> Result<(), AppError> {
    let all = read::categories(state).await?;
    let Some(category) = all.iter().find(|c| c.id == id) else {
        return Err(AppError::NotFound("category".into()));
    };
    if all.iter().any(|c| c.parent_id.as_deref() == Some(id)) {
        return Err(AppError::Conflict(
            "this category has sub-categories: move or delete them first".into(),
        ));
    }
    let products: Vec<(String,)> = sqlx::query_as("select id from products where category_id = $1")
        .bind(id)
        .fetch_all(state.db.pool())
        .await?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query("update products set category_id = null where category_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from categories where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let change = Change::new("category.delete", "category", id)
        .summary(format!("Category “{}” deleted", category.name))
        .before(&serde_json::json!({"name": category.name, "slug": category.slug}));
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    state.cache.invalidate().await;
    for (product,) in products {
        reindex(state, &product).await?;
    }
    Ok(())
}

/// Re-writes the search entries of the products in `id` and below.
async fn reindex_under(state: &AppState, id: &str) -> Result<(), AppError> {
    let all = read::categories(state).await?;
    for category in read::subtree(&all, id) {
        let products: Vec<(String,)> =
            sqlx::query_as("select id from products where category_id = $1")
                .bind(&category)
                .fetch_all(state.db.pool())
                .await?;
        for (product,) in products {
            reindex(state, &product).await?;
        }
    }
    Ok(())
}

/// Re-writes every product's search entry (after a restore, which does not carry the
/// index); returns how many.
pub async fn reindex_all(state: &AppState) -> Result<usize, AppError> {
    let products: Vec<(String,)> = sqlx::query_as("select id from products")
        .fetch_all(state.db.pool())
        .await?;
    for (product,) in &products {
        reindex(state, product).await?;
    }
    Ok(products.len())
}

/// Re-writes one product's search entry from what is stored.
pub async fn reindex(state: &AppState, product_id: &str) -> Result<(), AppError> {
    let product = read::product_by_id(state, product_id).await?;
    let mut conn = state.db.pool().acquire().await?;
    super::service::index(
        &mut conn,
        state.db.backend(),
        product_id,
        &product.name,
        &product.description,
        product
            .variants
            .iter()
            .map(|v| (v.sku.as_str(), v.options.as_slice())),
        &super::service::category_names(&product.breadcrumbs),
    )
    .await
}
