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
    Ok(match user.staff_access() {
        Ok(()) => AdminAccess::Allowed(user.to_current()),
        Err(AppError::TwoFactorRequired) => AdminAccess::NeedsTwoFactor,
        Err(_) => AdminAccess::Forbidden,
    })
}

#[server]
pub async fn list_staff() -> Result<Vec<crate::accounts::model::StaffMember>, PublicError> {
    use super::prelude::*;
    let (state, _) = allowed(Permission::StaffManage).await?;
    Ok(crate::accounts::staff::list(&state).await?)
}

#[server]
pub async fn invite_staff(email: String, role: String) -> Result<String, PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, admin) = allowed(Permission::StaffManage).await?;
        crate::accounts::staff::invite(&state, &admin, &email, &role).await
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
        let (state, admin) = allowed(Permission::StaffManage).await?;
        crate::accounts::staff::set_role(&state, &admin, &user_id, &role).await
    }
    .await;
    done("staff", result, &[], "/admin/staff").await
}

#[server]
pub async fn set_staff_active(user_id: String, active: bool) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, admin) = allowed(Permission::StaffManage).await?;
        crate::accounts::staff::set_active(&state, &admin, &user_id, active).await
    }
    .await;
    done("staff", result, &[], "/admin/staff").await
}

/// The team's roles, for the role editor and the invitation form.
#[server]
pub async fn list_roles() -> Result<Vec<crate::accounts::permissions::RoleView>, PublicError> {
    use super::prelude::*;
    let (state, _) = allowed(Permission::StaffManage).await?;
    Ok(crate::accounts::roles::list(&state.db).await?)
}

/// Adds a role (`key` empty) or changes one; `permissions` lists the ticked boxes and
/// `version` is the one the form was opened at.
#[server]
pub async fn save_role(
    key: Option<String>,
    name: String,
    description: String,
    permissions: Option<Vec<String>>,
    version: Option<i64>,
) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, admin) = allowed(Permission::StaffManage).await?;
        let input = crate::accounts::roles::RoleInput {
            key: key.filter(|k| !k.trim().is_empty()),
            name: name.clone(),
            description: description.clone(),
            permissions: permissions.unwrap_or_default(),
            version,
        };
        crate::accounts::roles::save(&state.db, &admin.id, &input).await
    }
    .await;
    done(
        "role",
        result,
        &[("name", &name), ("description", &description)],
        "/admin/staff/roles",
    )
    .await
}

#[server]
pub async fn delete_role(key: String) -> Result<(), PublicError> {
    use super::prelude::*;
    let result = async {
        let (state, admin) = allowed(Permission::StaffManage).await?;
        crate::accounts::roles::delete(&state.db, &admin.id, &key).await
    }
    .await;
    done("role", result, &[], "/admin/staff/roles").await
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
        // Whoever holds a permission that needs it sets up two-factor first.
        Ok(if user.owes_two_factor() {
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
