//! `/admin/audit`: who did what, when, from where. Filters in the URL (person, action,
//! entity, dates), a link to each record, the same filter as CSV, and the retention.

use super::api::{admin_audit, SetAuditRetention};
use super::model::AuditEntry;
use crate::orders::pages::{page_href, when};
use crate::web::forms::{error_signal, take_flash, FormError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn AuditPage() -> impl IntoView {
    let location = use_location();
    let query = use_query_map();
    let search = Memo::new(move |_| location.search.get());
    let retention = ServerAction::<SetAuditRetention>::new();
    let log = Resource::new(
        move || (search.get(), retention.version().get()),
        |(q, _)| admin_audit(q),
    );
    let flash = Resource::new_blocking(|| (), |_| take_flash("audit-retention".to_owned()));
    let value = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
    let (action, entity) = (value("action"), value("entity"));
    view! {
        <Title text="Audit log" />
        <div class="admin-head">
            <h1>"Audit log"</h1>
            <a class="button" href=move || format!("/admin/audit/export.csv{}", search.get()) rel="external" data-testid="export-audit">"Export CSV"</a>
        </div>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let (action, entity) = (action.clone(), entity.clone());
                Suspend::new(async move {
                let error = error_signal(retention.value(), flash.await.ok().flatten());
                let page = match log.await {
                    Ok(page) => page,
                    Err(err) => return view! { <p class="form-error" role="alert" data-testid="filter-error">{err.message}</p> }.into_any(),
                };
                let q = search.get_untracked();
                let (prev, next) = (page_href(&q, page.page.saturating_sub(1)), page_href(&q, page.page + 1));
                let options = |list: Vec<String>, chosen: String| {
                    list.into_iter().map(|a| { let selected = a == chosen; let shown = a.clone(); view! { <option value=a selected=selected>{shown}</option> } }).collect_view()
                };
                view! {
                    <form method="get" class="filters filters--inline" data-testid="audit-filters">
                        <label>"Person " <input type="search" name="actor" value=value("actor") placeholder="email" /></label>
                        <label>"Action " <select name="action"><option value="">"Any"</option>{options(page.actions.clone(), action)}</select></label>
                        <label>"Record " <select name="entity"><option value="">"Any"</option>{options(page.entities.clone(), entity)}</select></label>
                        <input type="hidden" name="entity_id" value=value("entity_id") />
                        <label>"From " <input type="date" name="from" value=value("from") /></label>
                        <label>"To " <input type="date" name="to" value=value("to") /></label>
                        <button type="submit" class="button">"Filter"</button>
                    </form>
                    <p class="muted" data-testid="audit-total">{format!("{} action(s)", page.total)}</p>
                    {if page.entries.is_empty() {
                        view! { <p class="empty" data-testid="no-audit">"Nothing matches."</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap"><table class="table" data-testid="audit-table">
                                <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Changes"</th></tr></thead>
                                <tbody>{page.entries.into_iter().map(|e| view! { <AuditRow entry=e /> }).collect_view()}</tbody>
                            </table></div>
                        }.into_any()
                    }}
                    <nav class="pager" aria-label="Pages">
                        {(page.page > 1).then(|| view! { <a href=prev rel="prev">"← Newer"</a> })}
                        <span>{format!("Page {} of {}", page.page, page.pages)}</span>
                        {(page.page < page.pages).then(|| view! { <a href=next rel="next">"Older →"</a> })}
                    </nav>
                    <ActionForm action=retention attr:class="form--inline card" attr:data-testid="audit-retention">
                        <FormError error />
                        <label for="audit-days">"Keep rows for "</label>
                        <input id="audit-days" name="days" inputmode="numeric" size="5" value=page.retention_days.to_string() />
                        " days (at least 30; older rows are removed daily) "
                        <button type="submit" class="button button--small">"Save"</button>
                    </ActionForm>
                }.into_any()
            })}}
        </Suspense>
    }
}

#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let href = entry.entity_href();
    let record = format!("{} {}", entry.entity, entry.entity_id);
    view! {
        <tr data-testid="audit-row" data-action=entry.action.clone()>
            <td>{when(entry.at)}</td>
            <td>{entry.actor_email.clone()}<br /><small class="muted" title=format!("request {}", entry.request_id)>{entry.ip.clone()}</small></td>
            <td>
                <strong>{entry.action.clone()}</strong><br />
                {entry.summary.clone()}<br />
                {match href {
                    Some(href) => view! { <a href=href><small>{record}</small></a> }.into_any(),
                    None => view! { <small class="muted">{record}</small> }.into_any(),
                }}
            </td>
            <td>
                <dl class="audit-changes">
                    {entry.changes.into_iter().map(|(field, before, after)| view! {
                        <dt>{field}</dt>
                        <dd><del>{before}</del>" → "<ins>{after}</ins></dd>
                    }).collect_view()}
                </dl>
            </td>
        </tr>
    }
}
