//! Webhook endpoints through HTTP alone: a client with `receive_events` registers, lists and
//! removes its own endpoints (the secret shown once), another client sees none of them, a key
//! without the scope is forbidden, refused addresses and kinds get a specific answer in the
//! caller's language, and the unit's administrator does the same on the back-office page.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::access::Scope;

use crate::api_clients::{client, commune, hidden_value, is_problem, signed_in};
use crate::{Reply, TestApp};

async fn call(app: &TestApp, method: &str, uri: &str, key: &str, body: Option<&str>) -> Reply {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::CONTENT_TYPE, "application/json");
    app.request(
        request
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_owned())))
            .expect("request"),
    )
    .await
}

/// An app that lets endpoints be on loopback, as a province's own network would.
async fn allowing_private() -> TestApp {
    TestApp::configured(|state| state.webhooks.policy.allow_private = true).await
}

#[tokio::test]
async fn a_client_registers_lists_and_removes_its_own_endpoints_and_sees_no_one_elses() {
    let app = allowing_private().await;
    let unit = commune(&app).await;
    let (_, key, _) = client(&app, &unit, &[Scope::ReceiveEvents]).await;
    let (_, other, _) = client(&app, &unit, &[Scope::ReceiveEvents]).await;

    let created = call(
        &app,
        "POST",
        "/api/v1/webhooks",
        &key,
        Some(r#"{"url": "http://127.0.0.1:9/hooks", "events": ["result_ready", "accepted"]}"#),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let endpoint = created.json();
    assert!(
        endpoint["secret"]
            .as_str()
            .is_some_and(|s| s.starts_with("whsec_"))
    );
    assert_eq!(
        endpoint["events"],
        serde_json::json!(["accepted", "result_ready"])
    );
    assert_eq!(
        created
            .headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let id = endpoint["id"].as_str().expect("id").to_owned();

    let listed = call(&app, "GET", "/api/v1/webhooks", &key, None).await;
    assert_eq!(listed.status, StatusCode::OK);
    let list = listed.json();
    assert_eq!(list["endpoints"].as_array().map(Vec::len), Some(1));
    assert!(
        !listed.body.contains("whsec_"),
        "the secret is shown only once"
    );
    let theirs = call(&app, "GET", "/api/v1/webhooks", &other, None).await;
    assert_eq!(theirs.json()["endpoints"], serde_json::json!([]));
    for (method, uri) in [
        ("DELETE", format!("/api/v1/webhooks/{id}")),
        ("GET", format!("/api/v1/webhooks/{id}/deliveries")),
    ] {
        let refused = call(&app, method, &uri, &other, None).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{method} {uri}");
    }

    let deliveries = call(
        &app,
        "GET",
        &format!("/api/v1/webhooks/{id}/deliveries"),
        &key,
        None,
    )
    .await;
    assert_eq!(deliveries.status, StatusCode::OK);
    assert_eq!(deliveries.json()["deliveries"], serde_json::json!([]));
    let removed = call(
        &app,
        "DELETE",
        &format!("/api/v1/webhooks/{id}"),
        &key,
        None,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let again = call(
        &app,
        "DELETE",
        &format!("/api/v1/webhooks/{id}"),
        &key,
        None,
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::NO_CONTENT,
        "removing twice is fine"
    );
    let listed = call(&app, "GET", "/api/v1/webhooks", &key, None).await;
    assert_eq!(listed.json()["endpoints"][0]["active"], false);
}

#[tokio::test]
async fn a_refused_endpoint_gets_a_specific_answer_and_a_key_without_the_scope_is_forbidden() {
    let app = TestApp::new().await;
    let unit = commune(&app).await;
    let (_, key, _) = client(&app, &unit, &[Scope::ReceiveEvents]).await;
    let (_, submitter, _) = client(&app, &unit, &[Scope::SubmitDossiers]).await;

    let forbidden = call(&app, "GET", "/api/v1/webhooks", &submitter, None).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(
        forbidden.body.contains("receive_events"),
        "{}",
        forbidden.body
    );

    for (body, status, says) in [
        (
            r#"{"url": "http://127.0.0.1:9/hooks"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "https://",
        ),
        (
            r#"{"url": "https://10.0.0.7/hooks"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "private",
        ),
        (
            r#"{"url": "https://hooks.example.vn/x", "events": ["approved"]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "\\\"approved\\\" is not a kind of dossier change",
        ),
        (
            r#"{"url": ""}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter the endpoint",
        ),
        (
            r#"{"address": "x"}"#,
            StatusCode::BAD_REQUEST,
            "must be JSON",
        ),
    ] {
        let reply = call(&app, "POST", "/api/v1/webhooks", &key, Some(body)).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert!(is_problem(&reply), "{body}");
        assert!(reply.body.contains(says), "{body}: {}", reply.body);
    }
    let listed = call(&app, "GET", "/api/v1/webhooks", &key, None).await;
    assert_eq!(listed.json()["endpoints"], serde_json::json!([]));
}

#[tokio::test]
async fn the_unit_administrator_adds_an_endpoint_on_the_clients_page_and_sees_its_secret_once() {
    let app = allowing_private().await;
    let unit = commune(&app).await;
    let (id, _, _) = client(&app, &unit, &[Scope::ReceiveEvents]).await;
    let id = id.simple().to_string();
    signed_in(&app, "quantri.xa").await;
    let page = app
        .get(&format!("/back-office/api-clients/{id}/webhooks"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Hệ thống này chưa có điểm nhận nào."));
    let csrf = hidden_value(&page.body, "name=\"csrf\" value=\"").expect("csrf");

    let refused = app
        .post_form(
            &format!("/back-office/api-clients/{id}/webhooks"),
            &[
                ("csrf", &csrf),
                ("url", "ftp://127.0.0.1/x"),
                ("event", "accepted"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Địa chỉ phải bắt đầu bằng https://"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"ftp://127.0.0.1/x\""),
        "what was typed stays"
    );
    assert!(
        refused.body.contains("value=\"accepted\" checked"),
        "what was ticked stays"
    );

    let added = app
        .post_form(
            &format!("/back-office/api-clients/{id}/webhooks"),
            &[
                ("csrf", &csrf),
                ("url", "http://127.0.0.1:9/hooks"),
                ("event", "accepted"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let secret = hidden_value(
        &added.body,
        "id=\"new-secret\" class=\"input-wide\" type=\"text\" readonly value=\"",
    )
    .expect("the secret, shown once");
    assert!(secret.starts_with("whsec_"));
    let again = app
        .get(&format!("/back-office/api-clients/{id}/webhooks"))
        .await;
    assert!(!again.body.contains(&secret));
    assert!(again.body.contains("http://127.0.0.1:9/hooks"));
    assert!(
        again
            .body
            .contains("Chưa có gì được gửi tới điểm nhận này.")
    );

    // A reception officer does not manage the unit's clients.
    signed_in(&app, "tiepnhan.xa").await;
    let other = app
        .get(&format!("/back-office/api-clients/{id}/webhooks"))
        .await;
    assert!(
        matches!(other.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        other.status
    );
}
