//! Signing up, in and out; confirming the email; resetting and changing the password.

use crate::accounts::model::CurrentUser;
use crate::platform::error::PublicError;
use leptos::prelude::*;

/// The signed-in user, if any.
#[server]
pub async fn get_current_user() -> Result<Option<CurrentUser>, PublicError> {
    use super::prelude::*;
    let (state, session) = context().await?;
    Ok(session::current_user(&state.db, &session).await?)
}

#[server]
pub async fn register(
    full_name: String,
    email: String,
    password: String,
) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, _) = context().await?;
        limit(&state).await?;
        register::register(
            &state,
            register::Registration {
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
    crate::web::forms::redirect("/account/check-email");
    Ok(())
}

#[server]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, session) = context().await?;
        limit(&state).await?;
        match signin::authenticate(&state, &email, &password).await? {
            signin::SignIn::Done(user) => {
                sign_in(&state, &session, &user).await?;
                let home = if user.role().is_staff() {
                    "/admin"
                } else {
                    "/account"
                };
                Ok(local_path(&state, next.as_deref(), home))
            }
            signin::SignIn::NeedsSecondFactor(user) => {
                session::begin_two_factor(&session, &user).await?;
                Ok("/account/login/two-factor".to_owned())
            }
        }
    }
    .await;
    let to = finish("login", result, &[("email", &email)]).await?;
    crate::web::forms::redirect(&to);
    Ok(())
}

#[server]
pub async fn logout() -> Result<(), PublicError> {
    use super::prelude::*;
    let (_, session) = context().await?;
    session::sign_out(&session).await?;
    crate::web::forms::redirect("/");
    Ok(())
}

/// Confirms the email address of the link (a POST from the page the link opens: a GET
/// never changes anything).
#[server]
pub async fn verify_email(token: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, _) = context().await?;
        register::verify_email(&state, &token).await
    }
    .await;
    done("verify", result, &[], "/account/login?verified=1").await
}

#[server]
pub async fn request_password_reset(email: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, _) = context().await?;
        limit(&state).await?;
        passwords::request_password_reset(&state, &email).await
    }
    .await;
    done(
        "forgot",
        result,
        &[("email", &email)],
        "/account/forgot?sent=1",
    )
    .await
}

#[server]
pub async fn reset_password(token: String, password: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, session) = context().await?;
        limit(&state).await?;
        passwords::reset_password(&state, &token, &password).await?;
        // Whoever was signed in on this browser is signed out with everyone else.
        session::sign_out(&session).await
    }
    .await;
    done("reset", result, &[], "/account/login?reset=1").await
}

#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, session, user) = signed_in().await?;
        let epoch =
            passwords::change_password(&state, &user, &current_password, &new_password).await?;
        session::restamp(&session, epoch).await
    }
    .await;
    done(
        "password",
        result,
        &[],
        "/account/security?changed=password",
    )
    .await
}

#[server]
pub async fn logout_everywhere() -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, session, user) = signed_in().await?;
        signin::end_all_sessions(&state, &user).await?;
        session::sign_out(&session).await
    }
    .await;
    done("everywhere", result, &[], "/account/login?ended=1").await
}
