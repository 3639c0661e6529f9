//! `/admin/customers`: the list, its filters and sort in the URL (so paging keeps them),
//! the same filter as CSV, and the guests who ordered without an account.

use super::api::admin_customers;
use super::model::CustomerRow;
use crate::orders::pages::{page_href, when};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn CustomersPage() -> impl IntoView {
    let location = use_location();
    let query = use_query_map();
    let search = Memo::new(move |_| location.search.get());
    let list = Resource::new(move || search.get(), admin_customers);
    let value = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
    let guests = value("guests") == "1";
    let choice = move |name: &'static str, options: &'static [(&'static str, &'static str)]| {
        let current = value(name);
        view! {
            <select name=name>
                {options.iter().map(|(v, label)| view! { <option value=*v selected=*v == current>{*label}</option> }).collect_view()}
            </select>
        }
    };
    view! {
        <Title text="Customers" />
        <div class="admin-head">
            <h1>{if guests { "Guests" } else { "Customers" }}</h1>
            <a class="button" href=move || format!("/admin/customers/export.csv{}", search.get()) rel="external" data-testid="export-customers">"Export CSV"</a>
        </div>
        <nav class="tabs" aria-label="Who">
            <a href="/admin/customers" aria-current=(!guests).then_some("page")>"Accounts"</a>
            <a href="/admin/customers?guests=1" aria-current=guests.then_some("page") data-testid="guests-tab">"Guests (by email)"</a>
        </nav>
        <form method="get" class="filters filters--inline" data-testid="customer-filters">
            {guests.then(|| view! { <input type="hidden" name="guests" value="1" /> })}
            <label>"Name or email " <input type="search" name="q" value=value("q") data-testid="customer-search" /></label>
            <label>"Has ordered " {choice("ordered", &[("", "Any"), ("yes", "Yes"), ("no", "No")])}</label>
            <label>"Spent from " <input name="min" inputmode="decimal" size="6" value=value("min") /></label>
            <label>"to " <input name="max" inputmode="decimal" size="6" value=value("max") /></label>
            <label>"Last order from " <input type="date" name="last_from" value=value("last_from") /></label>
            <label>"to " <input type="date" name="last_to" value=value("last_to") /></label>
            {(!guests).then(|| view! {
                <label>"Verified " {choice("verified", &[("", "Any"), ("yes", "Yes"), ("no", "No")])}</label>
                <label>"Status " {choice("status", &[("", "Any"), ("active", "Active"), ("deactivated", "Deactivated")])}</label>
                <label>"Signed up from " <input type="date" name="joined_from" value=value("joined_from") /></label>
                <label>"to " <input type="date" name="joined_to" value=value("joined_to") /></label>
            })}
            <label>"Sort " {choice("sort", &[("newest", "Newest"), ("spent", "Most spent"), ("orders", "Most orders"), ("last_order", "Last order")])}</label>
            <button type="submit" class="button">"Filter"</button>
        </form>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let page = match list.await {
                    Ok(page) => page,
                    Err(err) => return view! { <p class="form-error" role="alert" data-testid="filter-error">{err.message}</p> }.into_any(),
                };
                if page.rows.is_empty() {
                    return view! { <p class="empty" data-testid="no-customers">"No customers match."</p> }.into_any();
                }
                let q = search.get_untracked();
                let (prev, next) = (page_href(&q, page.page.saturating_sub(1)), page_href(&q, page.page + 1));
                view! {
                    <p class="muted" data-testid="customer-total">{format!("{} found", page.total)}</p>
                    <div class="table-wrap"><table class="table" data-testid="customer-table">
                        <thead><tr><th>"Customer"</th><th>"Orders"</th><th>"Spent"</th><th>"Last order"</th><th>"Signed up"</th></tr></thead>
                        <tbody>{page.rows.into_iter().map(|row| view! { <Row row /> }).collect_view()}</tbody>
                    </table></div>
                    <nav class="pager" aria-label="Pages">
                        {(page.page > 1).then(|| view! { <a href=prev rel="prev">"← Previous"</a> })}
                        <span>{format!("Page {} of {}", page.page, page.pages)}</span>
                        {(page.page < page.pages).then(|| view! { <a href=next rel="next" data-testid="next-page">"Next →"</a> })}
                    </nav>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn Row(row: CustomerRow) -> impl IntoView {
    let name = if row.full_name.is_empty() {
        row.email.clone()
    } else {
        row.full_name.clone()
    };
    // Guests have no page of their own: their orders, by email.
    let href = if row.id.is_empty() {
        format!(
            "/admin/orders?customer={}",
            crate::accounts::pages::urlencode(&row.email)
        )
    } else {
        format!("/admin/customers/{}", row.id)
    };
    view! {
        <tr data-testid="customer-row">
            <td>
                <a href=href><strong>{name}</strong></a><br />
                <small class="muted">{row.email.clone()}</small>
                {(!row.active).then(|| view! { " " <span class="badge badge--muted">"Deactivated"</span> })}
                {row.tags.into_iter().map(|t| view! { " " <span class="badge">{t}</span> }).collect_view()}
            </td>
            <td>{row.orders}</td>
            <td>{row.spent.to_string()}</td>
            <td>{row.last_order_at.map(when).unwrap_or_else(|| "—".into())}</td>
            <td>{when(row.created_at)}</td>
        </tr>
    }
}
