//! Health, metrics and behaviour when the database goes away.

use axum::http::StatusCode;

use crate::TestApp;

#[tokio::test]
async fn health_reports_the_database_and_the_catalogue() {
    let app = TestApp::new().await;
    let reply = app.get("/healthz").await;
    assert_eq!(reply.status, StatusCode::OK);
    let json = reply.json();
    assert_eq!(json["status"], "ok");
    assert!(json["procedures"].as_u64().expect("count") >= 60);
}

#[tokio::test]
async fn liveness_answers_without_the_database() {
    let app = TestApp::new().await;
    app.state.db.close().await;
    let reply = app.get("/livez").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "ok");
}

#[tokio::test]
async fn metrics_count_requests_by_route_in_prometheus_format() {
    let app = TestApp::new().await;
    app.get("/procedures?q=khai+sinh").await;
    let reply = app.get("/metrics").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("http_requests_total"), "{}", reply.body);
    assert!(reply.body.contains("route=\"/procedures\""));
    // The group commit's counts are there too (their values are the storage tests' concern).
    assert!(reply.body.contains("dossier_group_commits_total"));
    assert!(reply.body.contains("dossier_group_commit_creations_total"));
}

#[tokio::test]
async fn a_lost_database_gives_service_unavailable_not_a_crash() {
    let app = TestApp::new().await;
    app.state.db.close().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    let page = app.get("/back-office/calendar?year=2026").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.body.contains("Dịch vụ tạm thời không hoạt động"));
    let en = app.get_in("/back-office/calendar?year=2026", "en").await;
    assert!(en.body.contains("Sorry, the service is unavailable"));
    // Pages served from the in-memory catalogue keep working.
    assert_eq!(
        app.get("/procedures?q=khai+sinh").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_server_fault_gives_a_problem_page_with_a_reference_and_no_details() {
    let app = TestApp::new().await;
    app.db
        .execute_raw("drop table calendar_day")
        .await
        .expect("break the calendar table");
    let page = app.get("/back-office/calendar?year=2026").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.body.contains("Đã xảy ra lỗi trong hệ thống"));
    assert!(
        page.body.contains("Mã tham chiếu:"),
        "the page gives the request id to quote"
    );
    assert!(
        !page.body.to_lowercase().contains("calendar_day"),
        "no internal detail leaks"
    );
    let api = app.get("/api/v1/calendar?year=2026").await;
    assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!api.body.to_lowercase().contains("calendar_day"));
    assert_eq!(api.json()["status"], 500);
}
