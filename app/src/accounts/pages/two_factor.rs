//! Two-factor pages: setting it up (and off) in the account area, and the second step of
//! signing in.

use super::area::AccountFrame;
use super::parts::{flash_resource, query, AuthCard, Notice, RequireUser};
use crate::accounts::api::{
    two_factor_setup, two_factor_status, CompleteTwoFactor, DisableTwoFactor, EnableTwoFactor,
};
use crate::accounts::model::CurrentUser;
use crate::web::forms::{error_signal, Field, FormError};
use leptos::prelude::*;

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let enable = ServerAction::<EnableTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let status = Resource::new_blocking(
        move || (enable.version().get(), disable.version().get()),
        |_| two_factor_status(),
    );
    let setup = Resource::new_blocking(move || disable.version().get(), |_| two_factor_setup());
    let enable_flash = flash_resource("totp-enable");
    let disable_flash = flash_resource("totp-disable");
    let required = query("required");
    view! {
        <RequireUser children=move |user: CurrentUser| {
            let home = if user.role.is_staff() { "/admin" } else { "/account" };
            view! {
            <AccountFrame user title="Two-factor authentication">
                {move || required.get().map(|_| view! {
                    <p class="form-error" role="alert" data-testid="two-factor-required">"Admins must turn on two-factor authentication before they can use the admin."</p>
                })}
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let Ok(status) = status.await else {
                            return view! { <p class="form-error">"Could not load your security settings. Reload the page."</p> }.into_any();
                        };
                        if status.enabled {
                            let error = error_signal(disable.value(), disable_flash.await);
                            let codes = status.new_recovery_codes.clone();
                            view! {
                                <Notice text="Two-factor authentication is on.".to_owned() />
                                {(!codes.is_empty()).then(|| view! {
                                    <section class="card" data-testid="recovery-codes">
                                        <h2>"Your recovery codes"</h2>
                                        <p>"Keep these somewhere safe. Each one signs you in once if you lose your phone. They are shown only now."</p>
                                        <ul class="recovery-codes">{codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ul>
                                        <a class="button button--primary" href=home data-testid="continue-admin">"Continue"</a>
                                    </section>
                                })}
                                <p class="muted">{format!("{} recovery codes left.", status.recovery_codes_left)}</p>
                                {(!status.required).then(|| view! {
                                    <ActionForm action=disable attr:class="form card" attr:data-testid="totp-disable-form">
                                        <h2>"Turn off two-factor"</h2>
                                        <FormError error />
                                        <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" error />
                                        <Field label="Code from your app" name="code" autocomplete="one-time-code" error />
                                        <button type="submit" class="button">"Turn off"</button>
                                    </ActionForm>
                                })}
                            }.into_any()
                        } else {
                            let error = error_signal(enable.value(), enable_flash.await);
                            match setup.await {
                                Ok(setup) => view! {
                                    <section class="card two-factor-setup">
                                        <h2>"1. Scan this code with an authenticator app"</h2>
                                        <div class="qr" inner_html=setup.qr_svg></div>
                                        <p>"Or enter this key by hand:"</p>
                                        <p><code class="secret" data-testid="totp-secret">{setup.secret}</code></p>
                                    </section>
                                    <ActionForm action=enable attr:class="form card" attr:data-testid="totp-enable-form">
                                        <h2>"2. Enter the 6-digit code it shows"</h2>
                                        <FormError error />
                                        <Field label="Code" name="code" autocomplete="one-time-code" error />
                                        <button type="submit" class="button button--primary" data-testid="totp-enable-submit">"Turn on two-factor"</button>
                                    </ActionForm>
                                }.into_any(),
                                Err(err) => view! { <p class="form-error">{err.message}</p> }.into_any(),
                            }
                        }
                    })}
                </Suspense>
            </AccountFrame>
        }} />
    }
}

#[component]
pub fn TwoFactorLoginPage() -> impl IntoView {
    let action = ServerAction::<CompleteTwoFactor>::new();
    let flash = flash_resource("totp-login");
    let next = query("next");
    view! {
        <AuthCard title="Two-factor authentication" lead="Enter the 6-digit code from your authenticator app, or one of your recovery codes.">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let error = error_signal(action.value(), flash.await);
                    view! {
                        <ActionForm action attr:class="form" attr:data-testid="totp-login-form">
                            <FormError error />
                            <input type="hidden" name="next" value=move || next.get().unwrap_or_default() />
                            <Field label="Code" name="code" autocomplete="one-time-code" error />
                            <button type="submit" class="button button--primary button--block" data-testid="totp-login-submit">"Verify"</button>
                        </ActionForm>
                    }
                })}
            </Suspense>
            <p class="auth-card__links"><a href="/account/login">"Start over"</a></p>
        </AuthCard>
    }
}
