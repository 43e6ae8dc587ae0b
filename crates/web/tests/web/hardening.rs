//! The findings of the outside probe (issue 31), each reproduced as the probe made it and
//! answered as it should be now: cross-site writes, login CSRF, guessable passwords and mass
//! registration, lock-outs anyone could cause, assignments nobody could act on, the framework's
//! own refusals, texts and amounts beyond the rules, a scope no route honours, `/metrics` and
//! HSTS.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};

use crate::desk::{BIRTH_PAPERS, BIRTH_REGISTRATION, demo_officers, intake, sign_in};
use crate::{Reply, TestApp, form_token};

/// A request as it would come from `peer`.
fn from(mut request: Request<Body>, peer: &str) -> Request<Body> {
    let addr: SocketAddr = format!("{peer}:40000").parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(addr));
    request
}

fn json_post(uri: &str, cookie: &str, content_type: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_owned()))
        .expect("request")
}

fn registration(key: &str) -> String {
    format!(
        r#"{{"procedure": "{BIRTH_REGISTRATION}", "kind": "citizen", "name": "Hoàng Văn E {key}", "phone": "0977 000 111", "decision": "accept", "papers": {}}}"#,
        serde_json::to_string(&BIRTH_PAPERS).expect("json")
    )
}

fn problem_detail(reply: &Reply) -> String {
    assert_eq!(
        reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json"),
        "{}: {}",
        reply.status,
        reply.body
    );
    reply.json()["detail"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_officers_json_api_takes_no_plain_text_body_and_no_write_from_another_site() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    // The probe's forged request: cookie alone, text/plain, as a form with enctype=text/plain
    // would send it.
    let plain = app
        .request(json_post(
            "/api/v1/dossiers",
            &reception.cookie,
            "text/plain",
            &registration("a"),
        ))
        .await;
    assert_eq!(plain.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(problem_detail(&plain).contains("application/json"));

    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "https://evil.example"),
        ("origin", "null"),
    ] {
        let mut request = json_post(
            "/api/v1/dossiers",
            &reception.cookie,
            "application/json",
            &registration("b"),
        );
        request
            .headers_mut()
            .insert(name, value.parse().expect("value"));
        let refused = app.request(request).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{name}: {value}");
        assert!(problem_detail(&refused).contains("trang web khác"));
    }
    // The same request from the portal's own page goes through.
    let mut own = json_post(
        "/api/v1/dossiers",
        &reception.cookie,
        "application/json",
        &registration("c"),
    );
    own.headers_mut()
        .insert("sec-fetch-site", "same-origin".parse().expect("value"));
    own.headers_mut()
        .insert("origin", "http://127.0.0.1:8080".parse().expect("value"));
    let done = app.request(own).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
}

#[tokio::test]
async fn signing_in_or_registering_needs_the_form_s_own_token() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    for (uri, fields) in [
        (
            "/account/register",
            vec![
                ("name", "Kẻ Giả"),
                ("login", "0987000111"),
                ("password", "một câu dễ nhớ 2026"),
            ],
        ),
        (
            "/account/sign-in",
            vec![("login", "0987000111"), ("password", "một câu dễ nhớ 2026")],
        ),
        (
            "/back-office/sign-in",
            vec![("username", "xuly.xa"), ("password", "motcua-demo")],
        ),
    ] {
        // Posted from elsewhere, with no token or a made-up one.
        for token in ["", "0123456789abcdef0123456789abcdef"] {
            let mut with = fields.clone();
            with.push(("csrf", token));
            let reply = app.post_form(uri, &with).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri} {token:?}");
            assert!(
                reply.body.contains("gửi từ nơi khác"),
                "{uri}: {}",
                reply.body
            );
            assert!(
                !reply.headers.contains_key(header::LOCATION),
                "nobody is signed in"
            );
            // The answer hands out a fresh token, so a person's next try goes through.
            form_token(&reply);
        }
        let through = app.post_form(uri, &fields).await;
        assert_eq!(
            through.status,
            StatusCode::SEE_OTHER,
            "{uri}: {}",
            through.body
        );
    }
}

#[tokio::test]
async fn a_common_or_personal_password_is_refused_and_registrations_from_one_place_are_limited() {
    let app = TestApp::new().await;
    for (password, known) in [("password123", ""), ("0912000111a", "0912000111")] {
        let login = if known.is_empty() {
            "0912000222"
        } else {
            known
        };
        let reply = app
            .post_form(
                "/account/register",
                &[
                    ("name", "Lê Văn Bình"),
                    ("login", login),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{password}");
        assert!(reply.body.contains("quá dễ đoán"), "{password}");
    }
    // Ten registrations an hour from one address (the two above did not reach the accounts).
    for n in 0..10 {
        let reply = app
            .post_form(
                "/account/register",
                &[
                    ("name", "Người Thử"),
                    ("login", &format!("09120003{n:02}")),
                    ("password", "một câu dễ nhớ 2026"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{n}: {}", reply.body);
    }
    let limited = app
        .post_form(
            "/account/register",
            &[
                ("name", "Người Thử"),
                ("login", "0912000399"),
                ("password", "một câu dễ nhớ 2026"),
            ],
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key(header::RETRY_AFTER));
    assert!(limited.body.contains("quá nhiều lần tạo tài khoản"));
}

/// Posts the officer sign-in form from `peer`.
async fn officer_sign_in_from(app: &TestApp, peer: &str, password: &str) -> Reply {
    let page = app
        .request(from(
            Request::get("/back-office/sign-in")
                .body(Body::empty())
                .expect("request"),
            peer,
        ))
        .await;
    let token = form_token(&page);
    let body = format!("username=xuly.xa&password={password}&csrf={token}");
    app.request(from(
        Request::post("/back-office/sign-in")
            .header(header::COOKIE, format!("motcua_form={token}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request"),
        peer,
    ))
    .await
}

#[tokio::test]
async fn wrong_passwords_from_one_place_slow_that_place_and_not_the_officer_at_their_desk() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let attacker = "203.0.113.9";
    for _ in 0..5 {
        let wrong = officer_sign_in_from(&app, attacker, "not-it").await;
        assert_eq!(
            wrong.status,
            StatusCode::UNAUTHORIZED,
            "a wrong password is a 401"
        );
    }
    let locked = officer_sign_in_from(&app, attacker, "motcua-demo").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers.contains_key(header::RETRY_AFTER));
    let desk = officer_sign_in_from(&app, "10.20.30.40", "motcua-demo").await;
    assert_eq!(
        desk.status,
        StatusCode::SEE_OTHER,
        "the owner signs in from their own desk"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_counted_by_the_address_the_proxy_reports() {
    let app = TestApp::configured(|state| {
        state.trusted_proxies = web::limits::TrustedProxies {
            addresses: vec!["10.0.0.2".parse().expect("ip")],
            header: "x-forwarded-for".into(),
        };
    })
    .await;
    demo_officers(&app).await;
    let code = intake(&app, &sign_in(&app, "tiepnhan.xa").await, "accept", "").await;
    let track = |client: &'static str, digits: &'static str| {
        let body = format!(r#"{{"code": "{code}", "digits": "{digits}"}}"#);
        let app = &app;
        async move {
            app.request(from(
                Request::post("/api/v1/tracking")
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("x-forwarded-for", client)
                    .body(Body::from(body))
                    .expect("request"),
                "10.0.0.2",
            ))
            .await
        }
    };
    for _ in 0..10 {
        assert_eq!(
            track("198.51.100.7", "0000").await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        track("198.51.100.7", "5678").await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the guesser waits"
    );
    assert_eq!(
        track("192.0.2.44", "5678").await.status,
        StatusCode::OK,
        "the owner, elsewhere behind the same proxy, still follows their dossier"
    );
}

#[tokio::test]
async fn a_dossier_is_assigned_only_to_an_active_handler_of_the_unit_that_holds_it() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let leader = sign_in(&app, "lanhdao.xa").await;
    let code = intake(&app, &reception, "accept", "").await;
    let long = "x".repeat(5000);
    for (officer, message) in [
        ("xuly.so", "không thuộc đơn vị"),
        ("kiemtra.xa", "không xử lý hồ sơ"),
        ("nobody.here", "Không có cán bộ nào"),
        (long.as_str(), "tối đa 4.000 ký tự"),
    ] {
        let body = format!(r#"{{"action": {{"action": "assign", "officer_id": "{officer}"}}}}"#);
        let refused = crate::desk::api_act(
            &app,
            &leader,
            &code,
            &format!("assign-{}", officer.len()),
            &body,
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{officer:.20}"
        );
        assert!(
            problem_detail(&refused).contains(message),
            "{}",
            refused.body
        );
    }
    let body = r#"{"action": {"action": "assign", "officer_id": "xuly.xa"}}"#;
    let done = crate::desk::api_act(&app, &leader, &code, "assign-ok", body).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
}

#[tokio::test]
async fn the_framework_s_own_refusals_come_as_problem_documents_and_pages_in_the_visitor_s_language()
 {
    let app = TestApp::new().await;
    // A body over the route's limit.
    let huge = app
        .request(
            Request::post("/api/v1/tracking")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT_LANGUAGE, "en")
                .body(Body::from(vec![b' '; 3 * 1024 * 1024]))
                .expect("request"),
        )
        .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(problem_detail(&huge).contains("over the allowed size"));
    // A path that is not UTF-8.
    let bytes = app.get("/api/v1/procedures/%FF%FE").await;
    assert!(bytes.status.is_client_error());
    problem_detail(&bytes);
    // A method the address does not take, on a page.
    let method = app
        .request(
            Request::delete("/procedures")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(method.headers.contains_key(header::ALLOW));
    assert!(method.body.contains("<html") && method.body.contains("Thao tác không được hỗ trợ"));
    // A malformed form body on a page.
    let form = app
        .request(
            Request::post("/tracking")
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=")
                .body(Body::from("--x--"))
                .expect("request"),
        )
        .await;
    assert!(form.status.is_client_error(), "{}", form.status);
    assert!(form.body.contains("<html"), "{}", form.body);
    assert!(
        !form.body.contains("Failed to"),
        "no framework text: {}",
        form.body
    );
}

#[tokio::test]
async fn the_same_key_with_another_body_and_an_edited_counter_form_are_refused_not_failed() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let post = |body: String| {
        let mut request = json_post(
            "/api/v1/dossiers",
            &reception.cookie,
            "application/json",
            &body,
        );
        request
            .headers_mut()
            .insert("idempotency-key", "same-key".parse().expect("value"));
        app.request(request)
    };
    assert_eq!(post(registration("d")).await.status, StatusCode::CREATED);
    // The same JSON re-indented is another body.
    let reindented = registration("d").replacen("{\"", "{\n  \"", 1);
    let reused = post(reindented).await;
    assert_eq!(
        reused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reused.body
    );
    assert!(problem_detail(&reused).contains("nội dung khác"));

    let first =
        crate::desk::intake_post(&app, &reception, "refuse", "Thiếu giấy chứng sinh", &[]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let edited = crate::desk::intake_post(
        &app,
        &reception,
        "refuse",
        "Thiếu giấy chứng sinh bản chính",
        &[],
    )
    .await;
    assert_eq!(
        edited.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        edited.body
    );
    assert!(edited.body.contains("nội dung khác"));
}

#[tokio::test]
async fn texts_and_amounts_beyond_the_rules_are_refused_with_the_limit_in_the_message() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let long = "lý do ".repeat(1000);
    let refused = crate::desk::intake_post(&app, &reception, "refuse", &long, &[]).await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    assert!(refused.body.contains("4.000 ký tự"), "{}", refused.body);

    let leader = sign_in(&app, "lanhdao.xa").await;
    let code = intake(&app, &reception, "accept", "").await;
    let assign = r#"{"action": {"action": "assign", "officer_id": "xuly.xa"}}"#;
    assert_eq!(
        crate::desk::api_act(&app, &leader, &code, "a-1", assign)
            .await
            .status,
        StatusCode::OK
    );
    let handler = sign_in(&app, "xuly.xa").await;
    let fees = r#"{"action": {"action": "request_fees", "amount_vnd": 9223372036854775807, "note": "Lệ phí"}}"#;
    let absurd = crate::desk::api_act(&app, &handler, &code, "f-1", fees).await;
    assert_eq!(
        absurd.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        absurd.body
    );
    assert!(problem_detail(&absurd).contains("10.000.000.000"));
}

#[tokio::test]
async fn a_key_cannot_be_issued_with_a_scope_no_route_honours() {
    let app = TestApp::new().await;
    let refused = app::api_keys::create_client_with_key(
        &app.db.db,
        "Hệ thống chuyên ngành",
        None,
        "read_catalogue,act_on_dossiers",
        "operator",
    )
    .await;
    assert!(
        matches!(refused, Err(app::api_keys::CreateError::NotIssuable(_))),
        "{refused:?}"
    );
}

#[tokio::test]
async fn metrics_answer_the_machine_itself_or_the_operator_s_token_and_tls_sends_hsts() {
    async fn metrics(app: &TestApp, peer: &str, bearer: Option<&str>) -> StatusCode {
        let mut request = Request::get("/metrics");
        if let Some(token) = bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = from(request.body(Body::empty()).expect("request"), peer);
        app.request(request).await.status
    }
    let open = TestApp::new().await;
    assert_eq!(metrics(&open, "127.0.0.1", None).await, StatusCode::OK);
    assert_eq!(
        metrics(&open, "203.0.113.9", None).await,
        StatusCode::UNAUTHORIZED
    );

    let guarded = TestApp::configured(|state| {
        state.metrics_token = Some("scrape-secret".into());
        state.hsts = true;
    })
    .await;
    assert_eq!(
        metrics(&guarded, "127.0.0.1", None).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        metrics(&guarded, "203.0.113.9", Some("wrong")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        metrics(&guarded, "203.0.113.9", Some("scrape-secret")).await,
        StatusCode::OK
    );
    let home = guarded.get("/").await;
    assert_eq!(
        home.headers
            .get(header::STRICT_TRANSPORT_SECURITY)
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
    assert!(
        !open
            .get("/")
            .await
            .headers
            .contains_key(header::STRICT_TRANSPORT_SECURITY)
    );
}

#[tokio::test]
async fn over_tls_sessions_live_in_host_prefixed_cookies_a_sibling_subdomain_cannot_plant() {
    let app = TestApp::configured(|state| state.secure_cookies = true).await;
    demo_officers(&app).await;
    let page = app.get("/back-office/sign-in").await;
    let set = page
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("form cookie")
        .to_owned();
    assert!(
        set.starts_with("__Host-motcua_form=") && set.contains("; Secure"),
        "{set}"
    );
    let token = crate::desk::hidden(&page.body, "csrf").expect("token");
    let signed_in = app
        .request(
            Request::post("/back-office/sign-in")
                .header(header::COOKIE, format!("__Host-motcua_form={token}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "username=xuly.xa&password=motcua-demo&csrf={token}"
                )))
                .expect("request"),
        )
        .await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    let session = signed_in
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("session cookie")
        .to_owned();
    assert!(
        session.starts_with("__Host-motcua_officer=") && session.contains("; Secure"),
        "{session}"
    );
    let value = session
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, v)| v.to_owned())
        .expect("value");
    let inbox = |cookie: String| {
        app.request(
            Request::get("/back-office/inbox")
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .expect("request"),
        )
    };
    assert_eq!(
        inbox(format!("__Host-motcua_officer={value}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        inbox(format!("motcua_officer={value}")).await.status,
        StatusCode::SEE_OTHER,
        "an unprefixed cookie, which any subdomain could set, is not a session"
    );
}
