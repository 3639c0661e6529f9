//! Staff roles: the built-in ones and those admins add, each a set of permissions
//! (`permissions`). Owners (`users.role = 'admin'`) always hold every permission; any
//! other staff member holds their role's. Editing a role ends its members' sessions, so
//! the change applies at once, and is audited.

use super::model::Role;
use super::permissions::{Permission, RoleView, OWNER};
use crate::audit::log::{record, Change};
use crate::platform::db::{now_ms, AnyConnection, Db};
use crate::platform::error::AppError;

#[derive(sqlx::FromRow)]
struct Row {
    key: String,
    name: String,
    description: String,
    permissions: String,
    built_in: i64,
    version: i64,
    members: i64,
}

/// Every role, the built-in ones first, with how many active members each has.
pub async fn list(db: &Db) -> Result<Vec<RoleView>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(
        "select r.key, r.name, r.description, r.permissions, r.built_in, r.version, \
           (select count(*) from users u where u.status <> 'deleted' and \
              ((r.key = 'owner' and u.role = 'admin') or (u.role = 'staff' and u.staff_role = r.key))) as members \
         from staff_roles r order by r.built_in desc, r.created_at, r.name",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RoleView {
            editable: r.key != OWNER,
            permissions: if r.key == OWNER {
                Permission::ALL.to_vec()
            } else {
                Permission::parse_list(&r.permissions)
            },
            built_in: r.built_in == 1,
            key: r.key,
            name: r.name,
            description: r.description,
            members: r.members,
            version: r.version,
        })
        .collect())
}

/// The account kind and stored role key for `key`: `owner` is the admin kind, any other
/// existing role is staff. Unknown keys are refused.
pub async fn resolve(conn: &mut AnyConnection, key: &str) -> Result<(Role, String), AppError> {
    let key = key.trim();
    if key == OWNER || key == "admin" {
        return Ok((Role::Admin, OWNER.to_owned()));
    }
    let found: Option<(String,)> = sqlx::query_as("select key from staff_roles where key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    match found {
        Some((key,)) => Ok((Role::Staff, key)),
        None => Err(AppError::validation(
            "role",
            "choose one of the store's roles",
        )),
    }
}

/// What the role editor sends.
#[derive(Debug, Clone, Default)]
pub struct RoleInput {
    /// `None` adds a role.
    pub key: Option<String>,
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    /// The version the editor was opened at (for an edit).
    pub version: Option<i64>,
}

/// Adds or changes a role; returns its key. An edit made on an out-of-date form is
/// refused rather than overwriting someone else's change.
pub async fn save(db: &Db, actor: &str, input: &RoleInput) -> Result<String, AppError> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(AppError::validation(
            "name",
            "name the role (up to 60 characters)",
        ));
    }
    let description: String = input.description.trim().chars().take(200).collect();
    let mut permissions = Vec::new();
    for raw in &input.permissions {
        permissions.push(Permission::parse(raw).ok_or_else(|| {
            AppError::validation("permissions", format!("“{raw}” is not a permission"))
        })?);
    }
    if permissions.is_empty() {
        return Err(AppError::validation(
            "permissions",
            "tick at least one permission",
        ));
    }
    let stored = Permission::join(&permissions);
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let key = match input.key.as_deref() {
        None => {
            let key = format!("custom-{}", crate::platform::ids::new_id());
            sqlx::query(
                "insert into staff_roles (key, name, description, permissions, built_in, version, created_at, updated_at) \
                 values ($1, $2, $3, $4, 0, 1, $5, $5)",
            )
            .bind(&key)
            .bind(name)
            .bind(&description)
            .bind(&stored)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let after = serde_json::json!({"name": name, "description": description, "permissions": stored});
            record(
                &mut tx,
                Some(actor),
                Change::new("role.create", "role", &key)
                    .summary(format!("Role “{name}” added"))
                    .after(&after),
            )
            .await?;
            key
        }
        Some(OWNER) => {
            return Err(AppError::validation(
                "role",
                "the owner role holds every permission and cannot change",
            ));
        }
        Some(key) => {
            let before: Option<(String, String, String, i64)> = sqlx::query_as(
                "select name, description, permissions, version from staff_roles where key = $1",
            )
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((old_name, old_description, old_permissions, version)) = before else {
                return Err(AppError::NotFound("role".into()));
            };
            if input.version.is_some_and(|v| v != version) {
                return Err(AppError::Conflict(
                    "someone else changed this role since you opened it; reload to see their change".into(),
                ));
            }
            let changed = sqlx::query(
                "update staff_roles set name = $2, description = $3, permissions = $4, version = version + 1, \
                 updated_at = $5 where key = $1 and version = $6",
            )
            .bind(key)
            .bind(name)
            .bind(&description)
            .bind(&stored)
            .bind(now)
            .bind(version)
            .execute(&mut *tx)
            .await?;
            if changed.rows_affected() != 1 {
                return Err(AppError::Conflict(
                    "the role changed just now; try again".into(),
                ));
            }
            // Members sign in again, so what they may do follows the role at once.
            sqlx::query("update users set session_epoch = session_epoch + 1, updated_at = $2 where role = 'staff' and staff_role = $1")
                .bind(key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let before = serde_json::json!({"name": old_name, "description": old_description, "permissions": old_permissions});
            let after = serde_json::json!({"name": name, "description": description, "permissions": stored});
            record(
                &mut tx,
                Some(actor),
                Change::new("role.update", "role", key)
                    .summary(format!("Role “{name}” changed"))
                    .before(&before)
                    .after(&after),
            )
            .await?;
            key.to_owned()
        }
    };
    tx.commit().await?;
    Ok(key)
}

/// Removes a role that is not built in and has no members.
pub async fn delete(db: &Db, actor: &str, key: &str) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let row: Option<(String, i64)> =
        sqlx::query_as("select name, built_in from staff_roles where key = $1")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((name, built_in)) = row else {
        return Err(AppError::NotFound("role".into()));
    };
    if built_in == 1 {
        return Err(AppError::validation(
            "role",
            "built-in roles can be edited but not removed",
        ));
    }
    let (members,): (i64,) = sqlx::query_as(
        "select count(*) from users where role = 'staff' and staff_role = $1 and status <> 'deleted'",
    )
    .bind(key)
    .fetch_one(&mut *tx)
    .await?;
    if members > 0 {
        return Err(AppError::validation(
            "role",
            format!("{members} team member(s) have this role; give them another first"),
        ));
    }
    sqlx::query("delete from staff_roles where key = $1")
        .bind(key)
        .execute(&mut *tx)
        .await?;
    record(
        &mut tx,
        Some(actor),
        Change::new("role.delete", "role", key).summary(format!("Role “{name}” removed")),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
