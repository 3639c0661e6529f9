use crate::both_backends;
use crate::helpers::{json, TestApp, TestDb};

both_backends!(
    an_unknown_api_route_is_a_404_envelope,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;

        for path in ["/api/v1/nothing-here", "/api/v1", "/api/other"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 404, "{path}");
            assert!(response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("application/json"));
            let request_id = response.headers()["x-request-id"]
                .to_str()
                .expect("ascii")
                .to_owned();
            let body = json(response).await;
            assert_eq!(body["status"], "error");
            assert_eq!(body["error"]["code"], "NOT_FOUND");
            assert!(body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()));
            assert_eq!(body["meta"]["request_id"], request_id.as_str());
        }
        let post = app
            .client
            .post(app.url("/api/v1/no-such-resource"))
            .send()
            .await
            .expect("POST");
        assert_eq!(post.status(), 404);
    }
);

both_backends!(
    a_sane_caller_request_id_is_kept_and_a_hostile_one_replaced,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;

        let kept = app
            .client
            .get(app.url("/health"))
            .header("x-request-id", "lb-abc-123")
            .send()
            .await
            .expect("GET");
        assert_eq!(kept.headers()["x-request-id"], "lb-abc-123");

        let replaced = app
            .client
            .get(app.url("/health"))
            .header("x-request-id", "<script>alert(1)</script>")
            .send()
            .await
            .expect("GET");
        let id = replaced.headers()["x-request-id"].to_str().expect("ascii");
        assert_ne!(id, "<script>alert(1)</script>");
        assert_eq!(id.len(), 32, "a fresh uuid: {id}");
    }
);

both_backends!(
    an_unknown_page_is_a_friendly_404_page,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;

        let response = app.get("/no/such/page").await;
        assert_eq!(response.status(), 404);
        assert!(response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/html"));
        assert!(response.headers().contains_key("x-request-id"));
        let html = response.text().await.expect("body");
        assert!(html.contains(r#"data-testid="not-found""#), "{html}");
        assert!(
            html.contains("We couldn&#x27;t find that page")
                || html.contains("We couldn't find that page")
        );
        // The page keeps the shop's frame: the shopper can navigate on from it.
        assert!(html.contains(r#"data-testid="logo""#));
    }
);

both_backends!(
    a_server_function_called_with_malformed_arguments_answers_400,
    |backend| async move {
        let db = crate::helpers::TestDb::fresh(backend).await;
        let app = crate::helpers::TestApp::spawn(&db, &[]).await;
        // `login` needs an email and a password.
        let response = app
            .client
            .post(app.url(<app::accounts::api::Login as leptos::server_fn::ServerFn>::PATH))
            .header("accept", "application/json")
            .form(&[("nothing", "useful")])
            .send()
            .await
            .expect("post");
        assert_eq!(response.status(), 400);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["code"], "VALIDATION_ERROR");
    }
);
