//! API clients through HTTP alone: a key with `submit_dossiers` files an online dossier once per
//! `Idempotency-Key`, a key without the scope is forbidden, a wrong or revoked key is refused, a
//! client reads back only what it filed, and the dossier reaches the officers' inbox as online.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::access::Scope;
use storage::api_clients::NewApiClient;
use uuid::Uuid;

use crate::{Reply, TestApp};

/// Birth registration: online, settled by every commune.
const BIRTH_REGISTRATION: &str = "1.001193";
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The commune of the demonstration officers, which settles birth registration.
pub(crate) async fn commune(app: &TestApp) -> String {
    let data = app.state.reference.get();
    app::accounts::officers::ensure_demo_officers(&app.db.db, &data)
        .await
        .expect("demo officers");
    app.db
        .db
        .officer_by_username("tiepnhan.xa")
        .await
        .expect("read")
        .expect("reception officer")
        .agency_code
}

/// A client of `unit` and a key with `scopes`: (client id, key, prefix).
pub(crate) async fn client(app: &TestApp, unit: &str, scopes: &[Scope]) -> (Uuid, String, String) {
    let id = Uuid::now_v7();
    app.db
        .db
        .create_api_client(&NewApiClient {
            id,
            name: "Cổng Dịch vụ công quốc gia".into(),
            agency_code: Some(unit.into()),
            created_by: "test".into(),
        })
        .await
        .expect("client");
    let issued = app::api_keys::issue(&app.db.db, id, scopes, None)
        .await
        .expect("key");
    (id, issued.key, issued.prefix)
}

fn application(app: &TestApp, agency: &str, reference: &str) -> String {
    let data = app.state.reference.get();
    let procedure = data.procedure(BIRTH_REGISTRATION).expect("procedure");
    let papers: Vec<serde_json::Value> = procedure
        .components
        .iter()
        .filter(|c| c.required)
        .map(|c| {
            serde_json::json!({
                "component": c.name,
                "file_name": "giay-to.pdf",
                "content_base64": base64(PDF),
            })
        })
        .collect();
    serde_json::json!({
        "procedure": BIRTH_REGISTRATION,
        "agency": agency,
        "applicant_kind": "citizen",
        "name": "Nguyễn Thị Hoa",
        "personal_id": "027190001234",
        "birth_date": "1990-05-17",
        "phone": "0912 345 678",
        "email": "hoa@example.vn",
        "address": "Thôn Đông, xã Tiên Du",
        "return_method": "online",
        "applicant_ref": reference,
        "papers": papers,
    })
    .to_string()
}

async fn submit(app: &TestApp, key: &str, idempotency: Option<&str>, body: &str) -> Reply {
    let mut request = Request::post("/api/v1/applications")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::ACCEPT_LANGUAGE, "en");
    if let Some(k) = idempotency {
        request = request.header("idempotency-key", k);
    }
    app.request(request.body(Body::from(body.to_owned())).expect("request"))
        .await
}

async fn read(app: &TestApp, key: &str, code: &str) -> Reply {
    app.request(
        Request::get(format!("/api/v1/applications/{code}"))
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .header(header::ACCEPT_LANGUAGE, "en")
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

pub(crate) fn is_problem(reply: &Reply) -> bool {
    reply
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "application/problem+json")
}

#[tokio::test]
async fn a_client_with_submit_dossiers_files_once_per_idempotency_key_and_a_retry_answers_the_same_code()
 {
    let app = TestApp::new().await;
    let unit = commune(&app).await;
    let (_, key, prefix) = client(&app, &unit, &[Scope::SubmitDossiers]).await;
    let body = application(&app, &unit, "citizen-42");

    let first = submit(&app, &key, Some("apply-1"), &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let code = first.json()["code"].as_str().expect("code").to_owned();
    assert!(code.starts_with(&unit), "{code}");
    assert!(first.json()["appointment"].is_string(), "{}", first.body);

    let retry = submit(&app, &key, Some("apply-1"), &body).await;
    assert_eq!(retry.status, StatusCode::CREATED, "{}", retry.body);
    assert_eq!(retry.json()["code"], first.json()["code"]);

    // A new key files a second dossier; the same key with another body is refused.
    let second = submit(&app, &key, Some("apply-2"), &body).await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_ne!(second.json()["code"], first.json()["code"]);
    let other_body = application(&app, &unit, "citizen-43");
    let reused = submit(&app, &key, Some("apply-1"), &other_body).await;
    assert_eq!(
        reused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reused.body
    );

    let missing = submit(&app, &key, None, &body).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(is_problem(&missing));

    let stored = app
        .db
        .db
        .dossier_by_code(&code)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.channel, "online");
    let used = app
        .db
        .db
        .api_key_by_prefix(&prefix)
        .await
        .expect("read")
        .expect("key");
    assert!(used.last_used_at.is_some(), "last use recorded");
}

#[tokio::test]
async fn a_key_without_the_scope_is_forbidden_and_a_wrong_or_revoked_key_is_unauthorised() {
    let app = TestApp::new().await;
    let unit = commune(&app).await;
    let body = application(&app, &unit, "citizen-1");
    let (_, reader, _) = client(&app, &unit, &[Scope::ReadOwnDossiers]).await;
    let forbidden = submit(&app, &reader, Some("k1"), &body).await;
    assert_eq!(
        forbidden.status,
        StatusCode::FORBIDDEN,
        "{}",
        forbidden.body
    );
    assert!(is_problem(&forbidden));
    assert!(
        forbidden.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("submit_dossiers")
    );

    let (_, key, prefix) = client(&app, &unit, &[Scope::SubmitDossiers]).await;
    let wrong = submit(&app, &format!("{key}0"), Some("k2"), &body).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(is_problem(&wrong));
    assert!(
        wrong.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("API key")
    );
    let none = app
        .request(
            Request::post("/api/v1/applications")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.clone()))
                .expect("request"),
        )
        .await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);

    assert!(
        app.db
            .db
            .revoke_api_key(&prefix, None, time::OffsetDateTime::now_utc())
            .await
            .expect("revoke")
    );
    let revoked = submit(&app, &key, Some("k3"), &body).await;
    assert_eq!(revoked.status, StatusCode::UNAUTHORIZED, "{}", revoked.body);
}

#[tokio::test]
async fn a_client_reads_its_own_dossier_and_gets_not_found_for_another_clients() {
    let app = TestApp::new().await;
    let unit = commune(&app).await;
    let scopes = [Scope::SubmitDossiers, Scope::ReadOwnDossiers];
    let (_, mine, _) = client(&app, &unit, &scopes).await;
    let (_, theirs, _) = client(&app, &unit, &scopes).await;
    let body = application(&app, &unit, "citizen-7");
    let filed = submit(&app, &mine, Some("own-1"), &body).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.json()["code"].as_str().expect("code").to_owned();

    let own = read(&app, &mine, &code).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert_eq!(own.json()["code"], code.as_str());
    assert_eq!(own.json()["status"], "submitted");

    let other = read(&app, &theirs, &code).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(
        !other.body.contains("Hoa"),
        "nothing about the dossier leaks"
    );
    let nothing = read(&app, &theirs, &format!("{unit}-260218-9999")).await;
    assert_eq!(nothing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.body, nothing.body,
        "a stranger's dossier looks like none"
    );
}

#[tokio::test]
async fn the_officer_sees_a_dossier_filed_over_the_api_in_the_inbox_as_an_online_one() {
    let app = TestApp::new().await;
    let unit = commune(&app).await;
    let (_, key, _) = client(&app, &unit, &[Scope::SubmitDossiers]).await;
    let filed = submit(
        &app,
        &key,
        Some("inbox-1"),
        &application(&app, &unit, "c-9"),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.json()["code"].as_str().expect("code").to_owned();

    let signed_in = app
        .post_form(
            "/back-office/sign-in",
            &[
                ("username", "tiepnhan.xa"),
                ("password", app::accounts::officers::DEMO_PASSWORD),
                ("next", "/back-office/inbox"),
            ],
        )
        .await;
    let cookie = signed_in
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned();
    app.browse_as(Some(&cookie));
    let inbox = app.get("/back-office/inbox?lang=en").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.body.contains(&code), "the inbox lists {code}");
    let page = app
        .get(&format!("/back-office/dossiers/{code}?lang=en"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Online"),
        "the dossier page shows the online channel"
    );
}

pub(crate) fn hidden_value(html: &str, marker: &str) -> Option<String> {
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

pub(crate) async fn signed_in(app: &TestApp, username: &str) -> String {
    let reply = app
        .post_form(
            "/back-office/sign-in",
            &[
                ("username", username),
                ("password", app::accounts::officers::DEMO_PASSWORD),
                ("next", "/back-office/inbox"),
            ],
        )
        .await;
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned();
    app.browse_as(Some(&cookie));
    cookie
}

#[tokio::test]
async fn a_unit_administrator_creates_a_client_issues_a_key_shown_once_and_revokes_it() {
    let app = TestApp::new().await;
    let unit = commune(&app).await;
    signed_in(&app, "quantri.xa").await;
    let page = app.get("/back-office/api-clients?lang=en").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = hidden_value(&page.body, "name=\"csrf\" value=\"").expect("csrf");

    let without_token = app
        .post_form("/back-office/api-clients", &[("name", "Hệ thống hộ tịch")])
        .await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN);
    let created = app
        .post_form(
            "/back-office/api-clients",
            &[("csrf", &csrf), ("name", "Hệ thống hộ tịch")],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let clients = app
        .db
        .db
        .api_clients(Some(std::slice::from_ref(&unit)))
        .await
        .expect("clients");
    assert_eq!(clients.len(), 1);
    let id = clients[0].id.simple().to_string();

    let issued = app
        .post_form(
            &format!("/back-office/api-clients/{id}/keys?lang=en"),
            &[
                ("csrf", &csrf),
                ("scope", "submit_dossiers"),
                ("scope", "read_own_dossiers"),
            ],
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let key = hidden_value(
        &issued.body,
        "id=\"new-key\" class=\"input-wide\" type=\"text\" readonly value=\"",
    )
    .expect("the key, shown once");
    assert!(key.starts_with("mck_"));
    let prefix: String = key.chars().take(12).collect();
    let again = app.get("/back-office/api-clients?lang=en").await;
    assert!(!again.body.contains(&key), "the key is never shown again");
    assert!(again.body.contains(&prefix), "its prefix is listed");

    let filed = submit(
        &app,
        &key,
        Some("admin-1"),
        &application(&app, &unit, "x-1"),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);

    let revoked = app
        .post_form(
            &format!("/back-office/api-clients/{id}/keys/{prefix}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let refused = submit(
        &app,
        &key,
        Some("admin-2"),
        &application(&app, &unit, "x-2"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    // A reception officer does not manage clients.
    signed_in(&app, "tiepnhan.xa").await;
    let forbidden = app.get("/back-office/api-clients").await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
}

/// An API client's application is refused for what the portal and the counter refuse, with
/// the portal's words, field by field (`domain::applicant`).
#[tokio::test]
async fn an_application_over_the_api_is_refused_for_the_applicant_details_every_door_refuses() {
    let app = TestApp::new().await;
    let unit = commune(&app).await;
    let (_, key, _) = client(&app, &unit, &[Scope::SubmitDossiers]).await;
    let mut body: serde_json::Value =
        serde_json::from_str(&application(&app, &unit, "citizen-7")).expect("json");
    body["phone"] = "912 345 678".into();
    body["personal_id"] = "999190001234".into();
    let reply = submit(&app, &key, Some("bad-applicant"), &body.to_string()).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    for (field, key) in [
        ("phone", "apply.error.phone_shape"),
        ("personal_id", "identity.error.province"),
    ] {
        let said = format!("{field}: {}", web::i18n::text(web::i18n::Lang::En, key));
        assert!(reply.body.contains(&said), "{said}: {}", reply.body);
    }
}

#[tokio::test]
async fn an_idempotency_key_over_128_characters_is_refused_by_name_not_taken_as_missing() {
    let app = TestApp::new().await;
    let unit = commune(&app).await;
    let (_, key, _) = client(&app, &unit, &[Scope::SubmitDossiers]).await;
    let long = "k".repeat(129);
    let reply = submit(
        &app,
        &key,
        Some(&long),
        &application(&app, &unit, "long-key"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(
        reply.body.contains("longer than 128 characters"),
        "{}",
        reply.body
    );
    let fits = "k".repeat(128);
    let reply = submit(
        &app,
        &key,
        Some(&fits),
        &application(&app, &unit, "long-key"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
}
