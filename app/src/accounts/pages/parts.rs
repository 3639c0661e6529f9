//! What the account pages share: the signed-in user as a resource, flash messages and
//! query values, the frames of sign-in cards and notices.

use crate::accounts::api::get_current_user;
use crate::accounts::model::CurrentUser;
use crate::platform::error::PublicError;
use crate::web::forms::{take_flash, Flash};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_query_map};

/// The signed-in user, loaded once per navigation by the layout and shared as context.
pub type UserResource = Resource<Result<Option<CurrentUser>, PublicError>>;

/// Creates the user resource (in the layout). It follows the path, so signing in or out
/// (each ends in a navigation) is reflected everywhere.
pub fn provide_user_resource() -> UserResource {
    let location = use_location();
    let user: UserResource =
        Resource::new_blocking(move || location.pathname.get(), |_| get_current_user());
    provide_context(user);
    user
}

pub fn use_user() -> UserResource {
    expect_context::<UserResource>()
}

/// A one-time flash of `form`, loaded with the page.
pub fn flash_resource(form: &'static str) -> Resource<Option<Flash>> {
    Resource::new_blocking(
        || (),
        move |_| async move { take_flash(form.to_owned()).await.ok().flatten() },
    )
}

/// A query parameter of the current URL.
pub fn query(name: &'static str) -> Memo<Option<String>> {
    let map = use_query_map();
    Memo::new(move |_| map.with(|m| m.get(name)))
}

/// Renders `children` with the signed-in user; sends anyone else to the login page and
/// back here afterwards.
#[component]
pub fn RequireUser<F, V>(children: F) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let user = use_user();
    let location = use_location();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => children(user).into_any(),
                        Ok(None) => {
                            let here = location.pathname.get_untracked();
                            let path = format!("/account/login?next={}", urlencode(&here));
                            view! { <Redirect path /> }.into_any()
                        }
                        Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// A centred card for the sign-in and sign-up pages.
#[component]
pub fn AuthCard(
    title: &'static str,
    #[prop(optional)] lead: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <leptos_meta::Title text=title />
        <section class="auth-card">
            <h1>{title}</h1>
            {(!lead.is_empty()).then(|| view! { <p class="auth-card__lead">{lead}</p> })}
            {children()}
        </section>
    }
}

/// A green notice, e.g. "Your email is confirmed".
#[component]
pub fn Notice(text: String) -> impl IntoView {
    view! { <p class="notice" role="status" data-testid="notice">{text}</p> }
}
