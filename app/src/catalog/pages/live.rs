//! The listing's island. The listing itself (form bar, filters, cards, pager) is rendered
//! by the server and works as plain HTML; this island makes it live without shipping the
//! code that draws it: a filter or sort change, the words typed in the search box (after
//! a 300 ms pause), a pager link and the browser's back and forward buttons fetch the page
//! at the new address and put its results (`[data-swap="results"]`) in place of these.
//! The address follows (pushed, or replaced while typing a search), the page does not
//! reload, and the focus stays on the control that changed.

use leptos::prelude::*;

/// Wraps a listing (children: its form bar and its results region).
#[island]
pub fn LiveListing(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let handlers = browser::Handlers::new();
    #[cfg(feature = "hydrate")]
    let (on_change, on_input, on_submit, on_click) = (
        move |ev| handlers.change(ev),
        move |ev| handlers.input(ev),
        move |ev| handlers.submit(ev),
        move |ev| handlers.click(ev),
    );
    #[cfg(not(feature = "hydrate"))]
    let (on_change, on_input, on_submit, on_click) = (
        |_: leptos::ev::Event| (),
        |_: leptos::ev::Event| (),
        |_: leptos::ev::SubmitEvent| (),
        |_: leptos::ev::MouseEvent| (),
    );
    view! {
        <div class="shop" data-testid="listing"
            on:change=on_change on:input=on_input on:submit=on_submit on:click=on_click>
            {children()}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::ev::{Event, MouseEvent, SubmitEvent};
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{JsCast as _, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Document, DomParser, Element, HtmlFormElement, SupportedType};

    /// How a new address enters the history.
    #[derive(Clone, Copy, PartialEq)]
    enum Entry {
        Push,
        Replace,
        /// The browser moved through the history itself (back, forward).
        Keep,
    }

    #[derive(Clone, Copy)]
    pub struct Handlers {
        /// The latest navigation: a slower earlier answer is dropped.
        latest: StoredValue<u64>,
        typing: StoredValue<Option<TimeoutHandle>>,
    }

    impl Handlers {
        pub fn new() -> Self {
            let this = Self {
                latest: StoredValue::new(0),
                typing: StoredValue::new(None),
            };
            let back = window_event_listener(leptos::ev::popstate, move |_| {
                let location = window().location();
                let url = format!(
                    "{}{}",
                    location.pathname().unwrap_or_default(),
                    location.search().unwrap_or_default()
                );
                this.go(url, Entry::Keep, true);
            });
            on_cleanup(move || back.remove());
            this
        }

        pub fn change(self, ev: Event) {
            if let Some(form) = listing_form(&ev) {
                if name_of(&ev).as_deref() != Some("q") {
                    self.go(form_url(&form), Entry::Push, false);
                }
            }
        }

        pub fn input(self, ev: Event) {
            if name_of(&ev).as_deref() != Some("q") {
                return;
            }
            let Some(form) = listing_form(&ev) else {
                return;
            };
            if let Some(pending) = self.typing.get_value() {
                pending.clear();
            }
            let send = move || self.go(form_url(&form), Entry::Replace, false);
            let pending = set_timeout_with_handle(send, std::time::Duration::from_millis(300)).ok();
            self.typing.set_value(pending);
        }

        pub fn submit(self, ev: SubmitEvent) {
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
            else {
                return;
            };
            ev.prevent_default();
            let entry = if form.has_attribute("data-replace") {
                Entry::Replace
            } else {
                Entry::Push
            };
            self.go(form_url(&form), entry, false);
        }

        /// Links inside the listing to another page of the same listing (the pager,
        /// "show all"), followed in place.
        pub fn click(self, ev: MouseEvent) {
            if ev.default_prevented()
                || ev.button() != 0
                || ev.ctrl_key()
                || ev.meta_key()
                || ev.shift_key()
                || ev.alt_key()
            {
                return;
            }
            let link = ev
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest("a[href]").ok().flatten());
            let Some(href) = link.and_then(|a| a.get_attribute("href")) else {
                return;
            };
            let here = window().location().pathname().unwrap_or_default();
            let Ok(url) =
                web_sys::Url::new_with_base(&href, &window().location().href().unwrap_or_default())
            else {
                return;
            };
            if url.origin() != window().location().origin().unwrap_or_default()
                || url.pathname() != here
            {
                return;
            }
            ev.prevent_default();
            self.go(
                format!("{}{}", url.pathname(), url.search()),
                Entry::Push,
                false,
            );
            if let Some(top) = document().query_selector(".shop__results").ok().flatten() {
                top.scroll_into_view();
            }
        }

        fn go(self, url: String, entry: Entry, with_bar: bool) {
            let ticket = self.latest.get_value() + 1;
            self.latest.set_value(ticket);
            let history = window().history().ok();
            match (entry, &history) {
                (Entry::Push, Some(h)) => {
                    drop(h.push_state_with_url(&JsValue::NULL, "", Some(&url)))
                }
                (Entry::Replace, Some(h)) => {
                    drop(h.replace_state_with_url(&JsValue::NULL, "", Some(&url)))
                }
                _ => {}
            }
            leptos::task::spawn_local(async move {
                match fetch_page(&url).await {
                    Some(page) if self.latest.get_value() == ticket => swap(&page, with_bar),
                    Some(_) => {}
                    // Offline, or not a page: let the browser load it (and say what went wrong).
                    None => drop(window().location().assign(&url)),
                }
            });
        }
    }

    fn name_of(ev: &Event) -> Option<String> {
        ev.target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.get_attribute("name"))
    }

    /// The listing's form, when the event came from one of its controls (the filters
    /// beside the results belong to it through their `form` attribute).
    fn listing_form(ev: &Event) -> Option<HtmlFormElement> {
        let target = ev.target()?;
        let form = if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
            input.form()
        } else if let Some(select) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
            select.form()
        } else {
            None
        }?;
        (form.id() == super::super::results::FORM_ID).then_some(form)
    }

    /// The address the form would submit to, without its empty fields.
    fn form_url(form: &HtmlFormElement) -> String {
        let path = web_sys::Url::new(&form.action())
            .map(|u| u.pathname())
            .unwrap_or_else(|_| window().location().pathname().unwrap_or_default());
        let Ok(data) = web_sys::FormData::new_with_form(form) else {
            return path;
        };
        let params = web_sys::UrlSearchParams::new().ok();
        if let (Some(params), Ok(Some(entries))) = (&params, js_sys::try_iter(&data)) {
            for pair in entries.flatten() {
                let pair = js_sys::Array::from(&pair);
                let (key, value) = (pair.get(0).as_string(), pair.get(1).as_string());
                if let (Some(key), Some(value)) = (key, value) {
                    if !value.trim().is_empty() {
                        params.append(&key, &value);
                    }
                }
            }
        }
        let query = params
            .map(|p| String::from(p.to_string()))
            .unwrap_or_default();
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    }

    async fn fetch_page(url: &str) -> Option<Document> {
        let init = web_sys::RequestInit::new();
        let headers = web_sys::Headers::new().ok()?;
        headers.set("accept", "text/html").ok()?;
        init.set_headers(&headers);
        let response: web_sys::Response =
            JsFuture::from(window().fetch_with_str_and_init(url, &init))
                .await
                .ok()?
                .dyn_into()
                .ok()?;
        let html = JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        DomParser::new()
            .ok()?
            .parse_from_string(&html, SupportedType::TextHtml)
            .ok()
    }

    /// Puts the new page's results (and, after back or forward, its form bar) in place,
    /// and gives the focus back to the control that had it.
    fn swap(page: &Document, with_bar: bool) {
        let doc = document();
        let attr = |el: &Element, name: &str| el.get_attribute(name).unwrap_or_default();
        let focused = doc
            .active_element()
            .filter(|el| el.has_attribute("name") && el.id().is_empty())
            .map(|el| (attr(&el, "name"), attr(&el, "value")));
        let regions: &[&str] = if with_bar {
            &["results", "bar"]
        } else {
            &["results"]
        };
        for region in regions {
            let selector = format!("[data-swap=\"{region}\"]");
            if let (Ok(Some(old)), Ok(Some(new))) = (
                doc.query_selector(&selector),
                page.query_selector(&selector),
            ) {
                // The parsed nodes move over as they are: nothing is serialised and
                // parsed a second time (no markup built from strings here), and a script
                // the parser met stays inert (DOMParser marks it so; moving keeps it).
                old.set_text_content(None);
                while let Some(child) = new.first_child() {
                    let _ = old.append_child(&child);
                }
            }
        }
        doc.set_title(&page.title());
        let Some((name, value)) = focused else { return };
        let Ok(candidates) = doc.query_selector_all("[data-swap] [name]") else {
            return;
        };
        let same = (0..candidates.length())
            .filter_map(|i| candidates.item(i)?.dyn_into::<Element>().ok())
            .find(|el| attr(el, "name") == name && attr(el, "value") == value);
        if let Some(el) = same.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    }
}
