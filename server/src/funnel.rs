//! Counts "viewed a product" in the funnel: a product page (`/products/{slug}`) answered
//! 200 to a GET. Outside the page cache, so cached pages count too; the hit goes to the
//! batched writer (`platform::hits`), so the page never waits for it.

use app::analytics::funnel::{record, Step};
use app::platform::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

pub async fn count_views(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let product_page = req.method() == http::Method::GET
        && req
            .uri()
            .path()
            .strip_prefix("/products/")
            .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'));
    let response = next.run(req).await;
    if product_page && response.status() == http::StatusCode::OK {
        record(&state, Step::Viewed).await;
    }
    response
}
