//! API keys: made by an admin with scopes (back-office permissions, never more than the
//! admin holds), shown once, kept as a SHA-256, revocable, with their last use recorded.
//! A request carrying `Authorization: Bearer oxk_…` acts with the key's scopes; what it
//! changes is audited under the key (the audit log and timelines name it).

use super::model::{ApiKeyView, NewKey};
use crate::accounts::db::UserRow;
use crate::accounts::permissions::Permission;
use crate::accounts::token;
use crate::audit::log::{record, Change};
use crate::platform::db::{now_ms, Db};
use crate::platform::error::AppError;

/// Every key starts so: a leaked key is recognisable (secret scanners), and the API
/// tells a key from a JWT without trying both.
pub const PREFIX: &str = "oxk_";
/// How many characters of a key the list shows.
const SHOWN: usize = 12;
/// Last use is written at most this often per key, so a busy integration does not
/// write on every request.
const TOUCH_MS: i64 = 60_000;

/// A key that authenticated a request.
#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub scopes: Vec<Permission>,
}

impl ApiKey {
    pub fn can(&self, permission: Permission) -> bool {
        self.scopes.contains(&permission)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    name: String,
    prefix: String,
    scopes: String,
    created_by: Option<String>,
    created_at: i64,
    last_used_at: Option<i64>,
    last_used_ip: Option<String>,
    revoked_at: Option<i64>,
}

impl From<Row> for ApiKeyView {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            scopes: Permission::parse_list(&r.scopes),
            created_by: r.created_by.unwrap_or_default(),
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            last_used_ip: r.last_used_ip,
            revoked_at: r.revoked_at,
        }
    }
}

const SELECT: &str = "select k.id, k.name, k.prefix, k.scopes, \
    coalesce(u.email, 'API key ' || m.name, 'the command line') as created_by, k.created_at, \
    k.last_used_at, k.last_used_ip, k.revoked_at from api_keys k left join users u on u.id = k.created_by \
    left join api_keys m on m.id = k.created_by";

/// Every key, the working ones first, newest first.
pub async fn list(db: &Db) -> Result<Vec<ApiKeyView>, AppError> {
    let sql = format!(
        "{SELECT} order by case when k.revoked_at is null then 0 else 1 end, k.created_at desc, k.id"
    );
    let rows: Vec<Row> = sqlx::query_as(&sql).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(ApiKeyView::from).collect())
}

/// Who makes a key: a person, another key (never wider than itself), or the operator's
/// command line (`oxcart create-api-key`, any scope).
#[derive(Clone, Copy)]
pub enum Maker<'a> {
    Person(&'a UserRow),
    Key(&'a ApiKey),
    CommandLine,
}

impl Maker<'_> {
    fn holds(&self, p: Permission) -> bool {
        match self {
            Self::Person(user) => user.can(p),
            Self::Key(key) => key.can(p),
            Self::CommandLine => true,
        }
    }

    fn id(&self) -> Option<&str> {
        match self {
            Self::Person(user) => Some(&user.id),
            Self::Key(key) => Some(&key.id),
            Self::CommandLine => None,
        }
    }

    fn name(&self) -> String {
        match self {
            Self::Person(user) => user.email.clone(),
            Self::Key(key) => format!("API key {}", key.name),
            Self::CommandLine => "the command line".to_owned(),
        }
    }
}

/// The scopes asked for, checked: known names, at least one, each held by the maker.
fn scopes(creator: Maker<'_>, asked: &[String]) -> Result<Vec<Permission>, AppError> {
    let mut list = Vec::new();
    for raw in asked.iter().flat_map(|s| s.split([' ', ','])) {
        if raw.trim().is_empty() {
            continue;
        }
        let p = Permission::parse(raw)
            .ok_or_else(|| AppError::validation("scopes", format!("“{raw}” is not a scope")))?;
        if !creator.holds(p) {
            return Err(AppError::validation(
                "scopes",
                format!(
                    "you cannot give a key “{}”: you do not hold it yourself",
                    p.as_str()
                ),
            ));
        }
        list.push(p);
    }
    list.sort();
    list.dedup();
    if list.is_empty() {
        return Err(AppError::validation("scopes", "choose at least one scope"));
    }
    Ok(list)
}

/// Makes a key named `name` with `scopes` (permission names); its secret is in the
/// answer and nowhere else.
pub async fn create(
    db: &Db,
    creator: Maker<'_>,
    name: &str,
    asked: &[String],
) -> Result<NewKey, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::validation(
            "name",
            "name the key (up to 60 characters), e.g. the system that will use it",
        ));
    }
    let scopes = scopes(creator, asked)?;
    let secret = format!("{PREFIX}{}", token::generate());
    let id = crate::platform::ids::new_id();
    let now = now_ms();
    let prefix: String = secret.chars().take(SHOWN).collect();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "insert into api_keys (id, name, prefix, secret_hash, scopes, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&id)
    .bind(name)
    .bind(&prefix)
    .bind(token::digest(&secret))
    .bind(Permission::join(&scopes))
    .bind(creator.id())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let names: Vec<&str> = scopes.iter().map(|p| p.as_str()).collect();
    let change = Change::new("api_key.create", "api_key", &id)
        .summary(format!(
            "Made API key “{name}” ({prefix}…) with {}",
            names.join(", ")
        ))
        .after(&serde_json::json!({ "name": name, "scopes": names }));
    record(&mut tx, creator.id(), change).await?;
    tx.commit().await?;
    let key = ApiKeyView {
        id,
        name: name.to_owned(),
        prefix,
        scopes,
        created_by: creator.name(),
        created_at: now,
        last_used_at: None,
        last_used_ip: None,
        revoked_at: None,
    };
    Ok(NewKey { key, secret })
}

/// Stops a key at once. Revoking a revoked key is a conflict; an unknown one, not found;
/// a key revoking itself (`actor` is the key) a conflict too: rotate by making the new
/// key, then revoking the old one with it.
pub async fn revoke(db: &Db, actor: &str, id: &str) -> Result<(), AppError> {
    if actor == id {
        return Err(AppError::Conflict(
            "a key cannot revoke itself; revoke it with another key or in the dashboard".to_owned(),
        ));
    }
    let mut tx = db.begin_write().await?;
    let found: Option<(String, Option<i64>)> =
        sqlx::query_as("select name, revoked_at from api_keys where id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((name, revoked_at)) = found else {
        return Err(AppError::NotFound("API key".to_owned()));
    };
    if revoked_at.is_some() {
        return Err(AppError::Conflict("this key is already revoked".to_owned()));
    }
    let now = now_ms();
    sqlx::query("update api_keys set revoked_at = $2, updated_at = $2 where id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let change =
        Change::new("api_key.revoke", "api_key", id).summary(format!("Revoked API key “{name}”"));
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    Ok(())
}

/// The key `secret` belongs to, if it is one and not revoked (else `Unauthorized`, the
/// same for both); records its use.
pub async fn authenticate(db: &Db, secret: &str, ip: &str) -> Result<ApiKey, AppError> {
    if !secret.starts_with(PREFIX) {
        return Err(AppError::Unauthorized);
    }
    let found: Option<(String, String, String, Option<i64>)> = sqlx::query_as(
        "select id, name, scopes, last_used_at from api_keys where secret_hash = $1 and revoked_at is null",
    )
    .bind(token::digest(secret))
    .fetch_optional(db.pool())
    .await?;
    let Some((id, name, scopes, last_used_at)) = found else {
        return Err(AppError::Unauthorized);
    };
    let now = now_ms();
    if last_used_at.is_none_or(|at| now - at >= TOUCH_MS) {
        sqlx::query("update api_keys set last_used_at = $2, last_used_ip = $3 where id = $1")
            .bind(&id)
            .bind(now)
            .bind(ip)
            .execute(db.pool())
            .await?;
    }
    Ok(ApiKey {
        id,
        name,
        scopes: Permission::parse_list(&scopes),
    })
}
