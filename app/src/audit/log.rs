//! Writing the audit log. Every staff write calls [`record`] with its own transaction,
//! so the row and the change commit (or roll back) together. Who acted is passed in; the
//! address and request id come from the request being served
//! (`platform::request::current_ip`, `current_id`).

use crate::platform::db::{now_ms, AnyConnection};
use crate::platform::error::AppError;
use serde::Serialize;
use serde_json::{Map, Value};

/// One staff action about to be recorded.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub summary: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Change {
    /// `action` such as `product.update` on `entity` (`product`) number `entity_id`.
    pub fn new(action: &str, entity: &str, entity_id: &str) -> Self {
        Self {
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: entity_id.to_owned(),
            ..Self::default()
        }
    }

    pub fn summary(mut self, text: impl Into<String>) -> Self {
        self.summary = text.into();
        self
    }

    pub fn before(mut self, value: &impl Serialize) -> Self {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn after(mut self, value: &impl Serialize) -> Self {
        self.after = serde_json::to_value(value).ok();
        self
    }
}

/// Appends `change` by `actor` (a user id; `None` for the system) on `conn`, which should
/// be the transaction of the change itself. Objects keep only the fields that differ, so
/// a row shows what changed rather than two copies of the record.
pub async fn record(
    conn: &mut AnyConnection,
    actor: Option<&str>,
    change: Change,
) -> Result<(), AppError> {
    let (before, after) = changed_fields(change.before, change.after);
    let text = |v: Option<Value>| v.map(|v| v.to_string());
    sqlx::query(
        "insert into audit_log (id, at, actor_id, actor_email, ip, request_id, action, entity, \
         entity_id, summary, before_json, after_json) values ($1, $2, $3, \
         coalesce((select email from users where id = $3), \
         (select 'API key ' || name from api_keys where id = $3), 'system'), $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(crate::platform::ids::new_id())
    .bind(now_ms())
    .bind(actor)
    .bind(crate::platform::request::current_ip())
    .bind(crate::platform::request::current_id().unwrap_or_default())
    .bind(&change.action)
    .bind(&change.entity)
    .bind(&change.entity_id)
    .bind(change.summary.chars().take(500).collect::<String>())
    .bind(text(before))
    .bind(text(after))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Two objects reduced to the keys whose values differ; anything else is kept whole.
fn changed_fields(before: Option<Value>, after: Option<Value>) -> (Option<Value>, Option<Value>) {
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let keys: Vec<&String> = b
                .keys()
                .chain(a.keys())
                .filter(|k| b.get(*k) != a.get(*k))
                .collect();
            let pick = |m: &Map<String, Value>| -> Value {
                Value::Object(
                    keys.iter()
                        .filter_map(|k| m.get(*k).map(|v| ((*k).clone(), v.clone())))
                        .collect(),
                )
            };
            (Some(pick(&b)), Some(pick(&a)))
        }
        other => other,
    }
}

/// Reads a stored pair back as `(field, before, after)` rows for the dashboard.
pub fn field_rows(before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    let parse = |t: Option<&str>| t.and_then(|t| serde_json::from_str::<Value>(t).ok());
    let show = |v: Option<&Value>| v.map_or_else(String::new, Value::to_string);
    match (parse(before), parse(after)) {
        (b, a)
            if b.as_ref().is_none_or(Value::is_object)
                && a.as_ref().is_none_or(Value::is_object) =>
        {
            let empty = Map::new();
            let b = b.as_ref().and_then(Value::as_object).unwrap_or(&empty);
            let a = a.as_ref().and_then(Value::as_object).unwrap_or(&empty);
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .map(|k| (k.clone(), show(b.get(k)), show(a.get(k))))
                .collect()
        }
        (b, a) => vec![("value".to_owned(), show(b.as_ref()), show(a.as_ref()))],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_fields_that_changed_are_kept() {
        let (b, a) = changed_fields(
            Some(json!({"name": "Lamp", "price": 100, "sku": "L1"})),
            Some(json!({"name": "Lamp", "price": 120, "sku": "L1", "new": true})),
        );
        assert_eq!(b, Some(json!({"price": 100})));
        assert_eq!(a, Some(json!({"price": 120, "new": true})));
        let rows = field_rows(
            b.map(|v| v.to_string()).as_deref(),
            a.map(|v| v.to_string()).as_deref(),
        );
        assert_eq!(
            rows,
            vec![
                ("new".into(), String::new(), "true".into()),
                ("price".into(), "100".into(), "120".into())
            ]
        );
    }

    #[test]
    fn a_creation_keeps_the_whole_record() {
        let (b, a) = changed_fields(None, Some(json!({"code": "SAVE10"})));
        assert_eq!(b, None);
        assert_eq!(a, Some(json!({"code": "SAVE10"})));
        assert_eq!(
            field_rows(None, Some("\"x\"")),
            vec![("value".into(), String::new(), "\"x\"".into())]
        );
    }
}
