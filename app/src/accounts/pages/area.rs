//! The signed-in area: overview, profile, security.

use super::parts::{flash_resource, query, Notice, RequireUser};
use crate::accounts::api::{
    ChangeEmail, ChangePassword, DeleteAccount, Logout, LogoutEverywhere, RemoveAvatar,
    UpdateProfile, UploadAvatar,
};
use crate::accounts::model::CurrentUser;
use crate::web::forms::{error_signal, kept, Field, FormError};
use leptos::prelude::*;
use leptos_meta::Title;

/// The account area's frame: a heading and the section navigation.
#[component]
pub(super) fn AccountFrame(
    user: CurrentUser,
    title: &'static str,
    children: Children,
) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    view! {
        <Title text=title />
        <div class="account">
            <aside class="account__nav" aria-label="Account">
                <div class="account__hello">
                    <Avatar user=user.clone() />
                    <p data-testid="account-hello">"Hello, " {user.display_name()}</p>
                </div>
                <nav>
                    <a href="/account">"Overview"</a>
                    <a href="/account/orders" data-testid="nav-orders">"Orders"</a>
                    <a href="/account/profile">"Profile"</a>
                    <a href="/account/addresses" data-testid="nav-addresses">"Addresses"</a>
                    <a href="/account/security">"Security"</a>
                    <a href="/account/two-factor">"Two-factor"</a>
                    {user.role.is_staff().then(|| view! { <a href="/admin">"Admin"</a> })}
                </nav>
                <ActionForm action=logout>
                    <button type="submit" class="button button--link" data-testid="logout">"Log out"</button>
                </ActionForm>
            </aside>
            <div class="account__main">
                <h1>{title}</h1>
                {children()}
            </div>
        </div>
    }
}

/// The user's picture, or their initial on a coloured disc.
#[component]
pub fn Avatar(user: CurrentUser) -> impl IntoView {
    match user.avatar_url.clone() {
        Some(url) => view! { <img class="avatar" src=url alt="" width="48" height="48" data-testid="avatar" /> }.into_any(),
        None => {
            let initial = user.display_name().chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
            view! { <span class="avatar avatar--initial" aria-hidden="true">{initial}</span> }.into_any()
        }
    }
}

/// Upload (multipart: a plain form before hydration, `fetch` with FormData after) and
/// removal of the profile picture.
#[component]
fn AvatarForm(user: CurrentUser) -> impl IntoView {
    use leptos::server_fn::ServerFn as _;
    use leptos::wasm_bindgen::JsCast as _;
    let upload = Action::new_local(|data: &leptos::web_sys::FormData| {
        crate::accounts::api::upload_avatar(data.clone().into())
    });
    let remove = ServerAction::<RemoveAvatar>::new();
    let flash = flash_resource("avatar");
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let form = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok());
        if let Some(data) = form.and_then(|f| leptos::web_sys::FormData::new_with_form(&f).ok()) {
            ev.prevent_default();
            upload.dispatch_local(data);
        }
    };
    let has_avatar = user.avatar_url.is_some();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let user = user.clone();
                Suspend::new(async move {
                    let flash = flash.await;
                    let error = error_signal(Signal::derive(move || upload.value().get().or_else(|| remove.value().get())), flash);
                    view! {
                        <form method="post" enctype="multipart/form-data" action=UploadAvatar::url() on:submit=on_submit class="form card" data-testid="avatar-form">
                            <h2>"Profile picture"</h2>
                            <div class="avatar-row">
                                <Avatar user />
                                <p class="muted">"PNG, JPEG or WebP, up to 1 MB."</p>
                            </div>
                            <FormError error />
                            <input type="file" name="avatar" accept="image/png,image/jpeg,image/webp" required data-testid="input-avatar" />
                            <button type="submit" class="button" data-testid="avatar-submit" disabled=move || upload.pending().get()>
                                {move || if upload.pending().get() { "Uploading…" } else { "Upload picture" }}
                            </button>
                        </form>
                        {has_avatar.then(|| view! {
                            <ActionForm action=remove>
                                <button type="submit" class="button button--link">"Remove picture"</button>
                            </ActionForm>
                        })}
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <RequireUser children=move |user: CurrentUser| view! {
            <AccountFrame user=user.clone() title="Your account">
                <div class="cards">
                    <section class="card">
                        <h2>"Profile"</h2>
                        <p>{if user.full_name.is_empty() { "No name yet".to_owned() } else { user.full_name.clone() }}</p>
                        <p class="muted" data-testid="account-email">{user.email.clone()}</p>
                        <a href="/account/profile">"Edit profile"</a>
                    </section>
                    <section class="card">
                        <h2>"Addresses"</h2>
                        <p>"Save addresses for a faster checkout."</p>
                        <a href="/account/addresses">"Manage addresses"</a>
                    </section>
                    <section class="card">
                        <h2>"Security"</h2>
                        <p>{if user.two_factor { "Two-factor authentication is on." } else { "Password sign-in." }}</p>
                        <a href="/account/security">"Password and sessions"</a>
                    </section>
                </div>
            </AccountFrame>
        } />
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let profile = ServerAction::<UpdateProfile>::new();
    let email = ServerAction::<ChangeEmail>::new();
    let profile_flash = flash_resource("profile");
    let email_flash = flash_resource("email");
    let saved = query("saved");
    let email_sent = query("email_sent");
    let email_changed = query("email_changed");
    view! {
        <RequireUser children=move |user: CurrentUser| {
            let full_name = user.full_name.clone();
            let current = user.email.clone();
            let avatar_user = user.clone();
            view! {
            <AccountFrame user title="Profile">
                {move || (saved.get().is_some() || profile.value().get().is_some_and(|r| r.is_ok())).then(|| view! { <Notice text="Your profile was saved.".to_owned() /> })}
                {move || email_changed.get().map(|_| view! { <Notice text="Your email address was changed.".to_owned() /> })}
                <AvatarForm user=avatar_user />
                <Suspense fallback=|| ()>
                    {
                        move || {
                            let full_name = full_name.clone();
                            Suspend::new(async move {
                                let flash = profile_flash.await;
                                let error = error_signal(profile.value(), flash.clone());
                                let name = flash.as_ref().map_or(full_name, |_| kept(&flash, "full_name"));
                                view! {
                                    <ActionForm action=profile attr:class="form card" attr:data-testid="profile-form">
                                        <h2>"Your details"</h2>
                                        <FormError error />
                                        <Field label="Full name" name="full_name" autocomplete="name" required=false value=name error />
                                        <button type="submit" class="button button--primary">"Save"</button>
                                    </ActionForm>
                                }
                            })
                        }
                    }
                </Suspense>
                <Suspense fallback=|| ()>
                    {
                        move || {
                            let current = current.clone();
                            Suspend::new(async move {
                                let flash = email_flash.await;
                                let error = error_signal(email.value(), flash.clone());
                                view! {
                                    <ActionForm action=email attr:class="form card" attr:data-testid="email-form">
                                        <h2>"Email address"</h2>
                                        <p class="muted">"Now: " {current}</p>
                                        {move || (email_sent.get().is_some() || email.value().get().is_some_and(|r| r.is_ok())).then(|| view! {
                                            <Notice text="We sent a link to the new address. The change takes effect when you follow it.".to_owned() />
                                        })}
                                        <FormError error />
                                        <Field label="New email" name="email" kind="email" autocomplete="email" value=kept(&flash, "email") error />
                                        <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" error />
                                        <button type="submit" class="button">"Change email"</button>
                                    </ActionForm>
                                }
                            })
                        }
                    }
                </Suspense>
            </AccountFrame>
        }} />
    }
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    let password = ServerAction::<ChangePassword>::new();
    let everywhere = ServerAction::<LogoutEverywhere>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    let password_flash = flash_resource("password");
    let delete_flash = flash_resource("delete");
    let changed = query("changed");
    view! {
        <RequireUser children=move |user: CurrentUser| view! {
            <AccountFrame user title="Security">
                {move || (changed.get().is_some() || password.value().get().is_some_and(|r| r.is_ok())).then(|| view! {
                    <Notice text="Your password was changed. Every other device was signed out.".to_owned() />
                })}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let flash = password_flash.await;
                        let error = error_signal(password.value(), flash);
                        view! {
                            <ActionForm action=password attr:class="form card" attr:data-testid="password-form">
                                <h2>"Change password"</h2>
                                <FormError error />
                                <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" error />
                                <Field label="New password" name="new_password" kind="password" autocomplete="new-password" hint="8 to 128 characters. Other devices will be signed out." error />
                                <button type="submit" class="button button--primary">"Change password"</button>
                            </ActionForm>
                        }
                    })}
                </Suspense>
                <section class="card">
                    <h2>"Sessions"</h2>
                    <p>"Signed in on a shared or lost device? Sign out of every device, this one included."</p>
                    <ActionForm action=everywhere>
                        <button type="submit" class="button" data-testid="logout-everywhere">"Log out everywhere"</button>
                    </ActionForm>
                </section>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let flash = delete_flash.await;
                        let error = error_signal(delete.value(), flash);
                        view! {
                            <ActionForm action=delete attr:class="form card card--danger" attr:data-testid="delete-form">
                                <h2>"Delete account"</h2>
                                <p>"Your name, email, addresses and saved details are erased. Orders stay on record for accounting, without your personal details."</p>
                                <FormError error />
                                <Field label="Password" name="confirm_password" kind="password" autocomplete="current-password" error />
                                <button type="submit" class="button button--danger" data-testid="delete-submit">"Delete my account"</button>
                            </ActionForm>
                        }
                    })}
                </Suspense>
            </AccountFrame>
        } />
    }
}
