//! The staff exports (catalog, orders, customers and audit log as CSV, one customer's
//! data as JSON): one handler shape. Each checks its
//! permission through `session::require_permission` (the one staff check), answers a
//! signed-out browser with the sign-in page and anyone else without the permission with
//! the error envelope, and sends the file as an attachment.

use app::accounts::Permission;
use app::platform::error::AppError;
use app::platform::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::header;

pub fn router(state: AppState) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(r, "GET", "/admin/catalog/export.csv", get(catalog));
    let r = add(r, "GET", "/admin/orders/export.csv", get(orders));
    let r = add(r, "GET", "/admin/audit/export.csv", get(audit));
    let r = add(r, "GET", "/admin/customers/export.csv", get(customers));
    let r = add(r, "GET", "/admin/customers/{id}/export.json", get(customer));
    let r = add(
        r,
        "GET",
        "/admin/analytics/{report}/export.csv",
        get(report),
    );
    r.with_state(state)
}

/// The whole catalog, one row per variant (drafts included).
async fn catalog(State(state): State<AppState>, session: tower_sessions::Session) -> Response {
    let file = ("catalog.csv", "/admin/catalog");
    send(&state, &session, Permission::CatalogWrite, file, async {
        app::catalog::csv::export(&state).await
    })
    .await
}

/// The orders of the list's filter, one row per line.
async fn orders(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    RawQuery(query): RawQuery,
) -> Response {
    let file = ("orders.csv", "/admin/orders");
    send(&state, &session, Permission::OrdersRead, file, async {
        let filter = app::orders::filter::OrderFilter::from_query(query.as_deref().unwrap_or(""))?;
        app::orders::export::export_csv(&state, &filter).await
    })
    .await
}

/// The audit rows of the list's filter.
async fn audit(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    RawQuery(query): RawQuery,
) -> Response {
    let file = ("audit.csv", "/admin/audit");
    send(&state, &session, Permission::AuditRead, file, async {
        let filter = app::audit::read::AuditFilter::from_query(query.as_deref().unwrap_or(""))?;
        app::audit::read::export_csv(&state.db, &filter).await
    })
    .await
}

/// The customer list of the page's filter.
async fn customers(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    RawQuery(query): RawQuery,
) -> Response {
    let file = ("customers.csv", "/admin/customers");
    send(&state, &session, Permission::CustomersRead, file, async {
        let filter =
            app::customers::filter::CustomerFilter::from_query(query.as_deref().unwrap_or(""))?;
        app::customers::read::export_csv(&state.db, &filter).await
    })
    .await
}

/// A report's table for the page's range, as CSV.
async fn report(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let name = format!(
        "{}.csv",
        key.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
    );
    let file = (name.as_str(), "/admin/analytics/sales");
    send(&state, &session, Permission::AnalyticsRead, file, async {
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let q = app::analytics::model::Query::from_pairs(
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        let report = app::analytics::reports::build(&state.db, &key, &q).await?;
        let bytes = app::analytics::table::csv(&report)?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(e.into()))
    })
    .await
}

/// Everything held about one customer, as JSON (a data-access request; audited).
async fn customer(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let user = app::accounts::session::require_permission(
            &state.db,
            &session,
            Permission::CustomersErase,
        )
        .await?;
        app::customers::erase::export(&state, &user.id, &id).await
    }
    .await;
    deliver(
        result,
        "customer.json",
        "application/json",
        "/admin/customers",
    )
}

async fn send(
    state: &AppState,
    session: &tower_sessions::Session,
    permission: Permission,
    (name, page): (&str, &str),
    make: impl std::future::Future<Output = Result<String, AppError>>,
) -> Response {
    let result = async {
        app::accounts::session::require_permission(&state.db, session, permission).await?;
        make.await
    }
    .await;
    deliver(result, name, "text/csv; charset=utf-8", page)
}

/// The file as an attachment, or the sign-in page for a signed-out browser, or the
/// error envelope.
fn deliver(result: Result<String, AppError>, name: &str, kind: &str, page: &str) -> Response {
    match result {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, kind.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            body,
        )
            .into_response(),
        Err(AppError::Unauthorized) => axum::response::Redirect::to(&format!(
            "/account/login?next={}",
            app::accounts::pages::urlencode(page)
        ))
        .into_response(),
        Err(err) => err.into_response(),
    }
}
