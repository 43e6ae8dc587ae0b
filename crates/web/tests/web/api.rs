//! The JSON API and its OpenAPI document.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::TestApp;

#[tokio::test]
async fn search_answers_items_and_total_best_match_first() {
    let app = TestApp::new().await;
    for q in [
        "dang%20ky%20khai%20sinh",
        "%C4%90%C4%82NG%20K%C3%8D%20KHAI%20SINH",
        "%C4%90%C4%83ng%20k%C3%BD%20khai%20sinh",
    ] {
        let reply = app.get(&format!("/api/v1/procedures?q={q}")).await;
        assert_eq!(reply.status, StatusCode::OK);
        let json = reply.json();
        assert!(json["total"].as_u64().expect("total") >= 1);
        assert_eq!(json["items"][0]["name"], "Đăng ký khai sinh", "{q}");
        assert!(json["items"][0]["code"].is_string());
    }
    let marriage = app
        .get("/api/v1/procedures?q=dang%20ky%20ket%20hon")
        .await
        .json();
    assert_eq!(marriage["items"][0]["name"], "Đăng ký kết hôn");
}

#[tokio::test]
async fn the_api_and_the_page_give_the_same_answer() {
    let app = TestApp::new().await;
    let api = app
        .get("/api/v1/procedures?q=ly%20lich%20tu%20phap&per_page=5")
        .await
        .json();
    let page = app.get("/procedures?q=ly+lich+tu+phap").await;
    let titles = crate::card_titles(&page.body);
    let api_names: Vec<String> = api["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(
        titles
            .iter()
            .take(api_names.len())
            .cloned()
            .collect::<Vec<_>>(),
        api_names
    );
}

#[tokio::test]
async fn a_procedure_has_its_papers_fees_and_agencies() {
    let app = TestApp::new().await;
    let list = app
        .get("/api/v1/procedures?q=chung%20thuc%20ban%20sao&per_page=1")
        .await
        .json();
    let code = list["items"][0]["code"].as_str().expect("code").to_owned();
    let detail = app.get(&format!("/api/v1/procedures/{code}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    let json = detail.json();
    assert_eq!(json["code"], code.as_str());
    assert!(
        !json["components"]
            .as_array()
            .expect("components")
            .is_empty()
    );
    assert!(!json["agencies"].as_array().expect("agencies").is_empty());
    assert!(
        json["legal_basis"]
            .as_array()
            .is_some_and(|l| !l.is_empty())
    );
}

#[tokio::test]
async fn invalid_parameters_get_a_problem_document_in_the_clients_language() {
    let app = TestApp::new().await;
    let reply = app.get("/api/v1/procedures?per_page=1000").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    assert!(
        reply.json()["detail"]
            .as_str()
            .expect("detail")
            .contains("1000")
    );
    let english = app
        .request(
            Request::get("/api/v1/procedures?level=district")
                .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(
        english.json()["detail"],
        "Level “district” is not valid; use province or commune."
    );
    let missing = app.get("/api/v1/procedures/0.000000").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["status"], 404);
}

#[tokio::test]
async fn pagination_and_filters_apply_to_the_api() {
    let app = TestApp::new().await;
    let all = app.get("/api/v1/procedures?per_page=100").await.json();
    let total = all["total"].as_u64().expect("total");
    assert!(total >= 60, "{total}");
    let page2 = app
        .get("/api/v1/procedures?per_page=10&page=2")
        .await
        .json();
    assert_eq!(page2["items"].as_array().map(Vec::len), Some(10));
    assert_eq!(page2["items"][0]["code"], all["items"][10]["code"]);
    let province = app
        .get("/api/v1/procedures?level=province&per_page=100")
        .await
        .json();
    assert!(
        province["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["level"] == "province")
    );
}

#[tokio::test]
async fn fields_agencies_and_the_calendar_are_served() {
    let app = TestApp::new().await;
    let fields = app.get("/api/v1/fields").await.json();
    assert!(fields.as_array().is_some_and(|f| f.len() >= 8));
    let agencies = app.get("/api/v1/agencies").await.json();
    let communes = agencies
        .as_array()
        .expect("agencies")
        .iter()
        .filter(|a| a["kind"] == "commune")
        .count();
    assert!(communes >= 20);
    let days = app.get("/api/v1/calendar?year=2026").await.json();
    assert!(
        days.as_array()
            .expect("days")
            .iter()
            .any(|d| d["date"] == "2026-02-17" && d["kind"] == "holiday")
    );
}

#[tokio::test]
async fn the_openapi_document_matches_its_snapshot() {
    let app = TestApp::new().await;
    let reply = app.get("/api/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    insta::assert_json_snapshot!("openapi", reply.json());
}
