//! Public tracking by dossier code and the last four digits of the applicant's phone or ID.

use app::dossiers::{Application, DossierService, Opening, Outcome};
use axum::http::StatusCode;
use domain::catalogue::Channel;
use domain::dossier::{Actor, Applicant, ApplicantKind, OfficerRole};
use time::macros::datetime;

use crate::TestApp;

async fn walk_in(app: &TestApp) -> String {
    let data = app.state.reference.get();
    let procedure = data
        .catalogue
        .procedures
        .iter()
        .find(|p| p.workflow == "commune-standard")
        .expect("procedure");
    let unit = procedure.agencies[0].clone();
    let outcome = DossierService::new(&app.state.db, &app.state.vault, &data)
        .open(
            &Actor::Officer {
                officer_id: "r1".into(),
                role: OfficerRole::Reception,
                unit,
            },
            &Application {
                procedure_code: procedure.code.clone(),
                opening: Opening::Counter {
                    channel: Channel::Counter,
                    accept: true,
                    papers: Vec::new(),
                },
                applicant: Applicant {
                    id: "walk-in".into(),
                    kind: ApplicantKind::Citizen,
                },
                applicant_name: "Đỗ Minh Khoa".into(),
                applicant_contact: Some("0912 345 678".into()),
                phone: Some("0912 345 678".into()),
                personal_id: Some("001090012345".into()),
                papers: Vec::new(),
                from_draft: None,
                account: None,
            },
            datetime!(2026-11-24 02:00 UTC),
            None,
        )
        .await
        .expect("intake");
    match outcome {
        Outcome::Done(v) => v.stored.code,
        Outcome::Replayed(_) => panic!("replay"),
    }
}

#[tokio::test]
async fn the_applicant_follows_a_dossier_with_its_code_and_four_digits() {
    let app = TestApp::new().await;
    let code = walk_in(&app).await;
    for digits in ["5678", "2345", "0912345678"] {
        let page = app.track(&code, digits).await;
        assert_eq!(page.status, StatusCode::OK, "{digits}");
        assert!(page.body.contains("Đã tiếp nhận"), "{}", page.body);
        assert!(page.body.contains("Hẹn trả kết quả"));
        assert!(
            page.body
                .contains("Hồ sơ được tiếp nhận, hẹn ngày trả kết quả")
        );
        assert!(
            !page.body.contains("Đỗ Minh Khoa"),
            "the public page shows no personal data"
        );
    }
    // Code and four digits show no forms: those carry the applicant's name and address, and
    // only the QR code (or the confirmation page of an online application) carries their key.
    let page = app.track(&code, "5678").await;
    assert!(!page.body.contains("/verify/"));
    let api = track_api(&app, &code, "5678").await.json();
    assert_eq!(api["status"], "accepted");
    assert_eq!(api["dvcqg_status"], "new");
    assert_eq!(api["timeline"][0]["kind"], "submitted");
    assert!(api["appointment"].is_string());
    // The query-string form answers the same, saying it is deprecated and what replaces it.
    let old = app
        .get(&format!("/api/v1/tracking?code={code}&digits=5678"))
        .await;
    assert_eq!(old.status, StatusCode::OK);
    assert_eq!(old.json()["status"], "accepted");
    let header = |name: &str| {
        old.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("deprecation"), "@1795824000");
    assert_eq!(
        header("link"),
        "</api/v1/tracking>; rel=\"successor-version\""
    );
}

#[tokio::test]
async fn wrong_digits_and_unknown_codes_get_the_same_answer() {
    let app = TestApp::new().await;
    let code = walk_in(&app).await;
    let wrong = app.track(&code, "1111").await;
    let unknown = app.track("000.00.00.H27-261124-0999", "5678").await;
    for page in [&wrong, &unknown] {
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(
            page.body
                .contains("Không tìm thấy hồ sơ có mã và 4 số cuối này")
        );
        assert!(!page.body.contains("Tình trạng"));
    }
    let api = track_api(&app, &code, "1111").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    // The first version's query string still answers the same, for existing clients.
    let old = app
        .get(&format!("/api/v1/tracking?code={code}&digits=1111"))
        .await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    let malformed = app
        .request(
            axum::http::Request::post("/api/v1/tracking")
                .header(axum::http::header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from("{\"code\": 1}"))
                .expect("request"),
        )
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert!(malformed.body.contains("code") && malformed.body.contains("digits"));
}

/// The API look-up with the code and digits in a JSON body.
async fn track_api(app: &TestApp, code: &str, digits: &str) -> crate::Reply {
    app.request(
        axum::http::Request::post("/api/v1/tracking")
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .body(axum::body::Body::from(
                serde_json::json!({ "code": code, "digits": digits }).to_string(),
            ))
            .expect("request"),
    )
    .await
}

#[tokio::test]
async fn a_malformed_look_up_is_explained_field_by_field_and_keeps_what_was_typed() {
    let app = TestApp::new().await;
    let empty = app.get("/tracking").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(!empty.body.contains("error-summary"));
    let bad = app.track("HS-123", "12").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("<title>Lỗi: Tra cứu hồ sơ"));
    assert!(bad.body.contains("href=\"#code\">Mã hồ sơ chưa đúng dạng"));
    assert!(bad.body.contains("href=\"#digits\">Nhập ít nhất 4 chữ số"));
    assert!(bad.body.contains("value=\"HS-123\""));
    assert!(
        bad.body
            .contains("aria-describedby=\"code-hint code-error\"")
    );
    let en = app
        .request(
            axum::http::Request::post("/tracking")
                .header(axum::http::header::COOKIE, "lang=en")
                .header(
                    axum::http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(axum::body::Body::from("code=&digits=5678"))
                .expect("request"),
        )
        .await;
    assert!(en.body.contains("Enter the dossier code"));
}

#[tokio::test]
async fn guessing_the_digits_of_one_code_is_stopped_after_ten_failures_and_the_right_digits_too() {
    let app = TestApp::new().await;
    let code = walk_in(&app).await;
    for guess in 0..10 {
        let reply = app
            .get(&format!(
                "/api/v1/tracking?code={code}&digits={:04}",
                1000 + guess
            ))
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }
    let page = app.track(&code, "1999").await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after = |reply: &crate::Reply| {
        reply
            .headers
            .get(axum::http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
    };
    // The wait is told to programs too (issue 31: 429 carried no Retry-After).
    assert!(
        retry_after(&page).is_some_and(|s| (60..=600).contains(&s)),
        "{:?}",
        page.headers
    );
    assert!(page.body.contains("Đã tra cứu sai quá nhiều lần"));
    let api = app
        .get(&format!("/api/v1/tracking?code={code}&digits=5678"))
        .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS, "{}", api.body);
    assert!(
        retry_after(&api).is_some_and(|s| s >= 60),
        "{:?}",
        api.headers
    );
    assert!(
        api.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("phút")
    );
}
