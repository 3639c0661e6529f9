//! Signing in and up, and the pages behind mailed links.

use super::parts::{flash_resource, query, AuthCard, Notice};
use crate::accounts::api::{
    ConfirmEmailChange, Login, Register, RequestPasswordReset, ResetPassword, VerifyEmail,
};
use crate::web::forms::{error_signal, kept, Field, FormError};
use leptos::prelude::*;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let flash = flash_resource("login");
    let next = query("next");
    let notice = move || {
        let q = |name| query(name).get().is_some();
        if q("verified") {
            Some("Your email is confirmed. Log in to continue.")
        } else if q("reset") {
            Some("Your password was changed and every device was signed out. Log in with the new password.")
        } else if q("ended") {
            Some("You were signed out everywhere.")
        } else {
            None
        }
    };
    view! {
        <AuthCard title="Log in">
            {move || notice().map(|text| view! { <Notice text=text.to_owned() /> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let flash = flash.await;
                    let error = error_signal(action.value(), flash.clone());
                    view! {
                        <ActionForm action attr:class="form" attr:data-testid="login-form">
                            <FormError error />
                            <input type="hidden" name="next" value=move || next.get().unwrap_or_default() />
                            <Field label="Email" name="email" kind="email" autocomplete="email" value=kept(&flash, "email") error />
                            <Field label="Password" name="password" kind="password" autocomplete="current-password" error />
                            <button type="submit" class="button button--primary button--block" data-testid="login-submit" disabled=move || action.pending().get()>
                                {move || if action.pending().get() { "Logging in…" } else { "Log in" }}
                            </button>
                        </ActionForm>
                    }
                })}
            </Suspense>
            <p class="auth-card__links">
                <a href="/account/forgot">"Forgot your password?"</a>
                <a href="/account/register" data-testid="register-link">"Create an account"</a>
            </p>
        </AuthCard>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let flash = flash_resource("register");
    view! {
        <AuthCard title="Create an account" lead="Save addresses, check out faster and follow your orders.">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let flash = flash.await;
                    let error = error_signal(action.value(), flash.clone());
                    view! {
                        <ActionForm action attr:class="form" attr:data-testid="register-form">
                            <FormError error />
                            <Field label="Full name" name="full_name" autocomplete="name" required=false value=kept(&flash, "full_name") error />
                            <Field label="Email" name="email" kind="email" autocomplete="email" value=kept(&flash, "email") error />
                            <Field label="Password" name="password" kind="password" autocomplete="new-password" hint="8 to 128 characters. A short sentence is easy to remember and hard to guess." error />
                            <button type="submit" class="button button--primary button--block" data-testid="register-submit" disabled=move || action.pending().get()>
                                {move || if action.pending().get() { "Creating your account…" } else { "Create account" }}
                            </button>
                        </ActionForm>
                    }
                })}
            </Suspense>
            <p class="auth-card__links">
                "Already have an account? " <a href="/account/login">"Log in"</a>
            </p>
        </AuthCard>
    }
}

#[component]
pub fn CheckEmailPage() -> impl IntoView {
    view! {
        <AuthCard title="Check your inbox">
            <p data-testid="check-email">
                "We've sent you an email with a link to confirm your address. Follow it to finish creating your account; it works for 24 hours."
            </p>
            <p class="muted">"Nothing there? Check your spam folder, or try logging in: we send a fresh link if the address is not confirmed yet."</p>
            <a class="button" href="/account/login">"Go to log in"</a>
        </AuthCard>
    }
}

/// A page behind a mailed link: the token from the query, and the form `body` builds
/// around it (a GET never changes anything: the form posts the token).
#[component]
fn TokenPage<F>(
    title: &'static str,
    lead: &'static str,
    form: &'static str,
    value: Signal<Option<Result<(), crate::platform::error::PublicError>>>,
    body: F,
) -> impl IntoView
where
    F: Fn(String, Signal<Option<crate::platform::error::PublicError>>) -> AnyView
        + Send
        + Sync
        + Clone
        + 'static,
{
    let flash = flash_resource(form);
    let token = query("token");
    view! {
        <AuthCard title lead>
            <Suspense fallback=|| ()>
                {move || {
                    let body = body.clone();
                    Suspend::new(async move {
                        let flash = flash.await;
                        let error = error_signal(value, flash);
                        match token.get() {
                            None => view! {
                                <p class="form-error" role="alert">"This link is incomplete. Open it again from your email, or ask for a new one."</p>
                            }.into_any(),
                            Some(token) => body(token, error),
                        }
                    })
                }}
            </Suspense>
        </AuthCard>
    }
}

#[component]
pub fn VerifyPage() -> impl IntoView {
    let action = ServerAction::<VerifyEmail>::new();
    view! {
        <TokenPage title="Confirm your email" lead="One click and your account is ready." form="verify" value=Signal::derive(move || action.value().get())
            body=move |token, error| view! {
                <ActionForm action attr:class="form" attr:data-testid="verify-form">
                    <FormError error />
                    <input type="hidden" name="token" value=token />
                    <button type="submit" class="button button--primary button--block" data-testid="verify-submit">"Confirm my email"</button>
                </ActionForm>
            }.into_any()
        />
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    view! {
        <TokenPage title="Choose a new password" lead="Every device will be signed out; then log in with the new password." form="reset" value=Signal::derive(move || action.value().get())
            body=move |token, error| view! {
                <ActionForm action attr:class="form" attr:data-testid="reset-form">
                    <FormError error />
                    <input type="hidden" name="token" value=token />
                    <Field label="New password" name="password" kind="password" autocomplete="new-password" hint="8 to 128 characters." error />
                    <button type="submit" class="button button--primary button--block" data-testid="reset-submit">"Save new password"</button>
                </ActionForm>
            }.into_any()
        />
    }
}

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmailChange>::new();
    view! {
        <TokenPage title="Confirm your new email" lead="Use this address for your account from now on." form="confirm-email" value=Signal::derive(move || action.value().get())
            body=move |token, error| view! {
                <ActionForm action attr:class="form" attr:data-testid="confirm-email-form">
                    <FormError error />
                    <input type="hidden" name="token" value=token />
                    <button type="submit" class="button button--primary button--block" data-testid="confirm-email-submit">"Use this address"</button>
                </ActionForm>
            }.into_any()
        />
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let flash = flash_resource("forgot");
    let sent = query("sent");
    view! {
        <AuthCard title="Reset your password" lead="Enter the email of your account and we'll send you a link to choose a new password.">
            {move || (sent.get().is_some() || action.value().get().is_some_and(|r| r.is_ok())).then(|| view! {
                <Notice text="If an account exists for that address, we've sent it a link. It works once, for 30 minutes.".to_owned() />
            })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let flash = flash.await;
                    let error = error_signal(action.value(), flash.clone());
                    view! {
                        <ActionForm action attr:class="form" attr:data-testid="forgot-form">
                            <FormError error />
                            <Field label="Email" name="email" kind="email" autocomplete="email" value=kept(&flash, "email") error />
                            <button type="submit" class="button button--primary button--block" data-testid="forgot-submit">"Send the link"</button>
                        </ActionForm>
                    }
                })}
            </Suspense>
            <p class="auth-card__links"><a href="/account/login">"Back to log in"</a></p>
        </AuthCard>
    }
}

#[component]
pub fn InvitePage() -> impl IntoView {
    let action = ServerAction::<crate::accounts::api::AcceptInvite>::new();
    view! {
        <TokenPage title="Join the team" lead="Choose your name and password to finish setting up your staff account." form="invite-accept" value=Signal::derive(move || action.value().get())
            body=move |token, error| view! {
                <ActionForm action attr:class="form" attr:data-testid="invite-form">
                    <FormError error />
                    <input type="hidden" name="token" value=token />
                    <Field label="Full name" name="full_name" autocomplete="name" error />
                    <Field label="Password" name="password" kind="password" autocomplete="new-password" hint="8 to 128 characters." error />
                    <button type="submit" class="button button--primary button--block" data-testid="invite-submit">"Join"</button>
                </ActionForm>
            }.into_any()
        />
    }
}
