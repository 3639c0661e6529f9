//! The pictures of a product in the editor: upload with a preview of the chosen file,
//! alternative text, order (the first is the one listings show) and deletion.

use crate::catalog::api::{admin_product, delete_image, move_image, set_image_alt};
use crate::catalog::model::Image;
use leptos::prelude::*;

#[component]
pub fn Images(product_id: String) -> impl IntoView {
    use leptos::wasm_bindgen::JsCast as _;
    let version = RwSignal::new(0u32);
    let pid = product_id.clone();
    let images = Resource::new(
        move || version.get(),
        move |_| {
            let pid = pid.clone();
            async move { admin_product(pid).await.map(|p| p.images) }
        },
    );
    let refresh = move || version.update(|v| *v += 1);
    let upload = Action::new_local(|data: &leptos::web_sys::FormData| {
        crate::catalog::api::upload_product_image(data.clone().into())
    });
    let change = Action::new(|(op, id, text): &(&'static str, String, String)| {
        let (op, id, text) = (*op, id.clone(), text.clone());
        async move {
            match op {
                "alt" => set_image_alt(id, text).await,
                "up" => move_image(id, true).await,
                "down" => move_image(id, false).await,
                _ => delete_image(id).await,
            }
        }
    });
    let preview = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if upload.value().with(|r| matches!(r, Some(Ok(_)))) {
            preview.set(None);
            refresh();
        }
    });
    Effect::new(move |_| {
        if change.value().with(|r| matches!(r, Some(Ok(())))) {
            refresh();
        }
    });
    let on_pick = move |ev: leptos::ev::Event| {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok());
        let form = input.as_ref().and_then(|i| i.form());
        let file = form
            .and_then(|f| leptos::web_sys::FormData::new_with_form(&f).ok())
            .map(|d| d.get("image"))
            .and_then(|v| v.dyn_into::<leptos::web_sys::Blob>().ok())
            .filter(|b| b.size() > 0.0);
        preview.set(file.and_then(|b| leptos::web_sys::Url::create_object_url_with_blob(&b).ok()));
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok());
        if let Some(data) = form.and_then(|f| leptos::web_sys::FormData::new_with_form(&f).ok()) {
            upload.dispatch_local(data);
        }
    };
    let error = move || {
        upload
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.message)
            .or_else(|| {
                change
                    .value()
                    .get()
                    .and_then(Result::err)
                    .map(|e| e.message)
            })
    };
    view! {
        <section class="card" data-testid="images">
            <h2>"Pictures"</h2>
            {move || error().map(|e| view! { <p class="form-error" role="alert" data-testid="image-error">{e}</p> })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list: Vec<Image> = images.await.unwrap_or_default();
                    let last = list.len().saturating_sub(1);
                    view! {
                        <ul class="image-list">
                            {list.into_iter().enumerate().map(|(i, image)| {
                                let (id_alt, id_up, id_down, id_del) = (image.id.clone(), image.id.clone(), image.id.clone(), image.id.clone());
                                view! {
                                    <li class="image-list__item" data-testid="image-item">
                                        <img src=image.srcset.split(' ').next().unwrap_or_default().to_owned() alt=image.alt.clone() width="96" height="96" />
                                        <input aria-label="Alternative text" placeholder="Describe the picture" prop:value=image.alt.clone()
                                            on:change=move |ev| { change.dispatch(("alt", id_alt.clone(), event_target_value(&ev))); } data-testid="image-alt" />
                                        <div class="image-list__actions">
                                            <button type="button" class="button button--link" disabled=i == 0 aria-label="Move earlier"
                                                on:click=move |_| { change.dispatch(("up", id_up.clone(), String::new())); }>"↑"</button>
                                            <button type="button" class="button button--link" disabled=i == last aria-label="Move later"
                                                on:click=move |_| { change.dispatch(("down", id_down.clone(), String::new())); }>"↓"</button>
                                            <button type="button" class="button button--link" data-testid="image-delete"
                                                on:click=move |_| { change.dispatch(("delete", id_del.clone(), String::new())); }>"Delete"</button>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
            <form class="upload" on:submit=on_submit data-testid="image-form">
                <input type="hidden" name="product_id" value=product_id />
                <label class="field"><span>"Picture (PNG, JPEG or WebP, up to 10 MB)"</span>
                    <input type="file" name="image" accept="image/png,image/jpeg,image/webp" required on:change=on_pick data-testid="image-file" /></label>
                {move || preview.get().map(|src| view! { <img class="upload__preview" src=src alt="Preview of the chosen picture" data-testid="image-preview" /> })}
                <label class="field"><span>"Alternative text"</span>
                    <input name="alt" maxlength="250" placeholder="What the picture shows" data-testid="image-alt-new" /></label>
                <button type="submit" class="button" disabled=move || upload.pending().get() data-testid="image-upload">
                    {move || if upload.pending().get() { "Uploading…" } else { "Upload picture" }}
                </button>
            </form>
        </section>
    }
}
