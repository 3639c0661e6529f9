//! What the catalog's staff pages share: the sub-navigation and readable field errors.

use leptos::prelude::*;

/// The sub-navigation of the catalog module.
#[component]
pub fn CatalogTabs() -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Catalog">
            <a href="/admin/catalog">"Products"</a>
            <a href="/admin/catalog/categories">"Categories"</a>
            <a href="/admin/catalog/import">"Import / export"</a>
        </nav>
    }
}

/// A server error with the field it names, readable: "Variant 2, price: …".
pub fn describe(err: &crate::platform::error::PublicError) -> String {
    let Some(field) = &err.field else {
        return err.message.clone();
    };
    let mut parts = field.split('.');
    let label = match (parts.next(), parts.next(), parts.next()) {
        (Some("variants"), Some(i), Some(f)) => {
            let n = i.parse::<usize>().map(|n| n + 1).unwrap_or(0);
            format!("Variant {n}, {}", f.replace('_', " "))
        }
        (Some("options"), Some(i), None) => {
            format!("Option {}", i.parse::<usize>().map(|n| n + 1).unwrap_or(0))
        }
        (Some(f), _, _) => f.replace('_', " "),
        _ => String::new(),
    };
    format!("{label}: {}", err.message)
}
