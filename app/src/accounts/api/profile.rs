//! The profile: name, email change, profile picture, account deletion.

use crate::platform::error::PublicError;
use leptos::prelude::*;

#[server]
pub async fn update_profile(full_name: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, _, user) = signed_in().await?;
        profile::update_profile(&state, &user, &full_name).await
    }
    .await;
    done(
        "profile",
        result,
        &[("full_name", &full_name)],
        "/account/profile?saved=1",
    )
    .await
}

#[server]
pub async fn change_email(current_password: String, email: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, _, user) = signed_in().await?;
        profile::request_email_change(&state, &user, &current_password, &email).await
    }
    .await;
    done(
        "email",
        result,
        &[("email", &email)],
        "/account/profile?email_sent=1",
    )
    .await
}

#[server]
pub async fn confirm_email_change(token: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, _) = context().await?;
        profile::confirm_email_change(&state, &token).await
    }
    .await;
    done(
        "confirm-email",
        result,
        &[],
        "/account/profile?email_changed=1",
    )
    .await
}

#[server]
pub async fn delete_account(confirm_password: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, session, user) = signed_in().await?;
        profile::delete_account(&state, &user, &confirm_password).await?;
        session::sign_out(&session).await
    }
    .await;
    done("delete", result, &[], "/?account_deleted=1").await
}

/// Uploads a profile picture (multipart, field `avatar`). Read in chunks and refused as
/// soon as it passes the size cap.
#[server(input = leptos::server_fn::codec::MultipartFormData)]
pub async fn upload_avatar(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, _, user) = signed_in().await?;
        fn bad_upload(e: impl std::fmt::Display) -> AppError {
            tracing::info!(error = %e, "unreadable avatar upload");
            AppError::validation(
                "avatar",
                "the upload was interrupted or malformed; try again",
            )
        }
        let mut form = data.into_inner().ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("multipart data missing on the server"))
        })?;
        let mut bytes = Vec::new();
        while let Some(mut field) = form.next_field().await.map_err(bad_upload)? {
            if field.name() != Some("avatar") {
                continue;
            }
            while let Some(chunk) = field.chunk().await.map_err(bad_upload)? {
                if bytes.len() + chunk.len() > crate::accounts::avatar::MAX_BYTES {
                    return Err(AppError::validation(
                        "avatar",
                        "the picture is larger than 1 MB; choose a smaller one",
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
        }
        crate::accounts::avatar::store(&state, &user, bytes)
            .await
            .map(drop)
    }
    .await;
    done("avatar", result, &[], "/account/profile?avatar=1").await
}

#[server]
pub async fn remove_avatar() -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, _, user) = signed_in().await?;
        crate::accounts::avatar::clear(&state, &user).await
    }
    .await;
    done("avatar", result, &[], "/account/profile").await
}
