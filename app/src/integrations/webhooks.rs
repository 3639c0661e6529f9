//! Webhook endpoints and the events they receive. [`emit`] is called by the domains in the
//! transaction of the change itself (an order paid, fulfilled, cancelled or refunded, an
//! account made, a product saved, stock at its threshold): a delivery row and its first
//! job per subscribed endpoint, so an event is sent exactly when its change commits.
//! `delivery` sends them. Targets are checked against SSRF ([`resolve_target`]).

use super::model::{WebhookEndpointView, EVENTS};
use crate::audit::log::{record, Change};
use crate::platform::db::{now_ms, AnyConnection, Db};
use crate::platform::error::AppError;
use crate::platform::jobs::{DeliverWebhook, Jobs, Task};

use std::net::{IpAddr, SocketAddr};

/// Queues `event` with `data` for every enabled endpoint subscribed to it, on `conn` (the
/// change's transaction). Call `state.jobs.notify()` after the commit (the worker also
/// polls every second). When the data costs a query to make, ask [`subscribers`] first
/// and call [`queue`] only if there are any.
pub async fn emit(
    conn: &mut AnyConnection,
    event: &str,
    data: serde_json::Value,
) -> Result<(), AppError> {
    let endpoints = subscribers(conn, event).await?;
    queue(conn, &endpoints, event, data).await
}

/// The enabled endpoints subscribed to `event`, oldest first.
pub async fn subscribers(conn: &mut AnyConnection, event: &str) -> Result<Vec<String>, AppError> {
    debug_assert!(EVENTS.contains(&event), "{event} is not a webhook event");
    let endpoints: Vec<(String,)> = sqlx::query_as(
        "select id from webhook_endpoints where enabled = 1 and (' ' || events || ' ') like $1 order by created_at",
    )
    .bind(format!("% {event} %"))
    .fetch_all(&mut *conn)
    .await?;
    Ok(endpoints.into_iter().map(|(id,)| id).collect())
}

/// Queues `event` with `data` for `endpoints` (from [`subscribers`]).
pub async fn queue(
    conn: &mut AnyConnection,
    endpoints: &[String],
    event: &str,
    data: serde_json::Value,
) -> Result<(), AppError> {
    if endpoints.is_empty() {
        return Ok(());
    }
    let timestamp = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let body =
        serde_json::json!({ "event": event, "timestamp": timestamp, "data": data }).to_string();
    for endpoint in endpoints {
        let now = next_run_at();
        let id = format!("msg_{}", crate::platform::ids::new_id());
        sqlx::query(
            "insert into webhook_outbox (id, endpoint_id, event, body, status, next_attempt_at, created_at, updated_at) \
             values ($1, $2, $3, $4, 'pending', $5, $5, $5)",
        )
        .bind(&id)
        .bind(endpoint)
        .bind(event)
        .bind(&body)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        let task = Task::DeliverWebhook(DeliverWebhook { delivery_id: id });
        Jobs::enqueue_at_in(conn, &task, now).await?;
    }
    Ok(())
}

/// Now, but after every time this process handed out before: the worker claims jobs by
/// their time, so the events of one change (`order.created`, then `order.paid`) are
/// attempted in the order they were emitted.
fn next_run_at() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = now_ms();
    let previous = LAST
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(now.max(last + 1))
        })
        .unwrap_or(now);
    now.max(previous + 1)
}

/// A new endpoint's secret: `whsec_` and 32 random bytes in base64 (Standard Webhooks).
fn new_secret() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("whsec_{}", data_encoding::BASE64.encode(&bytes))
}

/// Whether an address is one a webhook must never reach: loopback, private, link-local
/// (cloud metadata at 169.254.169.254 included), shared, reserved, multicast, or an IPv6
/// form of one of them.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                || (a == 198 && (18..20).contains(&b))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_forbidden(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8
                || (first == 0x0064 && v6.segments()[1] == 0xff9b)
        }
    }
}

/// The address to connect to for `url`: resolved once, every address checked, so a name
/// that resolves to a private address (or to several, one private) is refused. The sender
/// connects to exactly this address, so a second lookup cannot swap it.
pub async fn resolve_target(url: &url::Url, allow_private: bool) -> Result<SocketAddr, AppError> {
    let bad = |message: &str| AppError::validation("url", message);
    let port = url
        .port_or_known_default()
        .ok_or_else(|| bad("the URL needs a port"))?;
    let addrs: Vec<SocketAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(url::Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| bad("the host name does not resolve"))?
            .collect(),
        None => return Err(bad("the URL needs a host")),
    };
    let first = *addrs
        .first()
        .ok_or_else(|| bad("the host name does not resolve"))?;
    if !allow_private && addrs.iter().any(|a| is_forbidden(a.ip())) {
        return Err(bad(
            "the URL points at a private, loopback or link-local address; webhooks go to public addresses only",
        ));
    }
    Ok(first)
}

/// A URL endpoints may use: https (http too when private targets are allowed, for a
/// receiver on the same machine), no credentials in it, at most 500 characters.
pub fn parse_url(raw: &str, allow_private: bool) -> Result<url::Url, AppError> {
    let bad = |message: &str| AppError::validation("url", message);
    let raw = raw.trim();
    if raw.len() > 500 {
        return Err(bad("keep the URL under 500 characters"));
    }
    let url = url::Url::parse(raw)
        .map_err(|_| bad("enter a full URL, e.g. https://erp.example.com/hooks"))?;
    let scheme_ok = url.scheme() == "https" || (allow_private && url.scheme() == "http");
    if !scheme_ok {
        return Err(bad("webhook URLs must use https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "put no credentials in the URL; verify the signature instead",
        ));
    }
    Ok(url)
}

/// Adds an endpoint; its secret is in the answer (shown once on the page).
pub async fn create(
    db: &Db,
    actor: &str,
    raw_url: &str,
    description: &str,
    events: &[String],
    allow_private: bool,
) -> Result<(WebhookEndpointView, String), AppError> {
    let url = parse_url(raw_url, allow_private)?;
    let description: String = description.trim().chars().take(200).collect();
    let mut chosen: Vec<&str> = Vec::new();
    for e in events {
        let e = EVENTS
            .iter()
            .find(|known| **known == e.trim())
            .ok_or_else(|| AppError::validation("events", format!("“{e}” is not an event")))?;
        if !chosen.contains(e) {
            chosen.push(e);
        }
    }
    if chosen.is_empty() {
        return Err(AppError::validation("events", "choose at least one event"));
    }
    resolve_target(&url, allow_private).await?;
    let (id, secret, now) = (crate::platform::ids::new_id(), new_secret(), now_ms());
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "insert into webhook_endpoints (id, url, description, events, secret, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&id)
    .bind(url.as_str())
    .bind(&description)
    .bind(chosen.join(" "))
    .bind(&secret)
    .bind(actor)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let change = Change::new("webhook.create", "webhook", &id)
        .summary(format!(
            "Added webhook endpoint {url} for {}",
            chosen.join(", ")
        ))
        .after(&serde_json::json!({ "url": url.as_str(), "events": chosen }));
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    let view = list(db)
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(|| AppError::NotFound("webhook endpoint".into()))?;
    Ok((view, secret))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    url: String,
    description: String,
    events: String,
    enabled: i64,
    disabled_reason: Option<String>,
    created_at: i64,
    pending: i64,
    failed: i64,
}

/// Every endpoint, with how many of its deliveries are pending and failed.
pub async fn list(db: &Db) -> Result<Vec<WebhookEndpointView>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(
        "select e.id, e.url, e.description, e.events, e.enabled, e.disabled_reason, e.created_at, \
           (select count(*) from webhook_outbox d where d.endpoint_id = e.id and d.status = 'pending') as pending, \
           (select count(*) from webhook_outbox d where d.endpoint_id = e.id and d.status = 'failed') as failed \
         from webhook_endpoints e order by e.created_at, e.id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| WebhookEndpointView {
            id: r.id,
            url: r.url,
            description: r.description,
            events: r.events.split_whitespace().map(str::to_owned).collect(),
            enabled: r.enabled == 1,
            disabled_reason: r.disabled_reason,
            created_at: r.created_at,
            pending: r.pending,
            failed: r.failed,
        })
        .collect())
}

/// Turns an endpoint on (clearing why it was turned off) or off.
pub async fn set_enabled(db: &Db, actor: &str, id: &str, enabled: bool) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "update webhook_endpoints set enabled = $2, disabled_reason = null, updated_at = $3 where id = $1",
    )
    .bind(id)
    .bind(i64::from(enabled))
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("webhook endpoint".into()));
    }
    let action = if enabled {
        "webhook.enable"
    } else {
        "webhook.disable"
    };
    let summary = if enabled {
        "Turned a webhook endpoint on"
    } else {
        "Turned a webhook endpoint off"
    };
    record(
        &mut tx,
        Some(actor),
        Change::new(action, "webhook", id).summary(summary),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes an endpoint and its delivery log.
pub async fn delete(db: &Db, actor: &str, id: &str) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let url: Option<(String,)> =
        sqlx::query_as("delete from webhook_endpoints where id = $1 returning url")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((url,)) = url else {
        return Err(AppError::NotFound("webhook endpoint".into()));
    };
    sqlx::query("delete from webhook_outbox where endpoint_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let change = Change::new("webhook.delete", "webhook", id)
        .summary(format!("Removed webhook endpoint {url}"));
    record(&mut tx, Some(actor), change).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_forbidden;

    #[test]
    fn private_loopback_link_local_and_metadata_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(is_forbidden(ip.parse().expect("ip")), "{ip}");
        }
        for ip in [
            "93.184.215.14",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "8.8.8.8",
        ] {
            assert!(!is_forbidden(ip.parse().expect("ip")), "{ip}");
        }
    }
}
