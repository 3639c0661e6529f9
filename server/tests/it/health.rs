use crate::both_backends;
use crate::helpers::{json, TestApp, TestDb};

both_backends!(
    health_answers_200_with_the_success_envelope,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;

        let response = app.get("/health").await;
        assert_eq!(response.status(), 200);
        let request_id = response.headers()["x-request-id"]
            .to_str()
            .expect("ascii")
            .to_owned();
        let body = json(response).await;
        assert_eq!(body["status"], "success");
        assert_eq!(body["data"]["status"], "ok");
        assert_eq!(body["meta"]["request_id"], request_id.as_str());
        assert!(body["meta"]["timestamp"]
            .as_str()
            .is_some_and(|t| t.contains('T')));
    }
);

both_backends!(
    ready_reports_the_database_when_it_answers,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;

        let response = app.get("/ready").await;
        assert_eq!(response.status(), 200);
        let body = json(response).await;
        assert_eq!(body["data"]["checks"]["database"], "ok");
        assert!(
            body["data"]["checks"].get("redis").is_none(),
            "redis is not configured"
        );
    }
);

both_backends!(
    ready_is_503_with_the_error_envelope_when_the_database_is_gone,
    |backend| async move {
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[]).await;
        db.take_down(&app.state).await;

        let response = app.get("/ready").await;
        assert_eq!(response.status(), 503);
        let body = json(response).await;
        assert_eq!(body["status"], "error");
        assert_eq!(body["error"]["code"], "SERVICE_UNAVAILABLE");
        assert_eq!(body["error"]["details"]["database"], "unavailable");
        assert!(body["meta"]["request_id"].is_string());
        // Liveness is unaffected: restarting the process would not bring the database back.
        assert_eq!(app.get("/health").await.status(), 200);
    }
);

both_backends!(
    ready_checks_redis_when_it_is_configured,
    |backend| async move {
        let Some(redis) = crate::helpers::service_url("TEST_REDIS_URL") else {
            return;
        };
        let db = TestDb::fresh(backend).await;
        let app = TestApp::spawn(&db, &[("REDIS_URL", &redis)]).await;

        let body = json(app.get("/ready").await).await;
        assert_eq!(body["data"]["checks"]["redis"], "ok");
        assert_eq!(body["data"]["checks"]["database"], "ok");
    }
);
