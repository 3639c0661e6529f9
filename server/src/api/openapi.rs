//! The OpenAPI 3.1 document of `/api/v1`, derived from the handlers' annotations and the
//! types they serialise (`utoipa`), served at `/api/v1/openapi.json` and rendered at
//! `/api/docs`. `tests/it/openapi.rs` fails when a route has no entry or an entry no
//! route.

use app::platform::state::AppState;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use std::sync::OnceLock;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

pub fn router(state: AppState) -> Router {
    use crate::routes::add;
    let r = Router::new();
    let r = add(r, "GET", "/api/v1/openapi.json", get(document));
    let r = add(r, "GET", "/api/docs", get(super::docs::page));
    let r = add(r, "GET", "/api/docs/style.css", get(super::docs::style));
    r.with_state(state)
}

/// `meta` of every envelope.
#[derive(Serialize, ToSchema)]
pub struct Meta {
    /// RFC 3339.
    pub timestamp: String,
    /// The `X-Request-Id` of the response; quote it when reporting a problem.
    pub request_id: Option<String>,
}

/// `{"status":"success","data":…,"meta":…}`.
#[derive(Serialize, ToSchema)]
pub struct Success<T: ToSchema> {
    /// Always `success`.
    #[schema(pattern = "^success$")]
    pub status: String,
    pub data: T,
    pub meta: Meta,
}

/// A page of a list: `data` is an array, with `pagination`.
#[derive(Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    #[schema(pattern = "^success$")]
    pub status: String,
    pub data: Vec<T>,
    pub pagination: app::web::pagination::Pagination,
    pub meta: Meta,
}

/// A confirmation in words.
#[derive(Serialize, ToSchema)]
pub struct Message {
    pub message: String,
}

impl Message {
    pub fn new(text: &str) -> Self {
        Self {
            message: text.to_owned(),
        }
    }
}

/// `error` of an error envelope (the error-code table is in `docs/api.md`).
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    #[schema(
        pattern = "^(VALIDATION_ERROR|UNAUTHORIZED|FORBIDDEN|NOT_FOUND|CONFLICT|PAYLOAD_TOO_LARGE|UNSUPPORTED_MEDIA_TYPE|RATE_LIMIT_EXCEEDED|INTERNAL_ERROR|SERVICE_UNAVAILABLE)$"
    )]
    pub code: String,
    pub message: String,
    /// The input at fault, for validation errors.
    #[schema(required = false)]
    pub field: Option<String>,
    #[schema(required = false)]
    pub details: Option<serde_json::Value>,
    /// Seconds to wait, for 429.
    #[schema(required = false)]
    pub retry_after: Option<u64>,
}

/// A day (`2026-12-31`) or nothing: a query filter left empty (`?created_after=`, as a
/// form sends it) is no filter.
pub struct DayOrEmpty;

impl utoipa::PartialSchema for DayOrEmpty {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
        };
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(0)),
            )
            .into()
    }
}

impl ToSchema for DayOrEmpty {}

/// `{"status":"error","error":…,"meta":…}`.
#[derive(Serialize, ToSchema)]
pub struct Failure {
    #[schema(pattern = "^error$")]
    pub status: String,
    pub error: ErrorBody,
    pub meta: Meta,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Oxcart API",
        description = "Run the shop from another program: the catalog, stock, orders and accounts. \
            Authenticate with `Authorization: Bearer <token>`: a customer's or staff member's JWT \
            from `/api/v1/auth/login`, or an API key (`oxk_…`, Admin → Settings → API keys) whose \
            scopes are back-office permissions. Every answer is an envelope; lists take \
            `page`, `limit` (≤ 100), `sort` and `order` and answer with `pagination`. Rate-limit \
            groups: authentication 10/min per address, public 100/min per account or address, \
            admin (staff and keys) 1000/min per account or key; every answer carries `X-RateLimit-*`."
    ),
    paths(
        super::auth::register,
        super::auth::login,
        super::auth::refresh,
        super::auth::logout,
        super::auth::me,
        super::auth::update_me,
        super::auth::delete_me,
        crate::catalog::list_products,
        crate::catalog::product,
        crate::catalog::categories,
        super::products::create,
        super::products::replace,
        super::products::archive,
        super::products::add_image,
        super::products::change_image,
        super::products::remove_image,
        super::products::add_category,
        super::products::change_category,
        super::products::remove_category,
        super::carts::create,
        super::carts::show,
        super::carts::add_line,
        super::carts::set_line,
        super::carts::remove_line,
        super::carts::discount,
        super::carts::contact,
        super::carts::shipping,
        super::cart_payment::pay,
        super::cart_payment::test_card,
        super::cart_payment::complete,
        super::orders::list,
        super::orders::one,
        super::orders::fulfil,
        super::orders::deliver,
        super::orders::cancel,
        super::orders::refund,
        super::customers::list,
        super::customers::one,
        super::customers::deactivate,
        super::customers::reactivate,
        super::customers::reset,
        super::customers::note,
        super::customers::tags,
        super::customers::forget,
        super::rules::list_shipping,
        super::rules::add_shipping,
        super::rules::edit_shipping,
        super::rules::remove_shipping,
        super::rules::list_taxes,
        super::rules::add_tax,
        super::rules::edit_tax,
        super::rules::remove_tax,
        super::rules::list_codes,
        super::rules::add_code,
        super::rules::edit_code,
        super::rules::remove_code,
        super::returns::for_order,
        super::returns::ask,
        super::returns::list,
        super::returns::one,
        super::returns::decide,
        super::returns::receive,
        super::inventory::levels,
        super::inventory::adjust,
        super::inventory::ledger,
        super::integrations::list_webhooks,
        super::integrations::add_webhook,
        super::integrations::remove_webhook,
        super::integrations::deliveries,
        super::integrations::retry,
        super::integrations::list_keys,
        super::integrations::make_key,
        super::integrations::revoke_key,
        document,
    ),
    components(schemas(DayOrEmpty)),
    modifiers(&Bearer),
    tags(
        (name = "auth", description = "Tokens for people (integrations use API keys)"),
        (name = "users", description = "The signed-in person"),
        (name = "catalog", description = "Products and categories as shoppers see them; staff writes (catalog.write)"),
        (name = "carts", description = "A headless cart and its checkout, named by a token: lines, code, contact and address, shipping, payment"),
        (name = "orders", description = "A customer's own orders; all orders and their fulfilment for staff and keys"),
        (name = "returns", description = "A customer's return requests; their decision, receipt and refund by staff"),
        (name = "customers", description = "Customer accounts and the staff's actions on them"),
        (name = "inventory", description = "Stock levels, adjustments and the ledger"),
        (name = "checkout", description = "Shipping rates, tax rates and discount codes"),
        (name = "integrations", description = "Webhook endpoints and their deliveries; API keys"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document, built once.
pub fn json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".to_owned())
    })
}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "This OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn document() -> Response {
    ([(http::header::CONTENT_TYPE, "application/json")], json()).into_response()
}
