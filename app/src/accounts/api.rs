//! Server functions of the accounts domain: thin edges that read the session, call one
//! service function and map the result (see [`crate::forms::finish`] for forms without JS).

use super::model::CurrentUser;
use crate::error::PublicError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod edge {
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
