//! The request context: the id that ties a request's log lines, its `x-request-id`
//! header and any error envelope together. The server's edge middleware sets it; code
//! anywhere below reads it with [`current_id`].

use std::future::Future;
use std::sync::Arc;

tokio::task_local! {
    static REQUEST_ID: Arc<str>;
}

/// The id of the request being served by this task, if any.
pub fn current_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.to_string()).ok()
}

/// Runs `fut` with `id` as the current request id.
pub async fn scope<F: Future>(id: Arc<str>, fut: F) -> F::Output {
    REQUEST_ID.scope(id, fut).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_id_is_visible_inside_its_scope_only() {
        assert_eq!(current_id(), None);
        let seen = scope(Arc::from("req-1"), async { current_id() }).await;
        assert_eq!(seen.as_deref(), Some("req-1"));
    }
}
