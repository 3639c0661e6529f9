//! The dashboard home (`/admin`) and the reports (`/admin/analytics/:report`): a range
//! picker that is a plain GET form (the URL holds the range, so links, reloads and the
//! CSV export agree), headline numbers with their change, a chart drawn on the server,
//! and a table sorted by links. The live feed's script (`/live.js`) adds new orders to
//! the dashboard as they are placed.

use super::api::{admin_dashboard, admin_report};
use super::model::{change_bp, format, Cell, Kind, Kpi, Query, Report, RANGES, REPORTS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};

/// The query the page was asked with, decoded by the router (the server reads the same
/// string with `api::parse`; both end in [`Query::from_pairs`]).
fn current_query(query: Memo<leptos_router::params::ParamsMap>) -> Query {
    query.with_untracked(|map| Query::from_pairs(map.into_iter().map(|(k, v)| (k.as_ref(), v))))
}

/// The range, comparison and (for reports) bucket picker.
#[component]
fn RangePicker(query: Query, buckets: bool) -> impl IntoView {
    let chosen = if query.range.is_empty() {
        "month".to_owned()
    } else {
        query.range.clone()
    };
    let option = move |value: &'static str, label: &'static str, chosen: &str| {
        let selected = value == chosen;
        view! { <option value=value selected=selected>{label}</option> }
    };
    let compare = if query.compare.is_empty() {
        "previous".to_owned()
    } else {
        query.compare.clone()
    };
    let bucket = if query.bucket.is_empty() {
        "auto".to_owned()
    } else {
        query.bucket.clone()
    };
    view! {
        <form method="get" class="filters filters--inline range-picker" data-testid="range-picker">
            <label>"Range " <select name="range" data-testid="range">
                {RANGES.iter().map(|(v, l)| option(v, l, &chosen)).collect_view()}
            </select></label>
            <label>"From " <input type="date" name="from" value=query.from.clone() /></label>
            <label>"To " <input type="date" name="to" value=query.to.clone() /></label>
            <label>"Compare with " <select name="compare">
                {[("previous", "Previous period"), ("year", "Same days last year"), ("none", "Nothing")].iter().map(|(v, l)| option(v, l, &compare)).collect_view()}
            </select></label>
            {buckets.then(|| view! {
                <label>"By " <select name="bucket">
                    {[("auto", "Auto"), ("day", "Day"), ("week", "Week"), ("month", "Month")].iter().map(|(v, l)| option(v, l, &bucket)).collect_view()}
                </select></label>
            })}
            {(!query.by.is_empty()).then(|| view! { <input type="hidden" name="by" value=query.by.clone() /> })}
            <button type="submit" class="button" data-testid="apply-range">"Apply"</button>
        </form>
    }
}

#[component]
fn KpiCards(kpis: Vec<Kpi>, currency: String) -> impl IntoView {
    view! {
        <div class="kpis" data-testid="kpis">
            {kpis.into_iter().map(|k| {
                let change = change_bp(k.value, k.previous);
                let class = match change {
                    Some(c) if c != 0 && (c > 0) == k.up_is_good => "kpi__change kpi__change--good",
                    Some(c) if c != 0 => "kpi__change kpi__change--bad",
                    _ => "kpi__change",
                };
                let change_text = change.map(|c| format!("{}{}", if c > 0 { "▲ " } else if c < 0 { "▼ " } else { "" }, format(Kind::Percent, Some(c.abs()), "")));
                let previous = k.previous.map(|p| format!("was {}", format(k.kind, Some(p), &currency)));
                view! {
                    <div class="card kpi" data-testid=format!("kpi-{}", k.key)>
                        <span class="kpi__label">{k.label.clone()}</span>
                        <strong class="kpi__value" data-testid="kpi-value">{format(k.kind, k.value, &currency)}</strong>
                        <span class=class>{change_text}</span>
                        <small class="muted">{previous}</small>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let location = use_location();
    let (search, params_of_url) = (location.search, location.query);
    let data = Resource::new(move || search.get(), admin_dashboard);
    let name = use_context::<crate::accounts::model::Staff>()
        .map(|s| s.0.display_name())
        .unwrap_or_default();
    view! {
        <Title text="Admin" />
        <div class="admin-head"><h1 data-testid="admin-dashboard">"Welcome, " {name}</h1></div>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let query = current_query(params_of_url);
                let d = match data.await {
                    Ok(d) => d,
                    Err(err) => return view! { <RangePicker query buckets=false /><p class="form-error" role="alert" data-testid="range-error">{err.message}</p> }.into_any(),
                };
                let analytics = !d.kpis.is_empty();
                let warn = d.low_stock > 0;
                view! {
                    {analytics.then(|| view! {
                        <RangePicker query buckets=false />
                        <p class="muted" data-testid="period">{d.period.clone()}</p>
                        <KpiCards kpis=d.kpis.clone() currency=d.currency.clone() />
                        <div class="card chart-card" data-testid="sales-chart" inner_html=d.chart_svg.clone()></div>
                        <p><a href="/admin/analytics/sales">"All reports →"</a></p>
                    })}
                    <div class="dashboard-cards">
                        <a class="card dashboard-card" href="/admin/orders?status=paid" data-testid="to-ship">
                            <strong>{d.to_ship}</strong>" order(s) to ship"
                        </a>
                        <a class="card dashboard-card" class:dashboard-card--warn=warn href="/admin/inventory?low=1" data-testid="low-stock-badge">
                            <strong>{d.low_stock}</strong>" variant(s) low on stock"
                        </a>
                    </div>
                    <section class="card recent-orders" data-live-channels="orders" data-live-since=d.live_seq.to_string()>
                        <h2>"Newest orders " <small class="muted live-dot" title="New orders appear here as they are placed">"● live"</small></h2>
                        <ul class="recent-list" data-live-feed data-testid="recent-orders">
                            {d.recent.into_iter().map(|o| view! {
                                <li><a href=format!("/admin/orders/{}", o.id)>{format!("#{}", o.number)}</a>" · "{o.email}" · "{o.total}" · "<span class="muted">{o.status}" · "{o.placed}</span></li>
                            }).collect_view()}
                        </ul>
                        <p class="visually-hidden" aria-live="polite" data-live-announce></p>
                    </section>
                    <script src="/live.js" defer></script>
                }.into_any()
            })}
        </Suspense>
    }
}

/// Where a column header sorts to: its key, flipping the direction when already sorted.
fn sort_href(report: &Report, query: &Query, key: &str) -> String {
    let mut q = query.clone();
    q.dir = if report.sort == key && report.dir == "desc" {
        "asc"
    } else {
        "desc"
    }
    .to_owned();
    q.sort = key.to_owned();
    format!("/admin/analytics/{}?{}", report.key, q.to_query_string())
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let location = use_location();
    let params = use_params_map();
    let key = Memo::new(move |_| {
        params
            .with(|p| p.get("report"))
            .unwrap_or_else(|| "sales".to_owned())
    });
    let (search, params_of_url) = (location.search, location.query);
    let data = Resource::new(
        move || (key.get(), search.get()),
        |(k, q)| admin_report(k, q),
    );
    view! {
        <Title text="Reports" />
        <div class="admin-head">
            <h1>"Reports"</h1>
            <a class="button" rel="external" data-testid="export-report"
               href=move || format!("/admin/analytics/{}/export.csv{}", key.get(), search.get())>"Export CSV"</a>
        </div>
        <nav class="tabs" aria-label="Reports">
            {REPORTS.iter().map(|(k, title)| view! {
                <a href=move || format!("/admin/analytics/{k}{}", search.get()) aria-current=move || (key.get() == *k).then_some("page")>{*title}</a>
            }).collect_view()}
        </nav>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let query = current_query(params_of_url);
                let r = match data.await {
                    Ok(r) => r,
                    Err(err) => return view! { <RangePicker query buckets=true /><p class="form-error" role="alert" data-testid="range-error">{err.message}</p> }.into_any(),
                };
                let over_time = matches!(r.key.as_str(), "sales" | "taxes" | "customers");
                view! {
                    <RangePicker query=query.clone() buckets=over_time />
                    <h2 data-testid="report-title">{r.title.clone()}</h2>
                    <p class="muted" data-testid="period">{r.period.clone()}</p>
                    {(r.key == "products").then(|| {
                        let (mut p, mut v) = (query.clone(), query.clone());
                        p.by = "product".into();
                        v.by = "variant".into();
                        view! { <p class="tabs tabs--small"><a href=format!("/admin/analytics/products?{}", p.to_query_string())>"By product"</a><a href=format!("/admin/analytics/products?{}", v.to_query_string()) data-testid="by-variant">"By variant"</a></p> }
                    })}
                    {(!r.kpis.is_empty()).then(|| view! { <KpiCards kpis=r.kpis.clone() currency=r.currency.clone() /> })}
                    <div class="card chart-card" data-testid="report-chart" inner_html=r.chart_svg.clone()></div>
                    <ReportTable report=r.clone() query />
                    <p class="muted"><small>{r.note.clone()}</small></p>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn ReportTable(report: Report, query: Query) -> impl IntoView {
    if report.rows.is_empty() {
        return view! { <p class="empty" data-testid="report-empty">"Nothing in this period."</p> }
            .into_any();
    }
    let headers = report.columns.iter().map(|c| {
        let arrow = if report.sort == c.key { if report.dir == "asc" { " ▲" } else { " ▼" } } else { "" };
        let href = sort_href(&report, &query, &c.key);
        let numeric = c.kind != Kind::Text;
        let sorted = (report.sort == c.key).then(|| if report.dir == "asc" { "ascending" } else { "descending" });
        view! { <th class:num=numeric aria-sort=sorted><a href=href>{c.label.clone()}{arrow}</a></th> }
    }).collect_view();
    let kinds: Vec<Kind> = report.columns.iter().map(|c| c.kind).collect();
    let currency = report.currency.clone();
    let rows = report
        .rows
        .into_iter()
        .map(|row| {
            let cells = row
                .into_iter()
                .zip(kinds.clone())
                .map(|(cell, kind)| match cell {
                    Cell::Int(v) => {
                        view! { <td class="num">{format(kind, v, &currency)}</td> }.into_any()
                    }
                    Cell::Text(t) => view! { <td>{t}</td> }.into_any(),
                })
                .collect_view();
            view! { <tr data-testid="report-row">{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-wrap"><table class="table" data-testid="report-table">
            <thead><tr>{headers}</tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
    }
    .into_any()
}

/// `/admin/settings/analytics`: the store's time zone and the funnel's retention.
#[component]
pub fn AnalyticsSettingsPage() -> impl IntoView {
    use super::api::{analytics_settings, SetAnalyticsSettings};
    use crate::web::forms::{error_signal, take_flash, FormError};
    let save = ServerAction::<SetAnalyticsSettings>::new();
    let current = Resource::new(move || save.version().get(), |_| analytics_settings());
    let flash = Resource::new_blocking(|| (), |_| take_flash("analytics-settings".to_owned()));
    view! {
        <Title text="Report settings" />
        <div class="admin-head"><h1>"Report settings"</h1></div>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let error = error_signal(save.value(), flash.await.ok().flatten());
                match current.await {
                    Ok((zone, days)) => view! {
                        <ActionForm action=save attr:class="form card" attr:data-testid="analytics-settings">
                            <FormError error />
                            <label for="time-zone">"Store time zone"</label>
                            <input id="time-zone" name="time_zone" value=zone placeholder="Europe/Paris" />
                            <small class="muted">"Reports count days in this zone (an IANA name). Changing it recounts every report."</small>
                            <label for="funnel-days">"Keep funnel visits for (days)"</label>
                            <input id="funnel-days" name="funnel_days" inputmode="numeric" value=days.to_string() />
                            <small class="muted">"Raw visits are deleted after this; daily totals stay."</small>
                            <button type="submit" class="button button--primary">"Save"</button>
                        </ActionForm>
                    }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
