//! Protected pages are refused on the server, before anything renders: a visitor who is
//! not signed in is sent (303) to sign in with a `next` back to the page; an admin who
//! has not set up two-factor is sent to set it up. A signed-in customer reaching the
//! admin gets the admin's own 403 page. Without this the pages answered 200 with an empty
//! frame and redirected only once hydrated. The rule per path is `app::shell::page_access`.

use app::platform::state::AppState;
use app::shell::{page_access, PageAccess};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::Method;

pub async fn protect_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let access = page_access(req.uri().path());
    if access == PageAccess::Public {
        return next.run(req).await;
    }
    let Some(session) = req.extensions().get::<tower_sessions::Session>().cloned() else {
        tracing::error!("the session layer is missing in front of protected pages");
        return next.run(req).await;
    };
    let user = match app::accounts::session::current(&state.db, &session).await {
        Ok(user) => user,
        Err(err) => return err.into_response(),
    };
    let Some(user) = user else {
        let here = req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let to = format!(
            "/account/login?next={}",
            app::accounts::pages::urlencode(&here)
        );
        return Redirect::to(&to).into_response();
    };
    if access == PageAccess::Staff && user.owes_two_factor() {
        return Redirect::to("/account/two-factor?required=1").into_response();
    }
    next.run(req).await
}
