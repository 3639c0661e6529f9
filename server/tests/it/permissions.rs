//! The permission matrix: every server function and staff route is listed here with what
//! it needs, and every staff one is called by anonymous, a customer and each built-in role
//! (two-factor on where the role needs it). Allowed callers get past the check (any
//! answer but 401/403: the arguments are chosen to fail validation or find nothing, so
//! nothing changes); everyone else gets 401 (signed out) or 403. A server function or
//! route that is not listed fails the test: a new endpoint must say who may call it.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use app::accounts::api as accounts;
use app::accounts::permissions::{Permission, BUILT_IN};
use app::accounts::Permission::*;
use leptos::server_fn::ServerFn as _;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug)]
enum Need {
    /// Anyone (the shopper's and sign-in functions); not walked here.
    Public,
    /// Any staff member (the dashboard's frame and counts).
    Staff,
    One(Permission),
    Either(Permission, Permission),
}

#[derive(Clone, Copy)]
enum Body {
    Form(&'static [(&'static str, &'static str)]),
    Json(&'static str),
    Multipart,
}

use Body::*;
use Need::*;

const NOTHING: &str = "no-such-id";

fn server_functions() -> Vec<(&'static str, Need, Body)> {
    use app::analytics::api::*;
    use app::audit::api::*;
    use app::catalog::api::*;
    use app::checkout::api::*;
    use app::customers::api::*;
    use app::integrations::api as keys;
    use app::integrations::webhook_api as hooks;
    use app::inventory::api::*;
    use app::orders::api::*;
    use app::returns::api::{
        AdminReturn, AdminReturns, DecideReturn, ReceiveReturn, SetReturnWindow,
    };
    let public = [
        accounts::AcceptInvite::PATH,
        accounts::AdminAccess::PATH,
        accounts::ChangeEmail::PATH,
        accounts::ChangePassword::PATH,
        accounts::CompleteTwoFactor::PATH,
        accounts::ConfirmEmailChange::PATH,
        accounts::DeleteAccount::PATH,
        accounts::DeleteAddress::PATH,
        accounts::DisableTwoFactor::PATH,
        accounts::EnableTwoFactor::PATH,
        accounts::GetCurrentUser::PATH,
        accounts::ListAddresses::PATH,
        accounts::Login::PATH,
        accounts::Logout::PATH,
        accounts::LogoutEverywhere::PATH,
        accounts::Register::PATH,
        accounts::RemoveAvatar::PATH,
        accounts::RequestPasswordReset::PATH,
        accounts::ResetPassword::PATH,
        accounts::SaveAddress::PATH,
        accounts::SetDefaultAddress::PATH,
        accounts::TwoFactorSetup::PATH,
        accounts::TwoFactorStatus::PATH,
        accounts::UpdateProfile::PATH,
        accounts::UploadAvatar::PATH,
        accounts::VerifyEmail::PATH,
        app::cart::api::AddToCart::PATH,
        app::cart::api::GetCart::PATH,
        app::cart::api::GetCartSummary::PATH,
        app::cart::api::UpdateCartLine::PATH,
        GetCategories::PATH,
        GetHome::PATH,
        GetListing::PATH,
        GetProduct::PATH,
        ApplyDiscountCode::PATH,
        ChooseShipping::PATH,
        CompletePayment::PATH,
        GetCheckout::PATH,
        PayWithTestCard::PATH,
        SaveCheckoutContact::PATH,
        StartPayment::PATH,
        // A customer's own order, a guest's with its token, or staff with orders.read:
        // the staff half is checked in `orders_staff` and below by `AdminOrder`.
        GetOrder::PATH,
        LookupOrder::PATH,
        MyOrders::PATH,
        // The order's viewer only (checked as `GetOrder`): the customer, a guest's link.
        app::returns::api::GetOrderReturns::PATH,
        app::returns::api::RequestReturn::PATH,
        app::settings::api::GetStorefront::PATH,
        app::settings::api::DismissAnnouncement::PATH,
        app::web::forms::TakeFlash::PATH,
    ];
    let mut all: Vec<(&'static str, Need, Body)> =
        public.into_iter().map(|p| (p, Public, Form(&[]))).collect();
    let id: &'static [(&str, &str)] = &[("id", NOTHING)];
    all.extend([
        (AdminDashboard::PATH, Staff, Form(&[("query", "range=custom")])),
        (AdminReport::PATH, One(AnalyticsRead), Form(&[("key", NOTHING), ("query", "")])),
        (AnalyticsSettings::PATH, One(AnalyticsRead), Form(&[])),
        (SetAnalyticsSettings::PATH, One(SettingsManage), Form(&[("time_zone", "Mars/Olympus"), ("funnel_days", "1")])),
        (AdminProducts::PATH, One(CatalogWrite), Form(&[("query", "")])),
        (AdminProduct::PATH, One(CatalogWrite), Form(id)),
        (SaveProduct::PATH, One(CatalogWrite), Json(r#"{"id":null,"input":{"name":"","slug":"","description":"","status":"draft","category_id":null,"featured":false,"seo_title":"","seo_description":"","currency":"USD","options":[],"variants":[]}}"#)),
        (SetProductsStatus::PATH, One(CatalogWrite), Json(r#"{"ids":[],"status":"active"}"#)),
        (SaveCategory::PATH, One(CatalogWrite), Json(r#"{"id":null,"input":{"name":"","slug":"","description":"","parent_id":null,"position":0,"featured":false}}"#)),
        (DeleteCategory::PATH, One(CatalogWrite), Form(id)),
        (UploadProductImage::PATH, One(CatalogWrite), Multipart),
        (SetImageAlt::PATH, One(CatalogWrite), Form(&[("id", NOTHING), ("alt", "x")])),
        (MoveImage::PATH, One(CatalogWrite), Form(&[("id", NOTHING), ("up", "true")])),
        (DeleteImage::PATH, One(CatalogWrite), Form(id)),
        (ImportCatalog::PATH, One(CatalogWrite), Multipart),
        (GetImportStatus::PATH, One(CatalogWrite), Form(id)),
        (AdminOrders::PATH, One(OrdersRead), Form(&[("query", "")])),
        (AdminOrder::PATH, One(OrdersRead), Form(id)),
        (OrderAction::PATH, One(OrdersFulfil), Form(&[("id", NOTHING), ("action", "fulfil"), ("carrier", "UPS"), ("tracking_number", "1Z")])),
        (OrderAction::PATH, One(OrdersFulfil), Form(&[("id", NOTHING), ("action", "deliver")])),
        (OrderAction::PATH, One(OrdersFulfil), Form(&[("id", NOTHING), ("action", "release")])),
        (OrderAction::PATH, One(OrdersRefund), Form(&[("id", NOTHING), ("action", "cancel"), ("reason", "x")])),
        (OrderAction::PATH, One(OrdersRefund), Form(&[("id", NOTHING), ("action", "refund"), ("amount", "1.00"), ("reason", "x")])),
        (AdminInventory::PATH, One(InventoryAdjust), Form(&[("query", "")])),
        (AdjustStock::PATH, One(InventoryAdjust), Form(&[("variant_id", NOTHING), ("delta", "1"), ("reason", "received"), ("note", ""), ("back", "")])),
        (SetLowStock::PATH, One(InventoryAdjust), Form(&[("variant_id", NOTHING), ("threshold", "2")])),
        (AdminCheckoutSettings::PATH, Either(SettingsManage, DiscountsManage), Form(&[])),
        (AddShippingRate::PATH, One(SettingsManage), Form(&[("name", ""), ("country", ""), ("base_amount", ""), ("per_kg", "")])),
        (AddTaxRate::PATH, One(SettingsManage), Form(&[("name", ""), ("country", ""), ("region", ""), ("rate", "")])),
        (AddDiscount::PATH, One(DiscountsManage), Form(&[("code", ""), ("kind", "percent"), ("value", ""), ("min_subtotal", ""), ("usage_limit", ""), ("per_customer_limit", ""), ("starts_on", ""), ("ends_on", "")])),
        (DeleteCheckoutSetting::PATH, One(SettingsManage), Form(&[("what", "shipping"), ("id", NOTHING)])),
        (DeleteCheckoutSetting::PATH, One(DiscountsManage), Form(&[("what", "discount"), ("id", NOTHING)])),
        (accounts::ListStaff::PATH, One(StaffManage), Form(&[])),
        (accounts::InviteStaff::PATH, One(StaffManage), Form(&[("email", "not an email"), ("role", "support")])),
        (accounts::ChangeStaffRole::PATH, One(StaffManage), Form(&[("user_id", NOTHING), ("role", "support")])),
        (accounts::SetStaffActive::PATH, One(StaffManage), Form(&[("user_id", NOTHING), ("active", "false")])),
        (accounts::ListRoles::PATH, One(StaffManage), Form(&[])),
        (accounts::SaveRole::PATH, One(StaffManage), Form(&[("key", ""), ("name", ""), ("description", "")])),
        (accounts::DeleteRole::PATH, One(StaffManage), Form(&[("key", NOTHING)])),
        (AdminAudit::PATH, One(AuditRead), Form(&[("query", "")])),
        (AdminReturns::PATH, One(OrdersRead), Form(&[("status", "")])),
        (AdminReturn::PATH, One(OrdersRead), Form(id)),
        (DecideReturn::PATH, One(OrdersFulfil), Form(&[("id", NOTHING), ("decision", "approve"), ("message", ""), ("version", "1")])),
        (ReceiveReturn::PATH, One(OrdersRefund), Form(&[("id", NOTHING), ("amount", "1.00"), ("version", "1")])),
        (SetReturnWindow::PATH, One(SettingsManage), Form(&[("days", "-1")])),
        (AdminCustomers::PATH, One(CustomersRead), Form(&[("query", "")])),
        (AdminCustomer::PATH, One(CustomersRead), Form(id)),
        (CustomerAction::PATH, One(CustomersWrite), Form(&[("id", NOTHING), ("action", "reset")])),
        (AddCustomerNote::PATH, One(CustomersWrite), Form(&[("id", NOTHING), ("body", "x")])),
        (SetCustomerTags::PATH, One(CustomersWrite), Form(&[("id", NOTHING), ("tags", "vip"), ("version", "0")])),
        (EraseCustomer::PATH, One(CustomersErase), Form(&[("id", NOTHING), ("confirm", "ERASE")])),
        (SetAuditRetention::PATH, One(SettingsManage), Form(&[("days", "1")])),
        (keys::AdminApiKeys::PATH, One(StaffManage), Form(&[])),
        (keys::CreateApiKey::PATH, One(StaffManage), Form(&[("name", "")])),
        (keys::RevokeApiKey::PATH, One(StaffManage), Form(&[("id", NOTHING)])),
        (hooks::AdminWebhooks::PATH, One(SettingsManage), Form(&[])),
        (hooks::AddWebhook::PATH, One(SettingsManage), Form(&[("url", ""), ("description", "")])),
        (hooks::WebhookAction::PATH, One(SettingsManage), Form(&[("id", NOTHING), ("action", "resend")])),
    ]);
    all
}

/// The staff routes outside server functions; every other listed route is public.
const STAFF_ROUTES: &[(&str, Permission)] = &[
    ("/admin/catalog/export.csv", CatalogWrite),
    ("/admin/orders/export.csv", OrdersRead),
    ("/admin/audit/export.csv", AuditRead),
    ("/admin/customers/export.csv", CustomersRead),
    ("/admin/customers/{id}/export.json", CustomersErase),
    ("/admin/analytics/{report}/export.csv", AnalyticsRead),
];

fn allowed(need: Need, perms: &[Permission]) -> bool {
    match need {
        Public | Staff => true,
        One(p) => perms.contains(&p),
        Either(a, b) => perms.contains(&a) || perms.contains(&b),
    }
}

async fn send(app: &TestApp, client: &reqwest::Client, path: &str, body: Body) -> u16 {
    let request = client
        .post(app.url(path))
        .header("accept", "application/json");
    let request = match body {
        Form(fields) => request.form(fields),
        Json(json) => request
            .header("content-type", "application/json")
            .body(json),
        Multipart => request.multipart(reqwest::multipart::Form::new().text("alt", "x")),
    };
    request.send().await.expect("call").status().as_u16()
}

both_backends!(
    every_staff_endpoint_answers_each_role_as_the_matrix_says,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        let functions = server_functions();

        // Every server function of the build is in the matrix, and nothing else is.
        let listed: BTreeSet<&str> = functions.iter().map(|(p, ..)| *p).collect();
        let registered: BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect();
        let unlisted: Vec<_> = registered.difference(&listed).collect();
        assert!(
            unlisted.is_empty(),
            "server functions missing from the matrix: {unlisted:?}"
        );
        let gone: Vec<_> = listed.difference(&registered).collect();
        assert!(gone.is_empty(), "listed but not registered: {gone:?}");
        // Every staff route (under /admin) is in the matrix.
        for (_, path) in oxcart_server::routes::listed() {
            if path.starts_with("/admin") {
                assert!(
                    STAFF_ROUTES.iter().any(|(p, _)| *p == path),
                    "the route {path} is missing from the matrix"
                );
            }
        }

        // The callers: anonymous, a customer, and one member of each built-in role.
        let mut callers: Vec<(String, reqwest::Client, Option<Vec<Permission>>)> =
            vec![("anonymous".into(), app.browser(), None)];
        app.verified_user("shopper@example.com").await;
        let shopper = app.browser();
        app.login_with(
            &shopper,
            "shopper@example.com",
            crate::accounts_helpers::PASSWORD,
        )
        .await;
        callers.push(("customer".into(), shopper, None));
        for (key, _, _, perms) in BUILT_IN {
            let client = app.role_client(&format!("{key}@example.com"), key).await;
            callers.push(((*key).to_owned(), client, Some(perms.to_vec())));
        }

        let mut checked = 0;
        for (path, need, body) in functions.iter().filter(|(_, n, _)| !matches!(n, Public)) {
            for (who, client, perms) in &callers {
                let status = send(&app, client, path, *body).await;
                let expected_denial = match perms {
                    None if who == "anonymous" => Some(401),
                    None => Some(403),
                    Some(perms) if !allowed(*need, perms) => Some(403),
                    Some(_) => None,
                };
                match expected_denial {
                    Some(code) => assert_eq!(status, code, "{who} → {path} ({need:?})"),
                    None => assert!(
                        status != 401 && status != 403 && status < 500,
                        "{who} → {path} ({need:?}) answered {status}"
                    ),
                }
                checked += 1;
            }
        }
        for (path, permission) in STAFF_ROUTES {
            // A customer's export of nobody: past the check, nothing to find.
            let url = app.url(&path.replace("{id}", NOTHING).replace("{report}", NOTHING));
            let found = if path.contains('{') { 404 } else { 200 };
            for (who, client, perms) in &callers {
                let response = client.get(&url).send().await.expect("get");
                let status = response.status().as_u16();
                match perms {
                    None if who == "anonymous" => {
                        assert_eq!(status, 303, "{who} → {path}: to the sign-in page")
                    }
                    Some(perms) if perms.contains(permission) => {
                        assert_eq!(status, found, "{who} → {path}")
                    }
                    _ => assert_eq!(status, 403, "{who} → {path}"),
                }
                checked += 1;
            }
        }
        assert!(checked > 250, "{checked} calls");
        // Nothing was written by all those calls but the callers' own accounts.
        assert_eq!(app.count("select count(*) from products").await, 0);
        assert_eq!(app.count("select count(*) from audit_log").await, 0);
    }
);
