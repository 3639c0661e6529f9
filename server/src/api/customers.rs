//! `/api/v1/customers`: the customer accounts as the dashboard shows them (`customers.read`),
//! the staff actions on them (`customers.write`: deactivate, reactivate, password-reset
//! mail, notes, tags) and erasure of their personal data (`customers.erase`). Each action
//! answers with the customer as they now are.

use super::caller::Caller;
use super::openapi::{DayOrEmpty, Failure, Message, Page, Success};
use super::{ok, Body};
use app::accounts::permissions::Permission;
use app::customers::filter::CustomerFilter;
use app::customers::model::{CustomerDetail, CustomerRow};
use app::customers::{actions, erase, read};
use app::platform::error::AppError;
use app::platform::state::AppState;
use app::web::pagination::Pagination;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn router(state: AppState) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(r, "GET", "/api/v1/customers", get(list));
    let r = add(r, "GET", "/api/v1/customers/{id}", get(one));
    let r = add(
        r,
        "POST",
        "/api/v1/customers/{id}/deactivate",
        post(deactivate),
    );
    let r = add(
        r,
        "POST",
        "/api/v1/customers/{id}/reactivate",
        post(reactivate),
    );
    let r = add(
        r,
        "POST",
        "/api/v1/customers/{id}/password-reset",
        post(reset),
    );
    let r = add(r, "POST", "/api/v1/customers/{id}/notes", post(note));
    let r = add(r, "PUT", "/api/v1/customers/{id}/tags", put(tags));
    let r = add(r, "POST", "/api/v1/customers/{id}/erase", post(forget));
    r.with_state(state)
}

/// Newest first by default.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", security(("bearer" = [])),
    params(
        ("search" = Option<String>, Query, nullable = false, max_length = 100, description = "Part of the name or email"),
        ("status" = Option<String>, Query, nullable = false, pattern = "^(|active|deactivated)$"),
        ("verified" = Option<bool>, Query, nullable = false, description = "Email address confirmed"),
        ("ordered" = Option<bool>, Query, nullable = false, description = "Has ordered at least once"),
        ("min_spent" = Option<String>, Query, nullable = false, pattern = "^(|[0-9]{1,6}(\\.[0-9]{1,2})?)$", description = "Captured less refunded, as a decimal"),
        ("max_spent" = Option<String>, Query, nullable = false, pattern = "^(|[0-9]{1,6}(\\.[0-9]{1,2})?)$"),
        ("created_after" = Option<DayOrEmpty>, Query, nullable = false, description = "Joined on or after, YYYY-MM-DD (UTC)"),
        ("created_before" = Option<DayOrEmpty>, Query, nullable = false, description = "Joined on or before"),
        ("last_order_after" = Option<DayOrEmpty>, Query, nullable = false),
        ("last_order_before" = Option<DayOrEmpty>, Query, nullable = false),
        ("page" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100000),
        ("limit" = Option<u32>, Query, nullable = false, minimum = 1, maximum = 100, description = "1–100, default 25"),
        ("sort" = Option<String>, Query, nullable = false, pattern = "^(|created_at|spent|orders|last_order)$"),
        ("order" = Option<String>, Query, nullable = false, pattern = "^(|asc|desc)$", description = "asc or desc (default)")),
    responses(
        (status = 200, description = "A page of customers", body = Page<CustomerRow>),
        (status = 400, description = "A parameter that does not parse, or min_spent above max_spent", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs customers.read", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    caller.staff(Permission::CustomersRead)?;
    let filter = CustomerFilter::from_api_query(raw.as_deref().unwrap_or_default())?;
    let list = read::list(&state.db, &filter).await?;
    let pagination = Pagination::new(filter.page, filter.page_size(), list.total);
    Ok(app::web::envelope::page(&list.rows, &pagination))
}

/// The customer's page: addresses, orders, notes and timeline.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The customer", body = Success<CustomerDetail>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs customers.read", body = Failure),
        (status = 404, description = "No such customer", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    caller.staff(Permission::CustomersRead)?;
    Ok(ok(StatusCode::OK, read::detail(&state, &id).await?))
}

/// The customer after a change.
async fn now(state: &AppState, id: &str, status: StatusCode) -> Result<Response, AppError> {
    Ok(ok(status, read::detail(state, id).await?))
}

/// Signs the customer out everywhere and refuses their sign-in until reactivated.
#[utoipa::path(post, path = "/api/v1/customers/{id}/deactivate", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "Deactivated", body = Success<CustomerDetail>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs customers.write", body = Failure),
        (status = 404, description = "No such customer", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn deactivate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CustomersWrite)?;
    actions::set_active(&state, &actor, &id, false).await?;
    now(&state, &id, StatusCode::OK).await
}

#[utoipa::path(post, path = "/api/v1/customers/{id}/reactivate", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "Active again", body = Success<CustomerDetail>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs customers.write", body = Failure),
        (status = 404, description = "No such customer", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn reactivate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CustomersWrite)?;
    actions::set_active(&state, &actor, &id, true).await?;
    now(&state, &id, StatusCode::OK).await
}

/// Mails the customer a link to choose a new password (the link is never shown to staff).
#[utoipa::path(post, path = "/api/v1/customers/{id}/password-reset", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 202, description = "The mail is queued", body = Success<CustomerDetail>),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs customers.write", body = Failure),
        (status = 404, description = "No such customer", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn reset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CustomersWrite)?;
    actions::send_reset(&state, &actor, &id).await?;
    now(&state, &id, StatusCode::ACCEPTED).await
}

#[derive(Deserialize, ToSchema)]
pub struct NoteBody {
    /// 1 to 2,000 characters; staff only ever see it.
    #[schema(min_length = 1, max_length = 2000, pattern = "\\S")]
    body: String,
}

#[utoipa::path(post, path = "/api/v1/customers/{id}/notes", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = NoteBody,
    responses(
        (status = 201, description = "Added", body = Success<CustomerDetail>),
        (status = 400, description = "Empty or over 2,000 characters", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs customers.write", body = Failure),
        (status = 404, description = "No such customer", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn note(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<NoteBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CustomersWrite)?;
    if body.body.chars().count() > 2000 {
        return Err(AppError::validation("body", "at most 2,000 characters"));
    }
    actions::add_note(&state, &actor, &id, &body.body).await?;
    now(&state, &id, StatusCode::CREATED).await
}

#[derive(Deserialize, ToSchema)]
pub struct TagsBody {
    /// The whole set (at most 20): letters, digits, - and _, up to 30 each; stored in
    /// lower case.
    #[schema(max_items = 20)]
    tags: Vec<String>,
    /// The `version` you read: a write over a newer change is refused (409). Leave it
    /// out to replace whatever is there.
    #[serde(default)]
    version: Option<i64>,
}

#[utoipa::path(put, path = "/api/v1/customers/{id}/tags", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = TagsBody,
    responses(
        (status = 200, description = "Replaced", body = Success<CustomerDetail>),
        (status = 400, description = "A tag with other characters, or more than 20", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs customers.write", body = Failure),
        (status = 404, description = "No such customer", body = Failure),
        (status = 409, description = "Changed since `version`", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn tags(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<TagsBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CustomersWrite)?;
    if body.tags.iter().any(|t| t.contains([',', ' '])) {
        return Err(AppError::validation(
            "tags",
            "one tag per item, without commas or spaces",
        ));
    }
    let version = match body.version {
        Some(v) => v,
        None => read::detail(&state, &id).await?.version,
    };
    actions::set_tags(&state, &actor, &id, &body.tags.join(","), version).await?;
    now(&state, &id, StatusCode::OK).await
}

#[derive(Deserialize, ToSchema)]
pub struct EraseBody {
    /// The word ERASE: this cannot be undone.
    #[schema(pattern = "^ERASE$")]
    confirm: String,
}

/// Erases the customer's personal data (name, email, addresses, notes); their orders
/// stay, anonymised, for the books, and the customer is no longer found. Refused while a paid order is not shipped yet.
#[utoipa::path(post, path = "/api/v1/customers/{id}/erase", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = EraseBody,
    responses(
        (status = 200, description = "Erased: the customer is gone from the list and the API", body = Success<Message>),
        (status = 400, description = "confirm is not ERASE", body = Failure),
        (status = 401, description = "No or invalid token", body = Failure),
        (status = 403, description = "Needs customers.erase", body = Failure),
        (status = 404, description = "No such customer", body = Failure),
        (status = 409, description = "A paid order is not shipped yet: ship or cancel it first", body = Failure),
        (status = 429, description = "Rate limit", body = Failure)))]
pub async fn forget(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<EraseBody>,
) -> Result<Response, AppError> {
    let actor = caller.staff(Permission::CustomersErase)?;
    if body.confirm != "ERASE" {
        return Err(AppError::validation(
            "confirm",
            "type ERASE to confirm: this cannot be undone",
        ));
    }
    erase::erase(&state, &actor, &id).await?;
    Ok(ok(
        StatusCode::OK,
        Message::new("The customer's personal data is erased; their orders stay, anonymised."),
    ))
}
