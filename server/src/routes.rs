//! The HTTP routes outside Leptos (REST, the webhook, media, exports, SEO files, health)
//! are added through [`add`], which also lists them. The malformed-request corpus
//! (`tests/it/malformed.rs`) sends its requests to every listed route and to every server
//! function, so a route is covered the day it is added; a unit test below keeps `.route(`
//! out of the other files of this crate.

use axum::routing::MethodRouter;
use axum::Router;
use std::sync::Mutex;

static LISTED: Mutex<Vec<(&'static str, &'static str)>> = Mutex::new(Vec::new());

/// `router.route(path, route)`, remembering `methods` ("GET", "GET,PUT") for the tests.
pub fn add<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    methods: &'static str,
    path: &'static str,
    route: MethodRouter<S>,
) -> Router<S> {
    let mut listed = LISTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !listed.contains(&(methods, path)) {
        listed.push((methods, path));
    }
    drop(listed);
    router.route(path, route)
}

/// Every route added so far, as `(method, path)`; path parameters as `{name}`.
pub fn listed() -> Vec<(&'static str, &'static str)> {
    LISTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .flat_map(|(methods, path)| methods.split(',').map(move |m| (m, *path)))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_of_the_crate_is_added_through_the_list() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for entry in std::fs::read_dir(&dir).expect("src") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name == "routes.rs" || !name.ends_with(".rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read");
            assert!(
                !text.contains(".route("),
                "{name} adds a route without crate::routes::add: the malformed-request test would miss it"
            );
        }
    }
}
