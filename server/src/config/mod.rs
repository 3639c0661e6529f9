//! Configuration from the environment (and an optional `.env`), with the names of
//! DESIGN.md and safe defaults for the embedded mode. A bad value is a [`ConfigError`]
//! that names the variable and says what would be accepted.

use app::platform::db::Backend;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use url::Url;

mod read;

/// Everything the process needs to start, parsed and checked.
#[derive(Clone, Debug)]
pub struct Config {
    /// `OXCART_ADDR`: where to listen.
    pub addr: SocketAddr,
    /// `OXCART_DATA_DIR`: SQLite file, uploads, mail outbox, generated secrets.
    pub data_dir: PathBuf,
    /// `OXCART_PUBLIC_URL`: the URL shoppers use; links in mail are built from it.
    pub public_url: Url,
    /// `DATABASE_URL`: `sqlite://…` (default, under the data dir) or `postgres://…`.
    pub database_url: Secret,
    /// `REDIS_URL`: sessions (and later cache, rate limits, pub/sub) in Redis.
    pub redis_url: Option<Secret>,
    /// `LOG_FORMAT`: `pretty` (default) or `json`.
    pub log_format: LogFormat,
    /// `SESSION_SECRET`: signs session cookies; generated in the data dir when unset.
    /// Set it (the same on every instance) when several instances share sessions.
    pub session_secret: Option<Secret>,
    /// `LEPTOS_SITE_ROOT`, else found next to the binary or under `./target/site`.
    pub site_root: Option<PathBuf>,
    /// `SMTP_URL`: `smtps://user:pass@host:465` (TLS), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or plain `smtp://host:25` (a relay on the same host); unset: mail is
    /// written to `<data dir>/outbox` as `.eml` files.
    pub smtp_url: Option<Secret>,
    /// `MAIL_FROM`: the sender of every mail, e.g. `Oxcart <shop@example.com>`.
    pub mail_from: String,
    /// `JWT_SECRET`: signs REST access tokens (HS256); generated in the data dir when unset.
    pub jwt_secret: Option<Secret>,
    /// `OXCART_TRUST_PROXY`: `true` behind a reverse proxy, so the client address (rate
    /// limits, logs) is read from `X-Forwarded-For`. Default `false`.
    pub trust_proxy: bool,
    /// `STORAGE_URL`: where uploaded pictures go: `file:///abs/path` or
    /// `s3://bucket/prefix` (credentials from `AWS_*`); unset: `<data dir>/media`.
    pub storage_url: Option<Url>,
    /// The `AWS_*` settings of an `s3://` `STORAGE_URL` (credentials, region, endpoint).
    pub storage_options: Vec<(String, Secret)>,
    /// `OXCART_CATALOG_CACHE`: `on` (default) or `off` (every read from the database).
    pub catalog_cache: bool,
    /// `OXCART_PAGE_CACHE_MB`: rendered catalog pages kept for anonymous visitors (MB).
    pub page_cache_mb: usize,
    /// `STRIPE_SECRET_KEY`: payments through Stripe; unset, the offline test provider.
    pub stripe_secret_key: Option<Secret>,
    /// `STRIPE_PUBLISHABLE_KEY`: for Stripe.js in the browser (required with the secret key).
    pub stripe_publishable_key: Option<String>,
    /// `STRIPE_WEBHOOK_SECRET`: verifies `POST /webhooks/stripe` (required with the secret key).
    pub stripe_webhook_secret: Option<Secret>,
    /// `STRIPE_API_BASE`: another address for Stripe's API (a local fake in tests).
    pub stripe_api_base: Option<Url>,
    /// `OXCART_WEBHOOKS_ALLOW_PRIVATE`: `true` lets webhook endpoints be loopback or
    /// private addresses (a receiver on the same machine, tests). Default `false`.
    pub webhooks_allow_private: bool,
    /// `OXCART_WEBHOOK_RETRY_UNIT_MS`: the unit of the webhook retry schedule (default one
    /// minute: retries after 1, 5, 15, 30 min, 1, 2, 4, 8, 8 h). Tests shorten it.
    pub webhook_retry_unit_ms: u64,
    /// `OXCART_METRICS_TOKEN`: `/metrics` answers a Prometheus scrape carrying it as a
    /// bearer token (at least 16 characters); without it, `/metrics` is not served.
    pub metrics_token: Option<Secret>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// A value that must not reach logs: `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A configuration value that cannot be used, naming the variable at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {var}: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub reason: String,
}

pub(crate) fn invalid(var: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        reason: reason.into(),
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup` (the environment, or a map in tests).
    /// Empty values count as unset. Each concern is one function of [`read`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let get: read::Get<'_> = &get;
        let addr = read::addr(get)?;
        let data_dir = PathBuf::from(get("OXCART_DATA_DIR").unwrap_or_else(|| "./data".to_owned()));
        let public_url = read::public_url(get, addr)?;
        let stripe = read::stripe(get)?;
        Ok(Self {
            database_url: Secret(read::database_url(get, &data_dir)?),
            redis_url: read::redis_url(get)?,
            log_format: read::log_format(get)?,
            session_secret: read::secret(
                get,
                "SESSION_SECRET",
                64,
                ", e.g. the output of `openssl rand -hex 32`",
            )?,
            site_root: get("LEPTOS_SITE_ROOT").map(PathBuf::from),
            smtp_url: read::smtp_url(get)?,
            mail_from: read::mail_from(get, &public_url)?,
            jwt_secret: read::secret(get, "JWT_SECRET", 32, "")?,
            trust_proxy: read::switch(
                get,
                "OXCART_TRUST_PROXY",
                ["true", "1", "yes"],
                ["false", "0", "no"],
                false,
                "true or false",
            )?,
            storage_url: read::storage_url(get)?,
            storage_options: read::storage_options(get),
            catalog_cache: read::switch(
                get,
                "OXCART_CATALOG_CACHE",
                ["on", "true", "1"],
                ["off", "false", "0"],
                true,
                "on or off",
            )?,
            page_cache_mb: read::page_cache_mb(get)?,
            webhooks_allow_private: read::switch(
                get,
                "OXCART_WEBHOOKS_ALLOW_PRIVATE",
                ["true", "1", "yes"],
                ["false", "0", "no"],
                false,
                "true or false",
            )?,
            webhook_retry_unit_ms: read::webhook_retry_unit_ms(get)?,
            metrics_token: read::secret(get, "OXCART_METRICS_TOKEN", 16, "")?,
            stripe_secret_key: stripe.secret_key.map(Secret),
            stripe_publishable_key: stripe.publishable_key,
            stripe_webhook_secret: stripe.webhook_secret.map(Secret),
            stripe_api_base: stripe.api_base,
            addr,
            data_dir,
            public_url,
        })
    }

    /// Whether cookies must be `Secure` (the store is reached over https).
    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// A human-readable summary with secrets and passwords hidden, for `check-config`.
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        let backend = Backend::from_url(self.database_url.expose())
            .map(|b| b.to_string())
            .unwrap_or_default();
        vec![
            ("OXCART_ADDR", self.addr.to_string()),
            ("OXCART_DATA_DIR", self.data_dir.display().to_string()),
            ("OXCART_PUBLIC_URL", self.public_url.to_string()),
            (
                "DATABASE_URL",
                format!("{} ({backend})", redact_url(self.database_url.expose())),
            ),
            (
                "REDIS_URL",
                self.redis_url.as_ref().map_or_else(
                    || "not set: sessions in the database".to_owned(),
                    |u| redact_url(u.expose()),
                ),
            ),
            (
                "STORAGE_URL",
                self.storage_url.as_ref().map_or_else(
                    || {
                        format!(
                            "not set: pictures in {}",
                            self.data_dir.join("media").display()
                        )
                    },
                    |u| redact_url(u.as_str()),
                ),
            ),
            (
                "LOG_FORMAT",
                format!("{:?}", self.log_format).to_lowercase(),
            ),
            (
                "SESSION_SECRET",
                if self.session_secret.is_some() {
                    "set".to_owned()
                } else {
                    "not set: generated in the data dir".to_owned()
                },
            ),
            (
                "SMTP_URL",
                self.smtp_url.as_ref().map_or_else(
                    || {
                        format!(
                            "not set: mail written to {}",
                            self.data_dir.join("outbox").display()
                        )
                    },
                    |u| redact_url(u.expose()),
                ),
            ),
            ("MAIL_FROM", self.mail_from.clone()),
            ("OXCART_TRUST_PROXY", self.trust_proxy.to_string()),
            (
                "OXCART_WEBHOOKS_ALLOW_PRIVATE",
                self.webhooks_allow_private.to_string(),
            ),
            ("OXCART_PAGE_CACHE_MB", self.page_cache_mb.to_string()),
            (
                "OXCART_METRICS_TOKEN",
                if self.metrics_token.is_some() {
                    "set: /metrics is served".to_owned()
                } else {
                    "not set: /metrics is not served".to_owned()
                },
            ),
            (
                "JWT_SECRET",
                if self.jwt_secret.is_some() {
                    "set".to_owned()
                } else {
                    "not set: generated in the data dir".to_owned()
                },
            ),
        ]
    }
}

/// Hides the password of a URL (`postgres://app:***@db/oxcart`).
pub fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn an_empty_environment_gives_the_embedded_defaults() {
        let config = load(&[]).expect("defaults are valid");
        assert_eq!(config.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.data_dir, PathBuf::from("./data"));
        assert_eq!(config.database_url.expose(), "sqlite://./data/oxcart.db");
        assert_eq!(config.public_url.as_str(), "http://127.0.0.1:3000/");
        assert!(config.redis_url.is_none());
        assert_eq!(config.log_format, LogFormat::Pretty);
        assert!(!config.is_https());
    }

    #[test]
    fn the_database_follows_the_data_dir() {
        let config = load(&[("OXCART_DATA_DIR", "/var/lib/oxcart")]).expect("valid");
        assert_eq!(
            config.database_url.expose(),
            "sqlite:///var/lib/oxcart/oxcart.db"
        );
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        let cases = [
            ("OXCART_ADDR", "nonsense"),
            ("DATABASE_URL", "mysql://x"),
            ("OXCART_PUBLIC_URL", "shop.example.com"),
            ("OXCART_PUBLIC_URL", "ftp://shop.example.com"),
            ("REDIS_URL", "localhost:6379"),
            ("LOG_FORMAT", "xml"),
            ("SESSION_SECRET", "short"),
        ];
        for (var, value) in cases {
            let err = load(&[(var, value)]).expect_err(&format!("{var}={value} is refused"));
            assert_eq!(err.var, var);
            assert!(
                err.to_string()
                    .starts_with(&format!("invalid configuration: {var}: ")),
                "{err}"
            );
            assert!(!err.to_string().contains('\n'), "one line: {err}");
        }
    }

    #[test]
    fn https_public_urls_make_cookies_secure() {
        let config = load(&[("OXCART_PUBLIC_URL", "https://shop.example.com")]).expect("valid");
        assert!(config.is_https());
    }

    #[test]
    fn secrets_and_passwords_never_print() {
        let config = load(&[
            ("DATABASE_URL", "postgres://app:hunter2@db/oxcart"),
            ("SESSION_SECRET", &"s".repeat(64)),
        ])
        .expect("valid");
        let printed = format!("{config:?} {:?}", config.summary());
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains(&"s".repeat(64)), "{printed}");
    }

    #[test]
    fn localhost_is_accepted_as_a_host() {
        let config = load(&[("OXCART_ADDR", "localhost:8080")]).expect("valid");
        assert_eq!(config.addr.to_string(), "127.0.0.1:8080");
    }
}
