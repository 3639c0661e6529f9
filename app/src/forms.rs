//! Forms that work before hydration and better after it. A server function posted by a
//! plain HTML form answers with a redirect (leptos_axum sends the browser back to the
//! page, or wherever the function redirected); errors would be lost on the way, so
//! [`finish`] keeps them in the session as a one-time "flash" that the page shows on its
//! next render, with the values the shopper typed (never passwords). After hydration the
//! same server functions are called with `fetch` and the error arrives as the result.

use crate::error::PublicError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A failed form submission waiting to be shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub error: PublicError,
    pub values: HashMap<String, String>,
}

#[cfg(feature = "ssr")]
fn flash_key(form: &str) -> String {
    format!("flash:{form}")
}

/// Whether the current server-function call is a plain form post (no JavaScript).
#[cfg(feature = "ssr")]
pub fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    })
}

/// Maps a service result for a server function. On error: a plain form post gets the
/// error (and `keep`, the non-secret values typed) as a flash for `form`; a `fetch` call
/// gets the error's HTTP status (see [`set_error_status`]).
#[cfg(feature = "ssr")]
pub async fn finish<T>(
    form: &str,
    result: Result<T, crate::error::AppError>,
    keep: &[(&str, &str)],
) -> Result<T, PublicError> {
    let err = match result {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    let public = crate::error::PublicError::from(err);
    if is_plain_form_post() {
        if let Ok(session) = crate::state::session().await {
            let flash = Flash {
                error: public.clone(),
                values: keep
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            };
            if let Err(e) = session.insert(&flash_key(form), flash).await {
                tracing::warn!(error = %e, "could not keep a form error in the session");
            }
        }
    }
    Err(public)
}

/// Gives the current server-function response the status of `err` (and `Retry-After`),
/// unless it answers a plain form post (that stays a redirect). No-op outside Leptos.
#[cfg(feature = "ssr")]
pub fn set_error_status(err: &crate::error::AppError) {
    if is_plain_form_post() {
        return;
    }
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    response.set_status(err.status());
    if let crate::error::AppError::RateLimited { retry_after } = err {
        if let Ok(value) = http::HeaderValue::from_str(&retry_after.to_string()) {
            response.insert_header(http::header::RETRY_AFTER, value);
        }
    }
}

/// Puts rate-limit headers on the current server-function response.
#[cfg(feature = "ssr")]
pub fn rate_limit_headers(decision: &crate::limits::Decision) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        for (name, value) in decision.headers() {
            if let Ok(value) = http::HeaderValue::from_str(&value) {
                response.insert_header(http::HeaderName::from_static(name), value);
            }
        }
    }
}

/// Takes (and forgets) the flash of `form`, if its last plain submission failed.
#[server]
pub async fn take_flash(form: String) -> Result<Option<Flash>, PublicError> {
    let session = crate::state::session().await?;
    crate::sessions::take::<Flash>(&session, &flash_key(&form))
        .await
        .map_err(|e| {
            crate::error::AppError::Internal(anyhow::Error::new(e).context("session")).into()
        })
}

/// The error a form shows: the action's latest result once it ran in the page, else the
/// flash of a plain submission.
pub fn error_signal<T>(
    value: impl Get<Value = Option<Result<T, PublicError>>> + Send + Sync + 'static,
    flash: Option<Flash>,
) -> Signal<Option<PublicError>>
where
    T: Clone + Send + Sync + 'static,
{
    let from_flash = flash.map(|f| f.error);
    Signal::derive(move || match value.get() {
        Some(Err(err)) => Some(err),
        Some(Ok(_)) => None,
        None => from_flash.clone(),
    })
}

/// A value the shopper typed before a plain submission failed.
pub fn kept(flash: &Option<Flash>, name: &str) -> String {
    flash
        .as_ref()
        .and_then(|f| f.values.get(name).cloned())
        .unwrap_or_default()
}

/// The form-level error banner (`role="alert"`), with the request id for support.
#[component]
pub fn FormError(error: Signal<Option<PublicError>>) -> impl IntoView {
    move || {
        error.get().map(|err| {
            view! {
                <div class="form-error" role="alert" data-testid="form-error">
                    <p>{err.message.clone()}</p>
                    {err.request_id.clone().map(|id| view! { <p class="form-error__id">"Reference: " {id}</p> })}
                </div>
            }
        })
    }
}

/// A labelled input whose error (when the failed field is this one) sits under it.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] hint: &'static str,
    #[prop(default = true)] required: bool,
    error: Signal<Option<PublicError>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let field_error = move || {
        error
            .get()
            .filter(|e| e.field.as_deref() == Some(name))
            .map(|e| e.message)
    };
    view! {
        <div class="field" class:field--invalid=move || field_error().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=name
                type=kind
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                value=value
                required=required
                aria-invalid=move || field_error().is_some().then_some("true")
                aria-describedby=(!hint.is_empty()).then(|| hint_id.clone())
                data-testid=format!("input-{name}")
            />
            {(!hint.is_empty()).then(|| view! { <p class="field__hint" id=hint_id.clone()>{hint}</p> })}
            {move || field_error().map(|m| view! { <p class="field__error" data-testid=format!("error-{name}")>{m}</p> })}
        </div>
    }
}
