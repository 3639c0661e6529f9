//! Forms that work before hydration and better after it. A server function posted by a
//! plain HTML form answers with a redirect (leptos_axum sends the browser back to the
//! page, or wherever the function redirected); errors would be lost on the way, so
//! [`finish`] keeps them in the session as a one-time "flash" that the page shows on its
//! next render, with the values the shopper typed (never passwords). After hydration the
//! same server functions are called with `fetch` and the error arrives as the result.

use crate::platform::error::PublicError;
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

/// Maps a service result for a server function. On error: a plain form post gets the
/// error (and `keep`, the non-secret values typed) as a flash for `form`; a `fetch` call
/// gets the error's HTTP status (see [`AppError::set_status`](crate::platform::error::AppError::set_status)).
#[cfg(feature = "ssr")]
pub async fn finish<T>(
    form: &str,
    result: Result<T, crate::platform::error::AppError>,
    keep: &[(&str, &str)],
) -> Result<T, PublicError> {
    let err = match result {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    let public = crate::platform::error::PublicError::from(err);
    if crate::platform::request::is_plain_form_post() {
        if let Ok(session) = crate::platform::sessions::current().await {
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

/// Sends the browser to `to` after a server function: a real redirect for a plain form
/// post, a client-side one after hydration. Every redirect of a server function goes
/// through here: a target that is not a valid header value (which would make
/// `leptos_axum::redirect` panic building the `Location` header) goes to the home page.
#[cfg(feature = "ssr")]
pub fn redirect(to: &str) {
    if http::HeaderValue::from_str(to).is_ok() {
        leptos_axum::redirect(to);
    } else {
        tracing::warn!("refused to redirect to a target that is not a header value");
        leptos_axum::redirect("/");
    }
}

/// Where to continue after signing in: `next` when it is a path on this store, else
/// `fallback`. `next` is resolved against the public URL as a browser would resolve it
/// (so `/\t/evil.example`, which browsers read as `//evil.example`, is another origin) and
/// kept only when it stays on the same origin; control characters, whitespace and
/// backslashes are refused outright. The answer is the normalised path and query, always
/// a valid header value.
#[cfg(feature = "ssr")]
pub fn safe_next(public_url: &url::Url, next: Option<&str>, fallback: &str) -> String {
    let Some(next) = next.filter(|n| n.starts_with('/')) else {
        return fallback.to_owned();
    };
    if next
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return fallback.to_owned();
    }
    match public_url.join(next) {
        Ok(url) if url.origin() == public_url.origin() => {
            let path = &url[url::Position::BeforePath..];
            if path.starts_with("//") {
                fallback.to_owned()
            } else {
                path.to_owned()
            }
        }
        _ => fallback.to_owned(),
    }
}

/// Puts rate-limit headers on the current server-function response.
#[cfg(feature = "ssr")]
pub fn rate_limit_headers(decision: &crate::platform::limits::Decision) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        for (name, value) in decision.headers() {
            if let Ok(value) = http::HeaderValue::from_str(&value) {
                response.insert_header(http::HeaderName::from_static(name), value);
            }
        }
    }
}

/// A result to show once, such as a secret just made: returned to a `fetch` call; after a
/// plain form post (no script to show the answer) kept in the session under `key` for the
/// page at `to`, which takes it with [`take_kept`], and the browser is sent there.
#[cfg(feature = "ssr")]
pub async fn show_once<T: Serialize>(
    key: &str,
    value: T,
    to: &str,
) -> Result<Option<T>, PublicError> {
    if !crate::platform::request::is_plain_form_post() {
        return Ok(Some(value));
    }
    let session = crate::platform::sessions::current().await?;
    session
        .insert(key, &value)
        .await
        .map_err(crate::platform::error::AppError::from)?;
    redirect(to);
    Ok(None)
}

/// Takes (and forgets) what [`show_once`] kept under `key`.
#[cfg(feature = "ssr")]
pub async fn take_kept<T: serde::de::DeserializeOwned>(
    key: &str,
) -> Result<Option<T>, PublicError> {
    let session = crate::platform::sessions::current().await?;
    crate::platform::sessions::take::<T>(&session, key)
        .await
        .map_err(|e| {
            crate::platform::error::AppError::Internal(anyhow::Error::new(e).context("session"))
                .into()
        })
}

/// Takes (and forgets) the flash of `form`, if its last plain submission failed.
#[server]
pub async fn take_flash(form: String) -> Result<Option<Flash>, PublicError> {
    let session = crate::platform::sessions::current().await?;
    crate::platform::sessions::take::<Flash>(&session, &flash_key(&form))
        .await
        .map_err(|e| {
            crate::platform::error::AppError::Internal(anyhow::Error::new(e).context("session"))
                .into()
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

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn next(raw: &str) -> String {
        let public = url::Url::parse("https://shop.example.com/").expect("url");
        safe_next(&public, Some(raw), "/account")
    }

    #[test]
    fn a_next_path_on_this_store_is_kept_normalised() {
        assert_eq!(next("/account/orders"), "/account/orders");
        assert_eq!(next("/search?q=linen shirt"), "/account");
        assert_eq!(next("/search?q=linen%20shirt"), "/search?q=linen%20shirt");
        assert_eq!(next("/products/caf\u{e9}"), "/products/caf%C3%A9");
        assert_eq!(next("/a/../admin"), "/admin");
    }

    #[test]
    fn anything_that_could_leave_the_store_falls_back() {
        for hostile in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\u{b}/evil.example",
            "/\\evil.example",
            "/\u{a0}/evil.example",
            "https://evil.example/",
            "evil.example",
            "javascript:alert(1)",
            "/%2F/evil.example/..",
            "",
        ] {
            let got = next(hostile);
            assert!(
                got == "/account" || (got.starts_with('/') && !got.starts_with("//")),
                "{hostile:?} gave {got:?}"
            );
            assert!(http::HeaderValue::from_str(&got).is_ok(), "{hostile:?}");
        }
        assert_eq!(next("/\t/evil.example"), "/account");
        assert_eq!(next("//evil.example"), "/account");
    }
}
