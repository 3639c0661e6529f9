//! Errors as shoppers, staff and API clients see them.
//!
//! [`PublicError`] is the safe, serialisable form that crosses to the browser (server
//! functions return it) and fills the JSON envelope. On the server, services return
//! [`AppError`], which carries the internal cause for the log and is turned into a
//! `PublicError` (or an HTTP response) at the edge.

use serde::{Deserialize, Serialize};

/// The machine-readable error codes of the API envelope (DESIGN.md; the specification's
/// table, plus the two a request body can earn at the edge: 413 and 415).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    ValidationError,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimitExceeded,
    InternalError,
    ServiceUnavailable,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ValidationError => "VALIDATION_ERROR",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::RateLimitExceeded => "RATE_LIMIT_EXCEEDED",
            Self::InternalError => "INTERNAL_ERROR",
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn status(self) -> u16 {
        match self {
            Self::ValidationError => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::RateLimitExceeded => 429,
            Self::InternalError => 500,
            Self::ServiceUnavailable => 503,
        }
    }
}

/// An error that is safe to show: no SQL, no stack, no internal names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct PublicError {
    pub code: ErrorCode,
    pub message: String,
    /// The form field or JSON property at fault, for validation errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Quoted to support staff so they can find the log lines of the failed request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl PublicError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
            request_id: None,
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for PublicError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(err: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match err {
            E::Request(_) => Self::new(
                ErrorCode::ServiceUnavailable,
                "We could not reach the store. Check your connection and try again.",
            ),
            E::Args(_) | E::MissingArg(_) => Self::new(
                ErrorCode::ValidationError,
                "The form was incomplete or malformed. Please check it and try again.",
            ),
            // On the server this is a request body that could not be read (the edge
            // refuses most such bodies before; see server/src/bodies.rs): the caller's
            // fault. In the browser it is an answer that could not be read: ours.
            E::Deserialization(_) if cfg!(feature = "ssr") => Self::new(
                ErrorCode::ValidationError,
                "The request could not be read. Please check it and try again.",
            ),
            _ => Self::new(
                ErrorCode::InternalError,
                "Something went wrong on our side. Please try again.",
            ),
        }
    }
}

#[cfg(feature = "ssr")]
mod away;

#[cfg(feature = "ssr")]
mod server {
    use super::{ErrorCode, PublicError};

    /// The one error type of the server side: services return it, edges map it.
    #[derive(Debug, thiserror::Error)]
    pub enum AppError {
        #[error("{message}")]
        Validation {
            field: Option<String>,
            message: String,
        },
        #[error("authentication required")]
        Unauthorized,
        /// A failed sign-in, whatever failed (unknown email, wrong password, deactivated).
        #[error("incorrect email or password")]
        BadCredentials,
        #[error("you do not have permission to do that")]
        Forbidden,
        /// The right password for an account whose email address is not confirmed yet (a
        /// fresh link has just been mailed): 403, as the API specification has it.
        #[error("confirm your email address first: we have just sent you a new link")]
        Unconfirmed,
        /// A staff action that moves money (refunds, cancellations, codes, rates) by a
        /// staff member without two-factor authentication.
        #[error("turn on two-factor authentication (Account → Two-factor) to do this: it is required for refunds, cancellations, discount codes and rates")]
        TwoFactorRequired,
        /// What was not found, in words a user understands ("page", "product").
        #[error("{0} not found")]
        NotFound(String),
        #[error("{0}")]
        Conflict(String),
        /// `limit` is the maximum of the counter that refused: a 429's `X-RateLimit-*`
        /// headers describe that counter, whatever other limits the request also counted.
        #[error("too many requests; retry in {retry_after} s")]
        RateLimited {
            retry_after: u64,
            /// The Unix time (seconds) the refusing window resets (`X-RateLimit-Reset`).
            reset_at: u64,
            limit: u32,
        },
        /// The media store has no room left, so an upload was not kept (nothing of it).
        #[error("there is no room left to store files, so this one was not saved: please try again later")]
        StorageFull,
        /// A dependency (database, Redis, payment provider) is down: worth retrying.
        #[error("{0} is unavailable")]
        Unavailable(String),
        /// Anything unexpected. The cause chain is logged, never shown.
        #[error(transparent)]
        Internal(#[from] anyhow::Error),
    }

    impl AppError {
        pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
            Self::Validation {
                field: Some(field.into()),
                message: message.into(),
            }
        }

        pub fn code(&self) -> ErrorCode {
            match self {
                Self::Validation { .. } => ErrorCode::ValidationError,
                Self::Unauthorized | Self::BadCredentials => ErrorCode::Unauthorized,
                Self::Forbidden | Self::TwoFactorRequired | Self::Unconfirmed => {
                    ErrorCode::Forbidden
                }
                Self::NotFound(_) => ErrorCode::NotFound,
                Self::Conflict(_) => ErrorCode::Conflict,
                Self::RateLimited { .. } => ErrorCode::RateLimitExceeded,
                Self::Unavailable(_) | Self::StorageFull => ErrorCode::ServiceUnavailable,
                Self::Internal(_) => ErrorCode::InternalError,
            }
        }

        pub fn status(&self) -> http::StatusCode {
            http::StatusCode::from_u16(self.code().status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
        }

        /// Gives the current server-function response this error's status (and `Retry-After`),
        /// unless it answers a plain form post (that stays a redirect). No-op outside Leptos.
        pub fn set_status(&self) {
            if crate::platform::request::is_plain_form_post() {
                return;
            }
            let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            else {
                return;
            };
            response.set_status(self.status());
            if let Self::RateLimited {
                retry_after,
                reset_at,
                limit,
            } = self
            {
                if let Ok(value) = http::HeaderValue::from_str(&retry_after.to_string()) {
                    response.insert_header(http::header::RETRY_AFTER, value);
                }
                // The counter that refused, replacing any other limit's headers set before.
                for (name, value) in refused_headers(*limit, *reset_at) {
                    if let Ok(value) = http::HeaderValue::from_str(&value) {
                        response.insert_header(http::HeaderName::from_static(name), value);
                    }
                }
            }
        }

        /// The shareable form. Internal causes are logged here, once, with the request id.
        pub fn to_public(&self) -> PublicError {
            let request_id = crate::platform::request::current_id();
            let message = match self {
                Self::Internal(cause) => {
                    // The id is a field of its own: this line must name its request even
                    // where the request's span is not current (work done while a page streams).
                    tracing::error!(request_id = request_id.as_deref().unwrap_or("-"), error = ?cause, "internal error");
                    "Something went wrong on our side. Please try again; if it keeps \
                     happening, contact us and quote the request id."
                        .to_owned()
                }
                other => {
                    let message = other.to_string();
                    let mut chars = message.chars();
                    match chars.next() {
                        Some(first) => first.to_uppercase().chain(chars).collect(),
                        None => message,
                    }
                }
            };
            PublicError {
                code: self.code(),
                message,
                field: match self {
                    Self::Validation { field, .. } => field.clone(),
                    _ => None,
                },
                request_id,
            }
        }
    }

    /// The `X-RateLimit-*` headers of a refusal by a counter of `limit` hits.
    pub fn refused_headers(limit: u32, reset_at: u64) -> [(&'static str, String); 3] {
        [
            ("x-ratelimit-limit", limit.to_string()),
            ("x-ratelimit-remaining", "0".to_owned()),
            ("x-ratelimit-reset", reset_at.to_string()),
        ]
    }

    /// The conversion at the end of a server function (`?`): besides the shareable error,
    /// the response gets the error's HTTP status (and `Retry-After`), except for a plain
    /// form post, which must stay a redirect back to the page.
    impl From<AppError> for PublicError {
        fn from(err: AppError) -> Self {
            err.set_status();
            err.to_public()
        }
    }

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            match super::away::database_away(&err) {
                Some(reason) => {
                    tracing::error!(error = %err, "database unavailable");
                    reason.count_one();
                    Self::Unavailable("the database".to_owned())
                }
                None => Self::Internal(anyhow::Error::new(err).context("database query")),
            }
        }
    }

    /// A session that could not be read or written: its store (the database or Redis)
    /// not answering is worth a retry (503); a record that does not encode or decode is
    /// our fault (500).
    impl From<tower_sessions::session::Error> for AppError {
        fn from(err: tower_sessions::session::Error) -> Self {
            use tower_sessions::session_store::Error as Store;
            match err {
                tower_sessions::session::Error::Store(Store::Backend(cause)) => {
                    tracing::error!(error = %cause, "session store unavailable");
                    Self::Unavailable("the session store".to_owned())
                }
                other => Self::Internal(anyhow::Error::new(other).context("session store")),
            }
        }
    }
}

#[cfg(feature = "ssr")]
pub use away::Away;
#[cfg(feature = "ssr")]
pub use server::{refused_headers, AppError};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_the_envelope_spells_them() {
        for code in [
            ErrorCode::ValidationError,
            ErrorCode::Unauthorized,
            ErrorCode::Forbidden,
            ErrorCode::NotFound,
            ErrorCode::Conflict,
            ErrorCode::PayloadTooLarge,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::RateLimitExceeded,
            ErrorCode::InternalError,
            ErrorCode::ServiceUnavailable,
        ] {
            let json = serde_json::to_value(code).expect("serialise");
            assert_eq!(json, code.as_str());
        }
        assert_eq!(ErrorCode::RateLimitExceeded.status(), 429);
        assert_eq!(ErrorCode::ServiceUnavailable.status(), 503);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn internal_errors_never_reveal_their_cause() {
        let err = AppError::Internal(anyhow::anyhow!("relation \"users\" does not exist"));
        let public = err.to_public();
        assert_eq!(public.code, ErrorCode::InternalError);
        assert!(!public.message.contains("users"), "{}", public.message);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn validation_errors_name_their_field() {
        let public = AppError::validation("email", "enter a valid email address").to_public();
        assert_eq!(public.field.as_deref(), Some("email"));
        assert_eq!(public.message, "Enter a valid email address");
    }
}
