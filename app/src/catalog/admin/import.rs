//! CSV import and export. The import runs in the background; this page shows its progress
//! and, row by row, what could not be imported and why.

use super::parts::CatalogTabs;
use crate::catalog::api::get_import_status;
use crate::catalog::model::ImportStatus;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ImportPage() -> impl IntoView {
    use leptos::wasm_bindgen::JsCast as _;
    let upload = Action::new_local(|data: &leptos::web_sys::FormData| {
        crate::catalog::api::import_catalog(data.clone().into())
    });
    let status = RwSignal::new(None::<ImportStatus>);
    // Polls the import twice a second until it ends.
    let poll = StoredValue::new(None::<IntervalHandle>);
    Effect::new(move |_| {
        let Some(Ok(id)) = upload.value().get() else {
            return;
        };
        if let Some(handle) = poll.get_value() {
            handle.clear();
        }
        let tick = move || {
            let id = id.clone();
            leptos::task::spawn_local(async move {
                if let Ok(s) = get_import_status(id).await {
                    let finished = s.status != "running" && s.status != "pending";
                    status.set(Some(s));
                    if finished {
                        if let Some(handle) = poll.get_value() {
                            handle.clear();
                        }
                    }
                }
            });
        };
        poll.set_value(set_interval_with_handle(tick, std::time::Duration::from_millis(500)).ok());
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok());
        if let Some(data) = form.and_then(|f| leptos::web_sys::FormData::new_with_form(&f).ok()) {
            status.set(None);
            upload.dispatch_local(data);
        }
    };
    view! {
        <Title text="Import and export" />
        <div class="admin-head"><h1>"Import and export"</h1></div>
        <CatalogTabs />
        <section class="card">
            <h2>"Export"</h2>
            <p>"Every product, one row per variant, in the format the import reads."</p>
            <a class="button" href="/admin/catalog/export.csv" download="catalog.csv" data-testid="export">"Download CSV"</a>
        </section>
        <form class="card form" on:submit=on_submit data-testid="import-form">
            <h2>"Import"</h2>
            <p class="muted">"Products are matched by handle and variants by SKU: existing ones are updated, new ones created. A product with any bad row is not imported; the others are."</p>
            <input type="file" name="file" accept=".csv,text/csv" required data-testid="import-file" />
            <button type="submit" class="button button--primary" disabled=move || upload.pending().get() data-testid="import-submit">"Import"</button>
            {move || upload.value().get().and_then(Result::err).map(|e| view! { <p class="form-error" role="alert" data-testid="import-error">{e.message}</p> })}
        </form>
        {move || status.get().map(|s| {
            let done = s.status != "running" && s.status != "pending";
            view! {
                <section class="card" data-testid="import-status" data-status=s.status.clone()>
                    <h2>{if done { "Import finished" } else { "Importing…" }}</h2>
                    <progress max=s.total_rows value=s.done_rows data-testid="import-progress"></progress>
                    <p>{format!("{} of {} rows read, {} imported, {} with problems.", s.done_rows, s.total_rows, s.imported, s.errors.len())}</p>
                    {(!s.errors.is_empty()).then(|| view! {
                        <table class="table" data-testid="import-errors">
                            <thead><tr><th>"Row"</th><th>"Column"</th><th>"Problem"</th></tr></thead>
                            <tbody>
                                {s.errors.into_iter().map(|e| view! {
                                    <tr><td>{e.row}</td><td>{e.column.unwrap_or_default()}</td><td>{e.message}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                </section>
            }
        })}
    }
}
