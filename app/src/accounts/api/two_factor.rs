//! Two-factor set-up, status, removal and the second sign-in step.

use crate::platform::error::PublicError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const PENDING_TOTP: &str = "pending_totp_secret";
#[cfg(feature = "ssr")]
const NEW_RECOVERY_CODES: &str = "new_recovery_codes";

/// The secret and QR code to set up an authenticator app (kept in the session until
/// confirmed, so a reload shows the same one).
#[server]
pub async fn two_factor_setup() -> Result<crate::accounts::model::TwoFactorSetup, PublicError> {
    use super::prelude::*;
    let (state, session, user) = signed_in().await?;
    let secret = match session
        .get::<String>(PENDING_TOTP)
        .await
        .map_err(crate::platform::error::AppError::from)?
    {
        Some(secret) => secret,
        None => {
            let secret = crate::accounts::totp::new_secret();
            session
                .insert(PENDING_TOTP, &secret)
                .await
                .map_err(crate::platform::error::AppError::from)?;
            secret
        }
    };
    let store = crate::settings::db::storefront(&state.db).await?.name;
    let uri = crate::accounts::totp::uri(&secret, &store, &user.email);
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
    Ok(crate::accounts::model::TwoFactorSetup {
        secret: grouped,
        uri,
        qr_svg,
    })
}

#[server]
pub async fn two_factor_status() -> Result<crate::accounts::model::TwoFactorStatus, PublicError> {
    use super::prelude::*;
    let (state, session, user) = signed_in().await?;
    let new_recovery_codes =
        crate::platform::sessions::take::<Vec<String>>(&session, NEW_RECOVERY_CODES)
            .await
            .map_err(crate::platform::error::AppError::from)?
            .unwrap_or_default();
    Ok(crate::accounts::model::TwoFactorStatus {
        enabled: user.has_two_factor(),
        required: user.permissions().iter().any(|p| p.needs_two_factor()),
        recovery_codes_left: crate::accounts::two_factor::recovery_codes_left(&state, &user.id)
            .await?,
        new_recovery_codes,
    })
}

#[server]
pub async fn enable_two_factor(code: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, session, user) = signed_in().await?;
        let secret = session
            .get::<String>(PENDING_TOTP)
            .await
            .map_err(crate::platform::error::AppError::from)?
            .ok_or_else(|| {
                AppError::validation(
                    "code",
                    "the set-up expired; reload the page and scan the new code",
                )
            })?;
        let codes = crate::accounts::two_factor::enable(&state, &user, &secret, &code).await?;
        session
            .remove_value(PENDING_TOTP)
            .await
            .map_err(crate::platform::error::AppError::from)?;
        session
            .insert(NEW_RECOVERY_CODES, codes)
            .await
            .map_err(crate::platform::error::AppError::from)
    }
    .await;
    done("totp-enable", result, &[], "/account/two-factor").await
}

#[server]
pub async fn disable_two_factor(current_password: String, code: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, _, user) = signed_in().await?;
        crate::accounts::two_factor::disable(&state, &user, &current_password, &code).await
    }
    .await;
    done("totp-disable", result, &[], "/account/two-factor").await
}

/// The second step of signing in: a code from the app or a recovery code.
#[server]
pub async fn complete_two_factor(code: String, next: Option<String>) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, session) = context().await?;
        limit(&state).await?;
        let user = session::pending_two_factor(&state.db, &session)
            .await?
            .ok_or_else(|| {
                AppError::validation("code", "the sign-in took too long; log in again")
            })?;
        crate::accounts::two_factor::verify(&state, &user, &code).await?;
        sign_in(&state, &session, &user).await?;
        tracing::info!(user_id = %user.id, "signed in with two factors");
        let home = if user.role().is_staff() {
            "/admin"
        } else {
            "/account"
        };
        Ok(local_path(&state, next.as_deref(), home))
    }
    .await;
    let to = finish("totp-login", result, &[]).await?;
    crate::web::forms::redirect(&to);
    Ok(())
}
