//! One small function per configuration concern: each reads its variables through `get`
//! (empty counts as unset), applies its default, and refuses a bad value with an error
//! that names the variable and says what would be accepted.

use super::{invalid, ConfigError, LogFormat, Secret};
use app::platform::db::Backend;
use std::net::SocketAddr;
use std::path::Path;
use url::Url;

/// Reads one variable.
pub type Get<'a> = &'a dyn Fn(&str) -> Option<String>;

/// `OXCART_ADDR`: where to listen (127.0.0.1:3000).
pub fn addr(get: Get<'_>) -> Result<SocketAddr, ConfigError> {
    match get("OXCART_ADDR") {
        None => Ok(SocketAddr::from(([127, 0, 0, 1], 3000))),
        Some(raw) => parse_addr(&raw).ok_or_else(|| {
            invalid(
                "OXCART_ADDR",
                format!("\"{raw}\" is not an address to listen on (expected host:port such as 127.0.0.1:3000 or 0.0.0.0:8080)"),
            )
        }),
    }
}

/// `OXCART_PUBLIC_URL`: the store's address in links (that of `addr` by default).
pub fn public_url(get: Get<'_>, addr: SocketAddr) -> Result<Url, ConfigError> {
    match get("OXCART_PUBLIC_URL") {
        None => Ok(default_public_url(addr)),
        Some(raw) => parse_public_url(&raw).map_err(|reason| invalid("OXCART_PUBLIC_URL", reason)),
    }
}

/// `DATABASE_URL`: SQLite in the data folder by default, or PostgreSQL.
pub fn database_url(get: Get<'_>, data_dir: &Path) -> Result<String, ConfigError> {
    match get("DATABASE_URL") {
        None => Ok(format!("sqlite://{}", data_dir.join("oxcart.db").display())),
        Some(raw) => {
            Backend::from_url(&raw).map_err(|reason| invalid("DATABASE_URL", reason))?;
            Ok(raw)
        }
    }
}

/// A URL variable whose scheme (and host) must fit, kept secret (it may hold a password).
fn secret_url(
    get: Get<'_>,
    var: &'static str,
    fits: impl Fn(&Url) -> bool,
    expected: &str,
) -> Result<Option<Secret>, ConfigError> {
    get(var)
        .map(|raw| match Url::parse(&raw) {
            Ok(url) if fits(&url) => Ok(Secret(raw)),
            _ => Err(invalid(var, expected)),
        })
        .transpose()
}

/// `REDIS_URL`: sessions, rate limits and cache invalidation shared by every instance.
pub fn redis_url(get: Get<'_>) -> Result<Option<Secret>, ConfigError> {
    secret_url(
        get,
        "REDIS_URL",
        |url| matches!(url.scheme(), "redis" | "rediss"),
        "expected a URL such as redis://127.0.0.1:6379 or rediss://host:6380",
    )
}

/// `SMTP_URL`: mail through a relay (else `.eml` files in the outbox).
pub fn smtp_url(get: Get<'_>) -> Result<Option<Secret>, ConfigError> {
    secret_url(
        get,
        "SMTP_URL",
        |url| matches!(url.scheme(), "smtp" | "smtps") && url.host().is_some(),
        "expected a URL such as smtp://user:password@mail.example.com:587 or smtps://…:465",
    )
}

/// `LOG_FORMAT`: pretty (default) or json.
pub fn log_format(get: Get<'_>) -> Result<LogFormat, ConfigError> {
    match get("LOG_FORMAT").map(|v| v.to_ascii_lowercase()).as_deref() {
        None | Some("pretty") => Ok(LogFormat::Pretty),
        Some("json") => Ok(LogFormat::Json),
        Some(other) => Err(invalid(
            "LOG_FORMAT",
            format!("\"{other}\" is not a log format (use pretty or json)"),
        )),
    }
}

/// A key of at least `min` characters (`SESSION_SECRET`, `JWT_SECRET`); `hint` ends the
/// error.
pub fn secret(
    get: Get<'_>,
    var: &'static str,
    min: usize,
    hint: &str,
) -> Result<Option<Secret>, ConfigError> {
    get(var)
        .map(|raw| {
            if raw.len() >= min {
                Ok(Secret(raw))
            } else {
                Err(invalid(
                    var,
                    format!(
                        "too short ({} characters); use at least {min}{hint}",
                        raw.len()
                    ),
                ))
            }
        })
        .transpose()
}

/// `MAIL_FROM`: the sender of every mail (`Oxcart <shop@<public host>>` by default).
pub fn mail_from(get: Get<'_>, public_url: &Url) -> Result<String, ConfigError> {
    match get("MAIL_FROM") {
        None => Ok(match public_url.host() {
            Some(url::Host::Domain(domain)) => format!("Oxcart <shop@{domain}>"),
            _ => "Oxcart <shop@localhost>".to_owned(),
        }),
        Some(raw) if app::platform::mail::is_valid_sender(&raw) => Ok(raw),
        Some(raw) => Err(invalid(
            "MAIL_FROM",
            format!("\"{raw}\" is not a sender address (e.g. Shop <shop@example.com>)"),
        )),
    }
}

/// A yes/no variable: one of `on` or `off` (any case), else `default`.
pub fn switch(
    get: Get<'_>,
    var: &'static str,
    on: [&str; 3],
    off: [&str; 3],
    default: bool,
    expected: &str,
) -> Result<bool, ConfigError> {
    match get(var).map(|v| v.to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if on.contains(&v.as_str()) => Ok(true),
        Some(v) if off.contains(&v.as_str()) => Ok(false),
        Some(other) => Err(invalid(var, format!("\"{other}\" is not {expected}"))),
    }
}

/// `STORAGE_URL`: pictures in a bucket (s3://…) or a folder (file:///…).
pub fn storage_url(get: Get<'_>) -> Result<Option<Url>, ConfigError> {
    get("STORAGE_URL")
        .map(|raw| match Url::parse(&raw) {
            Ok(url) if url.scheme() == "s3" && url.host_str().is_some() => Ok(url),
            Ok(url) if url.scheme() == "file" && url.to_file_path().is_ok() => Ok(url),
            _ => Err(invalid(
                "STORAGE_URL",
                "expected s3://bucket/prefix or file:///absolute/path",
            )),
        })
        .transpose()
}

/// The bucket's credentials and options, as object_store reads them.
pub fn storage_options(get: Get<'_>) -> Vec<(String, Secret)> {
    [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT",
        "AWS_ALLOW_HTTP",
        "AWS_VIRTUAL_HOSTED_STYLE_REQUEST",
    ]
    .into_iter()
    .filter_map(|name| get(name).map(|value| (name.to_owned(), Secret(value))))
    .collect()
}

/// Stripe's keys: all three together, or none (the offline test provider).
pub struct Stripe {
    pub secret_key: Option<String>,
    pub publishable_key: Option<String>,
    pub webhook_secret: Option<String>,
    pub api_base: Option<Url>,
}

pub fn stripe(get: Get<'_>) -> Result<Stripe, ConfigError> {
    let stripe = Stripe {
        secret_key: get("STRIPE_SECRET_KEY"),
        publishable_key: get("STRIPE_PUBLISHABLE_KEY"),
        webhook_secret: get("STRIPE_WEBHOOK_SECRET"),
        api_base: get("STRIPE_API_BASE")
            .map(|raw| {
                Url::parse(&raw).map_err(|e| invalid("STRIPE_API_BASE", format!("not a URL: {e}")))
            })
            .transpose()?,
    };
    if let Some(key) = &stripe.secret_key {
        if !(key.starts_with("sk_") || key.starts_with("rk_")) {
            return Err(invalid(
                "STRIPE_SECRET_KEY",
                "a Stripe secret key starts with sk_ (or rk_)",
            ));
        }
        if !stripe
            .publishable_key
            .as_deref()
            .is_some_and(|k| k.starts_with("pk_"))
        {
            return Err(invalid(
                "STRIPE_PUBLISHABLE_KEY",
                "set it (pk_…) with STRIPE_SECRET_KEY: the payment form needs it",
            ));
        }
        if stripe.webhook_secret.is_none() {
            return Err(invalid(
                "STRIPE_WEBHOOK_SECRET",
                "set it (whsec_…) with STRIPE_SECRET_KEY: payments are confirmed by webhook",
            ));
        }
    }
    Ok(stripe)
}

fn parse_addr(raw: &str) -> Option<SocketAddr> {
    if let Ok(addr) = raw.parse() {
        return Some(addr);
    }
    let port = raw.strip_prefix("localhost:")?.parse::<u16>().ok()?;
    Some(SocketAddr::from(([127, 0, 0, 1], port)))
}

fn parse_public_url(raw: &str) -> Result<Url, String> {
    let url = Url::parse(raw)
        .map_err(|_| format!("\"{raw}\" is not a URL (expected e.g. https://shop.example.com)"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!(
            "\"{raw}\" must be an http:// or https:// URL with a host"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("\"{raw}\" must not have a query or fragment"));
    }
    Ok(url)
}

fn default_public_url(addr: SocketAddr) -> Url {
    let host = if addr.ip().is_unspecified() {
        "localhost".to_owned()
    } else {
        addr.ip().to_string()
    };
    let text = if addr.is_ipv6() && !addr.ip().is_unspecified() {
        format!("http://[{host}]:{}", addr.port())
    } else {
        format!("http://{host}:{}", addr.port())
    };
    Url::parse(&text)
        .unwrap_or_else(|_| Url::parse("http://localhost:3000").expect("static URL parses"))
}

/// `OXCART_PAGE_CACHE_MB`: megabytes of rendered catalog pages kept in memory (default 8;
/// 0 renders every page).
pub fn page_cache_mb(get: Get<'_>) -> Result<usize, ConfigError> {
    const VAR: &str = "OXCART_PAGE_CACHE_MB";
    match get(VAR) {
        None => Ok(8),
        Some(raw) => raw
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|mb| *mb <= 4096)
            .ok_or_else(|| {
                invalid(
                    VAR,
                    format!("\"{raw}\" is not a number of megabytes from 0 to 4096"),
                )
            }),
    }
}

/// `OXCART_WEBHOOK_RETRY_UNIT_MS`: the unit of the webhook retry schedule, in ms
/// (default 60000: about a day of retries in all).
pub fn webhook_retry_unit_ms(get: Get<'_>) -> Result<u64, ConfigError> {
    const VAR: &str = "OXCART_WEBHOOK_RETRY_UNIT_MS";
    match get(VAR) {
        None => Ok(60_000),
        Some(raw) => raw
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|ms| (1..=3_600_000).contains(ms))
            .ok_or_else(|| {
                invalid(
                    VAR,
                    format!("\"{raw}\" is not a number of ms from 1 to 3600000"),
                )
            }),
    }
}
