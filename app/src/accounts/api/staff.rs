//! Admin access and team management.

use crate::platform::error::PublicError;
use leptos::prelude::*;

/// Whether the signed-in user may use the admin.
#[server]
pub async fn admin_access() -> Result<crate::accounts::model::AdminAccess, PublicError> {
    use super::prelude::*;
    use crate::accounts::model::AdminAccess;
    let (state, session) = context().await?;
    let Some(user) = session::current(&state.db, &session).await? else {
        return Ok(AdminAccess::SignInFirst);
    };
    Ok(match session::require_staff(&state.db, &session).await {
        Ok(_) => AdminAccess::Allowed(user.to_current()),
        Err(_) if user.role() == crate::accounts::Role::Admin => AdminAccess::NeedsTwoFactor,
        Err(_) => AdminAccess::Forbidden,
    })
}

#[server]
pub async fn list_staff() -> Result<Vec<crate::accounts::model::StaffMember>, PublicError> {
    use super::prelude::*;
    let (state, session) = context().await?;
    session::require_admin(&state.db, &session).await?;
    Ok(crate::accounts::staff::list(&state).await?)
}

#[server]
pub async fn invite_staff(email: String, role: String) -> Result<String, PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, session) = context().await?;
        let admin = session::require_admin(&state.db, &session).await?;
        let role = crate::accounts::Role::parse(&role)
            .ok_or_else(|| AppError::validation("role", "choose staff or admin"))?;
        crate::accounts::staff::invite(&state, &admin, &email, role).await
    }
    .await;
    let message = finish("invite", result, &[("email", &email)]).await?;
    if crate::platform::request::is_plain_form_post() {
        crate::web::forms::redirect("/admin/staff?invited=1");
    }
    Ok(message)
}

#[server]
pub async fn change_staff_role(user_id: String, role: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, session) = context().await?;
        let admin = session::require_admin(&state.db, &session).await?;
        let role = crate::accounts::Role::parse(&role)
            .ok_or_else(|| AppError::validation("role", "choose a role"))?;
        crate::accounts::staff::set_role(&state, &admin, &user_id, role).await
    }
    .await;
    done("staff", result, &[], "/admin/staff").await
}

#[server]
pub async fn set_staff_active(user_id: String, active: bool) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, session) = context().await?;
        let admin = session::require_admin(&state.db, &session).await?;
        crate::accounts::staff::set_active(&state, &admin, &user_id, active).await
    }
    .await;
    done("staff", result, &[], "/admin/staff").await
}

/// Accepts a staff invitation and signs the new team member in.
#[server]
pub async fn accept_invite(
    token: String,
    full_name: String,
    password: String,
) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, session) = context().await?;
        limit(&state).await?;
        let user = crate::accounts::staff::accept(&state, &token, &full_name, &password).await?;
        sign_in(&state, &session, &user).await?;
        // Admins set up two-factor before anything else.
        Ok(if user.role() == crate::accounts::Role::Admin {
            "/account/two-factor?required=1"
        } else {
            "/admin"
        })
    }
    .await;
    let to = finish("invite-accept", result, &[("full_name", &full_name)]).await?;
    crate::web::forms::redirect(to);
    Ok(())
}
