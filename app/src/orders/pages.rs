//! The customer's order pages: `/orders/:id` (with `?token=` for guests), the guest
//! look-up `/orders/lookup` and the history `/account/orders`.

use super::api::*;
use super::model::*;
use crate::platform::error::ErrorCode;
use crate::web::forms::{error_signal, kept, take_flash, Field, FormError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// (year, month, day, seconds into the day) of Unix `ms`, UTC (plain arithmetic: the
/// browser build has no date crate; Howard Hinnant's days-to-civil algorithm).
fn civil(ms: i64) -> (i64, i64, i64, i64) {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day, rest)
}

/// "25 Nov 2026, 14:03 UTC".
pub fn when(ms: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (year, month, day, rest) = civil(ms);
    format!(
        "{day} {} {year}, {:02}:{:02} UTC",
        MONTHS[(month - 1) as usize],
        rest / 3600,
        rest % 3600 / 60
    )
}

/// "2026-11-25": a date input's value.
pub fn iso_day(ms: i64) -> String {
    let (year, month, day, _) = civil(ms);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_read_like_dates() {
        assert_eq!(super::when(0), "1 Jan 1970, 00:00 UTC");
        assert_eq!(super::when(1_795_618_980_000), "25 Nov 2026, 15:03 UTC");
        assert_eq!(super::when(951_782_400_000), "29 Feb 2000, 00:00 UTC");
        assert_eq!(super::iso_day(951_782_400_000), "2000-02-29");
    }

    #[test]
    fn paging_keeps_the_filters() {
        assert_eq!(super::page_href("", 2), "?page=2");
        assert_eq!(
            super::page_href("?status=paid&page=3&customer=ann", 4),
            "?status=paid&customer=ann&page=4"
        );
    }
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = Memo::new(move |_| {
        (
            params.with(|p| p.get("id").unwrap_or_default()),
            query.with(|q| q.get("token")),
        )
    });
    let order = Resource::new(move || key.get(), |(id, token)| get_order(id, token));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(order) => {
                        let returns = (order.status == OrderStatus::Delivered).then(|| {
                            let (id, token) = (order.id.clone(), key.get_untracked().1);
                            view! { <crate::returns::pages::OrderReturnsSection order_id=id token /> }
                        });
                        view! {
                            <Title text=format!("Order {}", number_label(order.number)) />
                            <OrderDetail order staff=false />
                            {returns}
                            <LiveStatus />
                        }.into_any()
                    }
                    Err(err) if err.code == ErrorCode::NotFound => view! {
                        <Title text="Order not found" />
                        <h1>"Order not found"</h1>
                        <p>"Check the link in your confirmation mail, or " <a href="/orders/lookup">"find your order"</a> " with your email and order number."</p>
                    }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// For a signed-in shopper, the live feed of their orders: the status above changes the
/// moment staff ship the order (`/live.js`). Guests (order links) reload to see it.
#[component]
fn LiveStatus() -> impl IntoView {
    let user = Resource::new(|| (), |_| crate::accounts::api::get_current_user());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                user.await.ok().flatten().map(|u| view! {
                    <div hidden data-live-channels=format!("user.{}", u.id) data-live-since="0"></div>
                    <p class="visually-hidden" aria-live="polite" data-live-announce></p>
                    <script src="/live.js" defer></script>
                })
            })}
        </Suspense>
    }
}

/// An order: status, tracking, lines, totals, address and (for staff, or what customers
/// may see of it) the timeline.
#[component]
pub fn OrderDetail(order: Order, staff: bool) -> impl IntoView {
    let number = number_label(order.number);
    let a = order.address.clone();
    view! {
        <article class="order" data-testid="order" data-status=order.status.as_str()>
            <header class="order__head">
                <h1>"Order " <span data-testid="order-number">{number}</span></h1>
                <p class="order__date">{when(order.created_at)}</p>
                <p class="status" data-testid="order-status" data-live-status=order.id.clone()>{order.status.label()}</p>
                {(order.payment_status != PaymentStatus::Paid).then(|| view! {
                    <p class="status status--refund" data-testid="payment-status">{order.payment_status.label()}</p>
                })}
                {(staff && order.stock_short).then(|| view! { <p class="form-error" role="alert">"Sold short: see the timeline."</p> })}
            </header>
            {order.tracking_number.clone().map(|t| view! {
                <p class="order__tracking" data-testid="tracking">"Shipped with " {order.carrier.clone().unwrap_or_default()} ", tracking number " <strong>{t}</strong></p>
            })}
            <table class="order__lines">
                <thead><tr><th>"Item"</th><th>"SKU"</th><th>"Qty"</th><th>"Price"</th><th>"Total"</th></tr></thead>
                <tbody>
                    {order.lines.iter().map(|l| view! {
                        <tr data-testid="order-line">
                            <td>{l.product_name.clone()}{(!l.variant_title.is_empty()).then(|| format!(" ({})", l.variant_title))}</td>
                            <td>{l.sku.clone()}</td>
                            <td>{l.quantity}</td>
                            <td>{l.unit_price.to_string()}</td>
                            <td>{l.line_total.to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <dl class="totals">
                <dt>"Subtotal"</dt><dd>{order.subtotal.to_string()}</dd>
                {(order.discount.minor > 0).then(|| view! {
                    <dt>{format!("Discount{}", order.discount_code.clone().map(|c| format!(" ({c})")).unwrap_or_default())}</dt>
                    <dd>{format!("−{}", order.discount)}</dd>
                })}
                <dt>{format!("Shipping ({})", order.shipping_name)}</dt><dd>{order.shipping.to_string()}</dd>
                {(order.tax.minor > 0).then(|| view! {
                    <dt>{if order.tax_inclusive { "Tax (included)" } else { "Tax" }}</dt><dd>{order.tax.to_string()}</dd>
                })}
                <dt class="totals__grand">"Total"</dt><dd class="totals__grand" data-testid="order-total">{order.total.to_string()}</dd>
                {(order.refunded.minor > 0).then(|| view! {
                    <dt>"Refunded"</dt><dd data-testid="order-refunded">{order.refunded.to_string()}</dd>
                })}
            </dl>
            <section class="order__address">
                <h2>"Shipping to"</h2>
                <address>
                    {a.full_name}<br/>
                    {(!a.company.is_empty()).then(|| view! { {a.company.clone()}<br/> })}
                    {a.line1}<br/>
                    {(!a.line2.is_empty()).then(|| view! { {a.line2.clone()}<br/> })}
                    {format!("{} {} {}", a.postal_code, a.city, a.region)}<br/>
                    {crate::accounts::countries::name(&a.country).unwrap_or_default()}
                </address>
                <p>{order.email.clone()}</p>
            </section>
            <section class="order__timeline">
                <h2>"History"</h2>
                <ol class="timeline" data-testid="timeline">
                    {order.events.iter().map(|e| view! {
                        <li data-kind=e.kind.clone()>
                            <time>{when(e.at)}</time> " " {e.message.clone()}
                            {e.actor.clone().map(|a| view! { <span class="timeline__actor">{format!(" — {a}")}</span> })}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        </article>
    }
}

#[component]
pub fn LookupPage() -> impl IntoView {
    let lookup = ServerAction::<LookupOrder>::new();
    let flash = Resource::new_blocking(|| (), |_| take_flash("order-lookup".into()));
    view! {
        <Title text="Find your order" />
        <h1>"Find your order"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let flash = flash.await.ok().flatten();
                let error = error_signal(lookup.value(), flash.clone());
                view! {
                    <ActionForm action=lookup attr:class="form card narrow" attr:data-testid="lookup-form">
                        <p>"Enter the email you ordered with and the order number from your confirmation."</p>
                        <FormError error />
                        <Field label="Email" name="email" kind="email" autocomplete="email" value=kept(&flash, "email") error />
                        <Field label="Order number" name="number" autocomplete="off" value=kept(&flash, "number") hint="For example 1042" error />
                        <button type="submit" class="button button--primary">"Find order"</button>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AccountOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let page = Memo::new(move |_| {
        query.with(|q| q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1u32))
    });
    let orders = Resource::new(move || page.get(), my_orders);
    view! {
        <Title text="Your orders" />
        <h1>"Your orders"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) if list.orders.is_empty() => view! {
                        <div class="empty"><p>"No orders yet."</p><a class="button" href="/products">"Start shopping"</a></div>
                    }.into_any(),
                    Ok(list) => view! { <OrderTable list href=|id: &str| format!("/orders/{id}") /> }.into_any(),
                    Err(err) if err.code == ErrorCode::Unauthorized => view! {
                        <p>"Please " <a href="/account/login?next=/account/orders">"log in"</a> " to see your orders."</p>
                    }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `query` (a page's query string) pointing at another page, its filters kept.
pub fn page_href(query: &str, page: u32) -> String {
    let mut pairs: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("page="))
        .collect();
    let page = format!("page={page}");
    pairs.push(&page);
    format!("?{}", pairs.join("&"))
}

/// A list of orders with a pager; `href` makes each row's link; `query` is the page's
/// query string, kept (filters) when paging.
#[component]
pub fn OrderTable(
    list: OrderList,
    href: fn(&str) -> String,
    #[prop(optional, into)] query: String,
) -> impl IntoView {
    let p = list.pagination;
    let (prev, next) = (
        page_href(&query, p.page.saturating_sub(1)),
        page_href(&query, p.page + 1),
    );
    view! {
        <table class="table" data-testid="orders">
            <thead><tr><th>"Order"</th><th>"Date"</th><th>"Customer"</th><th>"Status"</th><th>"Payment"</th><th>"Items"</th><th>"Total"</th></tr></thead>
            <tbody>
                {list.orders.into_iter().map(|o| view! {
                    <tr data-testid="order-row" data-number=o.number>
                        <td><a href=href(&o.id)>{number_label(o.number)}</a></td>
                        <td>{when(o.created_at)}</td>
                        <td>{o.email}</td>
                        <td>{o.status.label()}{o.on_hold.then(|| view! { " " <span class="badge badge--warn" data-testid="on-hold">"On hold"</span> })}</td>
                        <td>{o.payment_status.label()}</td>
                        <td>{o.items}</td>
                        <td>{o.total.to_string()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label="Pages">
            {p.has_prev.then(|| view! { <a href=prev data-testid="orders-prev">"Previous"</a> })}
            <span>{format!("Page {} of {}", p.page, p.total_pages.max(1))}</span>
            {p.has_next.then(|| view! { <a href=next data-testid="orders-next">"Next"</a> })}
        </nav>
    }
}
