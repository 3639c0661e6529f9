//! Reading the audit log: the filtered list, its CSV export, and the retention purge.

use super::log::field_rows;
use super::model::{AuditEntry, AuditPage, PAGE_SIZE};
use crate::platform::db::params::{bind, Arg};
use crate::platform::db::{now_ms, Db};
use crate::platform::error::AppError;
use crate::platform::text::{parse_day, parse_page};

/// The setting that says how many days audit rows are kept.
pub const RETENTION_KEY: &str = "audit.retention_days";
/// The default, and the least the database allows (its delete trigger's floor).
pub const DEFAULT_RETENTION_DAYS: i64 = 365;
pub const MIN_RETENTION_DAYS: i64 = 30;

/// What the list filters by, from `actor=…&action=…&entity=…&entity_id=…&from=…&to=…&page=…`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Part of the actor's email.
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub page: u32,
}

impl AuditFilter {
    pub fn from_query(raw: &str) -> Result<Self, AppError> {
        let mut f = Self {
            page: 1,
            ..Self::default()
        };
        let short = |v: &str| v.chars().take(100).collect::<String>();
        for (key, value) in url::form_urlencoded::parse(raw.trim_start_matches('?').as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key.as_ref() {
                "actor" => f.actor = short(value),
                "action" => f.action = short(value),
                "entity" => f.entity = short(value),
                "entity_id" => f.entity_id = short(value),
                "from" => f.from = Some(parse_day(value, "from")?),
                "to" => f.to = Some(parse_day(value, "to")? + 24 * 3600 * 1000),
                "page" => f.page = parse_page(value)?,
                _ => {}
            }
        }
        Ok(f)
    }

    fn conditions(&self) -> (String, Vec<Arg>) {
        let mut c = Vec::new();
        let mut a = Vec::new();
        let mut push = |sql: &str, arg: Arg| {
            a.push(arg);
            c.push(sql.replace('?', &format!("${}", a.len())));
        };
        if !self.actor.is_empty() {
            let like = self.actor.to_lowercase().replace(['%', '_'], "");
            push("lower(actor_email) like ?", Arg::Text(format!("%{like}%")));
        }
        if !self.action.is_empty() {
            push("action = ?", Arg::Text(self.action.clone()));
        }
        if !self.entity.is_empty() {
            push("entity = ?", Arg::Text(self.entity.clone()));
        }
        if !self.entity_id.is_empty() {
            push("entity_id = ?", Arg::Text(self.entity_id.clone()));
        }
        if let Some(from) = self.from {
            push("at >= ?", Arg::Int(from));
        }
        if let Some(to) = self.to {
            push("at < ?", Arg::Int(to));
        }
        let where_ = if c.is_empty() {
            String::new()
        } else {
            format!(" where {}", c.join(" and "))
        };
        (where_, a)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    at: i64,
    actor_id: Option<String>,
    actor_email: String,
    ip: String,
    request_id: String,
    action: String,
    entity: String,
    entity_id: String,
    summary: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl From<Row> for AuditEntry {
    fn from(r: Row) -> Self {
        Self {
            changes: field_rows(r.before_json.as_deref(), r.after_json.as_deref()),
            id: r.id,
            at: r.at,
            actor_id: r.actor_id,
            actor_email: r.actor_email,
            ip: r.ip,
            request_id: r.request_id,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            summary: r.summary,
        }
    }
}

const COLUMNS: &str = "id, at, actor_id, actor_email, ip, request_id, action, entity, entity_id, \
                       summary, before_json, after_json";

async fn rows(db: &Db, f: &AuditFilter, limit: u32, offset: u64) -> Result<Vec<Row>, AppError> {
    let (where_, args) = f.conditions();
    let sql = format!(
        "select {COLUMNS} from audit_log{where_} order by at desc, id desc limit {limit} offset {offset}"
    );
    Ok(bind(sqlx::query_as::<_, Row>(&sql), &args)
        .fetch_all(db.pool())
        .await?)
}

/// One page of the filtered log, newest first.
pub async fn list(db: &Db, f: &AuditFilter) -> Result<AuditPage, AppError> {
    let (where_, args) = f.conditions();
    let sql = format!("select count(*) from audit_log{where_}");
    let (total,): (i64,) = bind(sqlx::query_as(&sql), &args)
        .fetch_one(db.pool())
        .await?;
    let offset = u64::from(f.page.saturating_sub(1)) * u64::from(PAGE_SIZE);
    let entries = rows(db, f, PAGE_SIZE, offset).await?;
    let distinct = |column: &'static str| async move {
        let sql = format!("select distinct {column} from audit_log order by {column} limit 200");
        sqlx::query_as::<_, (String,)>(&sql)
            .fetch_all(db.pool())
            .await
            .map(|v| v.into_iter().map(|(s,)| s).collect::<Vec<_>>())
    };
    Ok(AuditPage {
        entries: entries.into_iter().map(AuditEntry::from).collect(),
        total,
        page: f.page,
        pages: u32::try_from(
            crate::web::pagination::Pagination::new(f.page, PAGE_SIZE, total).total_pages,
        )
        .unwrap_or(u32::MAX)
        .max(1),
        actions: distinct("action").await?,
        entities: distinct("entity").await?,
        retention_days: retention_days(db).await?,
    })
}

/// The filtered log as CSV (at most 100,000 rows, newest first), formula-safe.
pub async fn export_csv(db: &Db, f: &AuditFilter) -> Result<String, AppError> {
    let rows = rows(db, f, 100_000, 0).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let cell = crate::platform::spreadsheet::escape;
    out.write_record([
        "time_utc",
        "actor",
        "ip",
        "request_id",
        "action",
        "entity",
        "entity_id",
        "summary",
        "before",
        "after",
    ])
    .map_err(anyhow::Error::from)?;
    for r in rows {
        let at = time::OffsetDateTime::from_unix_timestamp(r.at / 1000)
            .map(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        out.write_record([
            cell(&at),
            cell(&r.actor_email),
            cell(&r.ip),
            cell(&r.request_id),
            cell(&r.action),
            cell(&r.entity),
            cell(&r.entity_id),
            cell(&r.summary),
            cell(r.before_json.as_deref().unwrap_or("")),
            cell(r.after_json.as_deref().unwrap_or("")),
        ])
        .map_err(anyhow::Error::from)?;
    }
    let bytes = out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(String::from_utf8(bytes).map_err(anyhow::Error::from)?)
}

/// How many days rows are kept (the setting, never below the database's floor).
pub async fn retention_days(db: &Db) -> Result<i64, AppError> {
    let values = crate::settings::db::get_many(db, &[RETENTION_KEY]).await?;
    Ok(values
        .get(RETENTION_KEY)
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(DEFAULT_RETENTION_DAYS)
        .max(MIN_RETENTION_DAYS))
}

/// Deletes the rows older than the retention; returns how many. Run daily by the server.
pub async fn purge(db: &Db) -> Result<u64, AppError> {
    let days = retention_days(db).await?;
    let cutoff = now_ms() - days * 24 * 3600 * 1000;
    let done = sqlx::query("delete from audit_log where at < $1")
        .bind(cutoff)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

/// Sets the retention from the form's text (whole days, 30 to 36,500), with its audit row.
pub async fn set_retention(db: &Db, actor: &str, raw: &str) -> Result<(), AppError> {
    let days: i64 = raw
        .trim()
        .parse()
        .ok()
        .filter(|d| (MIN_RETENTION_DAYS..=36_500).contains(d))
        .ok_or_else(|| {
            AppError::validation(
                "days",
                format!("keep rows for a whole number of days from {MIN_RETENTION_DAYS} to 36500"),
            )
        })?;
    crate::settings::db::put_audited(
        db,
        actor,
        RETENTION_KEY,
        &days.to_string(),
        "settings.audit_retention",
        format!("Audit rows kept {days} days"),
    )
    .await
}
