//! Server functions of the accounts domain: thin edges that read the session, call one
//! service function and map the result (see [`crate::forms::finish`] for forms without JS).

use super::model::CurrentUser;
use crate::error::PublicError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(super) mod edge {
    pub use super::super::{service, session};
    pub use crate::error::AppError;
    pub use crate::forms::finish;
    pub use crate::state::AppState;
    pub use tower_sessions::Session;

    pub async fn context() -> Result<(AppState, Session), AppError> {
        Ok((AppState::from_context()?, crate::state::session().await?))
    }

    /// Counts this request against the per-IP limit of sign-in, registration and reset,
    /// and reports the counter in the `X-RateLimit-*` headers.
    pub async fn limit(state: &AppState) -> Result<(), AppError> {
        let ip = leptos::prelude::use_context::<http::request::Parts>()
            .map(|p| crate::request::client_ip(&p.headers, &p.extensions, state.config.trust_proxy))
            .unwrap_or_default();
        let decision = state.limiter.hit(crate::limits::AUTH_PER_IP, &ip).await?;
        crate::forms::rate_limit_headers(&decision);
        decision.into_result().map(drop)
    }

    /// A path on this site to continue to after signing in (never another host).
    pub fn local_path(next: Option<&str>, fallback: &str) -> String {
        match next {
            Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => {
                p.to_owned()
            }
            _ => fallback.to_owned(),
        }
    }
}

/// The signed-in user, if any.
#[server]
pub async fn get_current_user() -> Result<Option<CurrentUser>, PublicError> {
    use edge::*;
    let (state, session) = context().await?;
    Ok(session::current_user(&state.db, &session).await?)
}

#[server]
pub async fn register(
    full_name: String,
    email: String,
    password: String,
) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, _) = context().await?;
        limit(&state).await?;
        service::register(
            &state,
            service::Registration {
                email: &email,
                password: &password,
                full_name: &full_name,
            },
        )
        .await
    }
    .await;
    finish(
        "register",
        result,
        &[("full_name", &full_name), ("email", &email)],
    )
    .await?;
    leptos_axum::redirect("/account/check-email");
    Ok(())
}

#[server]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        limit(&state).await?;
        match service::authenticate(&state, &email, &password).await? {
            service::SignIn::Done(user) => {
                session::sign_in(&session, &user).await?;
                let home = if user.role().is_staff() {
                    "/admin"
                } else {
                    "/account"
                };
                Ok(local_path(next.as_deref(), home))
            }
            service::SignIn::NeedsSecondFactor(user) => {
                session::begin_two_factor(&session, &user).await?;
                Ok("/account/login/two-factor".to_owned())
            }
        }
    }
    .await;
    let to = finish("login", result, &[("email", &email)]).await?;
    leptos_axum::redirect(&to);
    Ok(())
}

#[server]
pub async fn logout() -> Result<(), PublicError> {
    use edge::*;
    let (_, session) = context().await?;
    session::sign_out(&session).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Confirms the email address of the link (a POST from the page the link opens: a GET
/// never changes anything).
#[server]
pub async fn verify_email(token: String) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, _) = context().await?;
        service::verify_email(&state, &token).await
    }
    .await;
    finish("verify", result, &[]).await?;
    leptos_axum::redirect("/account/login?verified=1");
    Ok(())
}

#[server]
pub async fn request_password_reset(email: String) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, _) = context().await?;
        limit(&state).await?;
        service::request_password_reset(&state, &email).await
    }
    .await;
    finish("forgot", result, &[("email", &email)]).await?;
    leptos_axum::redirect("/account/forgot?sent=1");
    Ok(())
}

#[server]
pub async fn reset_password(token: String, password: String) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        limit(&state).await?;
        service::reset_password(&state, &token, &password).await?;
        // Whoever was signed in on this browser is signed out with everyone else.
        session::sign_out(&session).await
    }
    .await;
    finish("reset", result, &[]).await?;
    leptos_axum::redirect("/account/login?reset=1");
    Ok(())
}

#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        let user = session::require(&state.db, &session).await?;
        let epoch =
            service::change_password(&state, &user, &current_password, &new_password).await?;
        session::restamp(&session, epoch).await
    }
    .await;
    finish("password", result, &[]).await?;
    leptos_axum::redirect("/account/security?changed=password");
    Ok(())
}

#[server]
pub async fn logout_everywhere() -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        let user = session::require(&state.db, &session).await?;
        service::end_all_sessions(&state, &user).await?;
        session::sign_out(&session).await
    }
    .await;
    finish("everywhere", result, &[]).await?;
    leptos_axum::redirect("/account/login?ended=1");
    Ok(())
}

#[server]
pub async fn update_profile(full_name: String) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        let user = session::require(&state.db, &session).await?;
        service::update_profile(&state, &user, &full_name).await
    }
    .await;
    finish("profile", result, &[("full_name", &full_name)]).await?;
    leptos_axum::redirect("/account/profile?saved=1");
    Ok(())
}

#[server]
pub async fn change_email(current_password: String, email: String) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        let user = session::require(&state.db, &session).await?;
        service::request_email_change(&state, &user, &current_password, &email).await
    }
    .await;
    finish("email", result, &[("email", &email)]).await?;
    leptos_axum::redirect("/account/profile?email_sent=1");
    Ok(())
}

#[server]
pub async fn confirm_email_change(token: String) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, _) = context().await?;
        service::confirm_email_change(&state, &token).await
    }
    .await;
    finish("confirm-email", result, &[]).await?;
    leptos_axum::redirect("/account/profile?email_changed=1");
    Ok(())
}

#[server]
pub async fn delete_account(confirm_password: String) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        let user = session::require(&state.db, &session).await?;
        service::delete_account(&state, &user, &confirm_password).await?;
        session::sign_out(&session).await
    }
    .await;
    finish("delete", result, &[]).await?;
    leptos_axum::redirect("/?account_deleted=1");
    Ok(())
}

/// The signed-in customer's saved addresses.
#[server]
pub async fn list_addresses() -> Result<Vec<super::model::Address>, PublicError> {
    use edge::*;
    let (state, session) = context().await?;
    let user = session::require(&state.db, &session).await?;
    Ok(super::addresses::list(&state.db, &user.id).await?)
}

#[server]
pub async fn delete_address(id: String) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        let user = session::require(&state.db, &session).await?;
        super::addresses::delete(&state.db, &user.id, &id).await
    }
    .await;
    finish("addresses", result, &[]).await?;
    leptos_axum::redirect("/account/addresses?deleted=1");
    Ok(())
}

/// Makes an address the default for `kind` (`shipping` or `billing`).
#[server]
pub async fn set_default_address(id: String, kind: String) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        let user = session::require(&state.db, &session).await?;
        let kind = super::addresses::Kind::parse(&kind)
            .ok_or_else(|| AppError::validation("kind", "choose shipping or billing"))?;
        super::addresses::set_default(&state.db, &user.id, &id, kind).await
    }
    .await;
    finish("addresses", result, &[]).await?;
    leptos_axum::redirect("/account/addresses");
    Ok(())
}

#[cfg(feature = "ssr")]
const PENDING_TOTP: &str = "pending_totp_secret";
#[cfg(feature = "ssr")]
const NEW_RECOVERY_CODES: &str = "new_recovery_codes";

#[cfg(feature = "ssr")]
fn session_err(e: tower_sessions::session::Error) -> crate::error::AppError {
    crate::error::AppError::Internal(anyhow::Error::new(e).context("session"))
}

/// The secret and QR code to set up an authenticator app (kept in the session until
/// confirmed, so a reload shows the same one).
#[server]
pub async fn two_factor_setup() -> Result<super::model::TwoFactorSetup, PublicError> {
    use edge::*;
    let (state, session) = context().await?;
    let user = session::require(&state.db, &session).await?;
    let secret = match session
        .get::<String>(PENDING_TOTP)
        .await
        .map_err(session_err)?
    {
        Some(secret) => secret,
        None => {
            let secret = super::totp::new_secret();
            session
                .insert(PENDING_TOTP, &secret)
                .await
                .map_err(session_err)?;
            secret
        }
    };
    let store = crate::settings::db::storefront(&state.db).await?.name;
    let uri = super::totp::uri(&secret, &store, &user.email);
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map(|qr| {
            qr.render::<qrcode::render::svg::Color>()
                .min_dimensions(180, 180)
                .build()
        })
        .unwrap_or_default();
    let grouped = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(super::model::TwoFactorSetup {
        secret: grouped,
        uri,
        qr_svg,
    })
}

#[server]
pub async fn two_factor_status() -> Result<super::model::TwoFactorStatus, PublicError> {
    use edge::*;
    let (state, session) = context().await?;
    let user = session::require(&state.db, &session).await?;
    let new_recovery_codes = session
        .remove::<Vec<String>>(NEW_RECOVERY_CODES)
        .await
        .map_err(session_err)?
        .unwrap_or_default();
    Ok(super::model::TwoFactorStatus {
        enabled: user.has_two_factor(),
        required: user.role() == super::Role::Admin,
        recovery_codes_left: super::two_factor::recovery_codes_left(&state, &user.id).await?,
        new_recovery_codes,
    })
}

#[server]
pub async fn enable_two_factor(code: String) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        let user = session::require(&state.db, &session).await?;
        let secret = session
            .get::<String>(PENDING_TOTP)
            .await
            .map_err(session_err)?
            .ok_or_else(|| {
                AppError::validation(
                    "code",
                    "the set-up expired; reload the page and scan the new code",
                )
            })?;
        let codes = super::two_factor::enable(&state, &user, &secret, &code).await?;
        session
            .remove_value(PENDING_TOTP)
            .await
            .map_err(session_err)?;
        session
            .insert(NEW_RECOVERY_CODES, codes)
            .await
            .map_err(session_err)
    }
    .await;
    finish("totp-enable", result, &[]).await?;
    leptos_axum::redirect("/account/two-factor");
    Ok(())
}

#[server]
pub async fn disable_two_factor(current_password: String, code: String) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        let user = session::require(&state.db, &session).await?;
        super::two_factor::disable(&state, &user, &current_password, &code).await
    }
    .await;
    finish("totp-disable", result, &[]).await?;
    leptos_axum::redirect("/account/two-factor");
    Ok(())
}

/// The second step of signing in: a code from the app or a recovery code.
#[server]
pub async fn complete_two_factor(code: String, next: Option<String>) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        limit(&state).await?;
        let user = session::pending_two_factor(&state.db, &session)
            .await?
            .ok_or_else(|| {
                AppError::validation("code", "the sign-in took too long; log in again")
            })?;
        super::two_factor::verify(&state, &user, &code).await?;
        session::sign_in(&session, &user).await?;
        tracing::info!(user_id = %user.id, "signed in with two factors");
        let home = if user.role().is_staff() {
            "/admin"
        } else {
            "/account"
        };
        Ok(local_path(next.as_deref(), home))
    }
    .await;
    let to = finish("totp-login", result, &[]).await?;
    leptos_axum::redirect(&to);
    Ok(())
}

/// Whether the signed-in user may use the admin.
#[server]
pub async fn admin_access() -> Result<super::model::AdminAccess, PublicError> {
    use super::model::AdminAccess;
    use edge::*;
    let (state, session) = context().await?;
    let Some(user) = session::current(&state.db, &session).await? else {
        return Ok(AdminAccess::SignInFirst);
    };
    Ok(match session::require_staff(&state.db, &session).await {
        Ok(_) => AdminAccess::Allowed(user.to_current()),
        Err(_) if user.role() == super::Role::Admin => AdminAccess::NeedsTwoFactor,
        Err(_) => AdminAccess::Forbidden,
    })
}

#[server]
pub async fn list_staff() -> Result<Vec<super::model::StaffMember>, PublicError> {
    use edge::*;
    let (state, session) = context().await?;
    session::require_admin(&state.db, &session).await?;
    Ok(super::staff::list(&state).await?)
}

#[server]
pub async fn invite_staff(email: String, role: String) -> Result<String, PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        let admin = session::require_admin(&state.db, &session).await?;
        let role = super::Role::parse(&role)
            .ok_or_else(|| AppError::validation("role", "choose staff or admin"))?;
        super::staff::invite(&state, &admin, &email, role).await
    }
    .await;
    let message = finish("invite", result, &[("email", &email)]).await?;
    if crate::forms::is_plain_form_post() {
        leptos_axum::redirect("/admin/staff?invited=1");
    }
    Ok(message)
}

#[server]
pub async fn change_staff_role(user_id: String, role: String) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        let admin = session::require_admin(&state.db, &session).await?;
        let role = super::Role::parse(&role)
            .ok_or_else(|| AppError::validation("role", "choose a role"))?;
        super::staff::set_role(&state, &admin, &user_id, role).await
    }
    .await;
    finish("staff", result, &[]).await?;
    leptos_axum::redirect("/admin/staff");
    Ok(())
}

#[server]
pub async fn set_staff_active(user_id: String, active: bool) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        let admin = session::require_admin(&state.db, &session).await?;
        super::staff::set_active(&state, &admin, &user_id, active).await
    }
    .await;
    finish("staff", result, &[]).await?;
    leptos_axum::redirect("/admin/staff");
    Ok(())
}

/// Accepts a staff invitation and signs the new team member in.
#[server]
pub async fn accept_invite(
    token: String,
    full_name: String,
    password: String,
) -> Result<(), PublicError> {
    use edge::*;
    let result = async {
        let (state, session) = context().await?;
        limit(&state).await?;
        let user = super::staff::accept(&state, &token, &full_name, &password).await?;
        session::sign_in(&session, &user).await?;
        // Admins set up two-factor before anything else.
        Ok(if user.role() == super::Role::Admin {
            "/account/two-factor?required=1"
        } else {
            "/admin"
        })
    }
    .await;
    let to = finish("invite-accept", result, &[("full_name", &full_name)]).await?;
    leptos_axum::redirect(to);
    Ok(())
}
