//! The officers' desk through HTTP alone: sign-in and sessions, counter intake, the inbox, the
//! dossier page's action forms through a whole life, the forms as PDF, the verification page,
//! and the refusals (another unit's dossier, a missing CSRF token, a repeated form).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::{Reply, TestApp, form_encode};

/// Birth registration, settled by every commune the same day.
pub(crate) const BIRTH_REGISTRATION: &str = "1.001193";
/// The papers birth registration requires (catalog/procedures/ho-tich.toml).
pub(crate) const BIRTH_PAPERS: [&str; 3] = [
    "Tờ khai đăng ký khai sinh",
    "Giấy chứng sinh",
    "Giấy tờ tùy thân của người đi đăng ký (thẻ căn cước, hộ chiếu)",
];

/// A signed-in officer: the session cookie and the CSRF token of their forms.
pub(crate) struct Session {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

pub(crate) async fn demo_officers(app: &TestApp) {
    let data = app.state.reference.get();
    let created = app::accounts::officers::ensure_demo_officers(&app.db.db, &data)
        .await
        .expect("demo officers");
    assert_eq!(
        created.len(),
        10,
        "five roles in a department and a commune"
    );
}

pub(crate) fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

pub(crate) async fn sign_in(app: &TestApp, username: &str) -> Session {
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
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let set_cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("session cookie");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    let cookie = set_cookie.split(';').next().expect("pair").to_owned();
    let inbox = get(app, &cookie, "/back-office/inbox").await;
    assert_eq!(inbox.status, StatusCode::OK);
    Session {
        csrf: hidden(&inbox.body, "csrf").expect("csrf token on the page"),
        cookie,
    }
}

pub(crate) async fn get(app: &TestApp, cookie: &str, uri: &str) -> Reply {
    app.request(
        Request::get(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

pub(crate) async fn post(
    app: &TestApp,
    session: &Session,
    uri: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let mut all: Vec<(&str, &str)> = vec![("csrf", session.csrf.as_str())];
    all.extend_from_slice(fields);
    let body = all
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    app.request(
        Request::post(uri)
            .header(header::COOKIE, &session.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

pub(crate) fn location(reply: &Reply) -> String {
    reply
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no redirect ({}): {}", reply.status, reply.body))
        .to_owned()
}

/// Registers a walk-in birth registration at the commune's counter, with every required paper
/// handed in, and returns its code.
pub(crate) async fn intake(
    app: &TestApp,
    reception: &Session,
    decision: &str,
    reasons: &str,
) -> String {
    intake_with(app, reception, decision, reasons, &BIRTH_PAPERS).await
}

async fn intake_with(
    app: &TestApp,
    reception: &Session,
    decision: &str,
    reasons: &str,
    papers: &[&str],
) -> String {
    let reply = intake_post(app, reception, decision, reasons, papers).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let to = location(&reply);
    to.trim_start_matches("/back-office/dossiers/")
        .split('?')
        .next()
        .expect("code")
        .to_owned()
}

pub(crate) async fn intake_post(
    app: &TestApp,
    reception: &Session,
    decision: &str,
    reasons: &str,
    papers: &[&str],
) -> Reply {
    let token = format!("intake-{decision}-{}", papers.len());
    intake_post_with_token(app, reception, &token, decision, reasons, papers).await
}

/// [`intake_post`] with the form's one-time token given, for tests that register several
/// dossiers alike (the same token again is the same registration, answered once).
pub(crate) async fn intake_post_with_token(
    app: &TestApp,
    reception: &Session,
    token: &str,
    decision: &str,
    reasons: &str,
    papers: &[&str],
) -> Reply {
    let mut fields: Vec<(&str, &str)> = papers.iter().map(|p| ("papers", *p)).collect();
    fields.extend_from_slice(&[
        ("form_token", token),
        ("procedure", BIRTH_REGISTRATION),
        ("kind", "citizen"),
        ("name", "Nguyễn Thị Hồng Nhung"),
        ("personal_id", "027190001234"),
        ("phone", "0912 345 678"),
        ("email", ""),
        ("address", "Số 5 đường Lý Thái Tổ, phường Bắc Giang"),
        ("channel", "counter"),
        ("decision", decision),
        ("reasons", reasons),
    ]);
    post(app, reception, "/back-office/intake", &fields).await
}

/// Posts an action from the dossier page as the page would (version and a fresh token).
pub(crate) async fn act(
    app: &TestApp,
    session: &Session,
    code: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let page = get(
        app,
        &session.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let version = hidden(&page.body, "version").expect("version");
    let action = fields
        .iter()
        .find(|(k, _)| *k == "action")
        .map(|(_, v)| *v)
        .expect("action");
    assert!(
        page.body
            .contains(&format!("name=\"action\" value=\"{action}\"")),
        "the page offers no {action} form"
    );
    let token = format!("{action}-{version}");
    let mut all = vec![
        ("version", version.as_str()),
        ("form_token", token.as_str()),
    ];
    all.extend_from_slice(fields);
    post(
        app,
        session,
        &format!("/back-office/dossiers/{code}/actions"),
        &all,
    )
    .await
}

/// The handler proposes the result, the leader approves it; returns which of the two the
/// dossier page then offers "result ready" to (the workflow decides).
pub(crate) async fn propose_and_approve<'a>(
    app: &TestApp,
    handler: &'a Session,
    leader: &'a Session,
    code: &str,
    summary: &str,
) -> &'a Session {
    act_ok(
        app,
        handler,
        code,
        &[("action", "propose_result"), ("summary", summary)],
    )
    .await;
    act_ok(app, leader, code, &[("action", "approve"), ("note", "")]).await;
    let page = get(
        app,
        &handler.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    if page.body.contains("value=\"mark_result_ready\"") {
        handler
    } else {
        leader
    }
}

pub(crate) async fn act_ok(app: &TestApp, session: &Session, code: &str, fields: &[(&str, &str)]) {
    let reply = act(app, session, code, fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

#[tokio::test]
async fn back_office_pages_send_a_visitor_without_a_session_to_sign_in() {
    let app = TestApp::new().await;
    let reply = app.get("/back-office/inbox?show=overdue").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&reply),
        "/back-office/sign-in?next=/back-office/inbox%3Fshow%3Doverdue"
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_message_and_repeated_failures_are_limited() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    for _ in 0..5 {
        let reply = app
            .post_form(
                "/back-office/sign-in",
                &[("username", "tiepnhan.xa"), ("password", "wrong")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert!(
            reply
                .body
                .contains("Tên đăng nhập hoặc mật khẩu không đúng.")
        );
        assert!(
            reply.body.contains("value=\"tiepnhan.xa\""),
            "the name is kept"
        );
    }
    let limited = app
        .post_form(
            "/back-office/sign-in",
            &[
                ("username", "tiepnhan.xa"),
                ("password", app::accounts::officers::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key(header::RETRY_AFTER));
    assert!(limited.body.contains("Đăng nhập sai quá nhiều lần"));
}

#[tokio::test]
async fn a_dossier_goes_from_the_counter_to_its_returned_result_through_the_desk_pages() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let leader = sign_in(&app, "lanhdao.xa").await;
    let handler = sign_in(&app, "xuly.xa").await;

    let form = get(
        &app,
        &reception.cookie,
        &format!("/back-office/intake?procedure={BIRTH_REGISTRATION}"),
    )
    .await;
    assert!(
        form.body.contains("Giấy chứng sinh"),
        "the papers to check are listed"
    );

    let code = intake(&app, &reception, "accept", "").await;
    let page = get(
        &app,
        &reception.cookie,
        &format!("/back-office/dossiers/{code}?done=accept"),
    )
    .await;
    assert!(page.body.contains("Đã tiếp nhận hồ sơ"));
    assert!(page.body.contains("Được tiếp nhận") || page.body.contains("tiếp nhận"));
    assert!(
        page.body
            .contains(&format!("/back-office/dossiers/{code}/forms/receipt"))
    );

    let pdf = get(
        &app,
        &reception.cookie,
        &format!("/back-office/dossiers/{code}/forms/receipt"),
    )
    .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(
        pdf.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );

    let inbox = get(&app, &leader.cookie, "/back-office/inbox").await;
    assert!(
        inbox.body.contains(&code),
        "the unit's inbox lists the dossier"
    );

    act_ok(
        &app,
        &leader,
        &code,
        &[("action", "assign"), ("officer_id", "xuly.xa")],
    )
    .await;
    let mine = get(&app, &handler.cookie, "/back-office/inbox?scope=mine").await;
    assert!(
        mine.body.contains(&code),
        "the handler's own inbox lists it"
    );

    act_ok(
        &app,
        &handler,
        &code,
        &[
            ("action", "request_supplement"),
            ("reasons", "Thiếu bản sao giấy chứng nhận kết hôn"),
        ],
    )
    .await;
    let waiting = get(&app, &handler.cookie, "/back-office/inbox?show=supplement").await;
    assert!(waiting.body.contains(&code));
    let form02 = get(
        &app,
        &handler.cookie,
        &format!("/back-office/dossiers/{code}/forms/supplement"),
    )
    .await;
    assert_eq!(form02.status, StatusCode::OK);

    act_ok(
        &app,
        &reception,
        &code,
        &[("action", "receive_supplement"), ("note", "")],
    )
    .await;
    let ready_by = propose_and_approve(&app, &handler, &leader, &code, "Cấp giấy khai sinh").await;
    act_ok(&app, ready_by, &code, &[("action", "mark_result_ready")]).await;
    act_ok(
        &app,
        &reception,
        &code,
        &[("action", "return_result"), ("method", "counter")],
    )
    .await;

    let page = get(
        &app,
        &reception.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    for step in [
        "Tiếp nhận hồ sơ",
        "Yêu cầu bổ sung",
        "Thiếu bản sao giấy chứng nhận kết hôn",
        "Cấp giấy khai sinh",
    ] {
        assert!(page.body.contains(step), "the timeline tells: {step}");
    }
    let tracking = app.track(&code, "5678").await;
    assert_eq!(tracking.status, StatusCode::OK);
    assert!(
        !tracking.body.contains("Nguyễn Thị Hồng Nhung"),
        "no personal data in tracking"
    );
}

#[tokio::test]
async fn an_officer_of_another_unit_gets_not_found_and_a_post_without_its_token_is_forbidden() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let code = intake(&app, &reception, "accept", "").await;
    let department = sign_in(&app, "lanhdao.so").await;
    let other = get(
        &app,
        &department.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let pdf = get(
        &app,
        &department.cookie,
        &format!("/back-office/dossiers/{code}/forms/receipt"),
    )
    .await;
    assert_eq!(pdf.status, StatusCode::NOT_FOUND);
    let acted = act_without_page(&app, &department, &code).await;
    assert_eq!(acted.status, StatusCode::NOT_FOUND);

    let forged = Session {
        cookie: reception.cookie.clone(),
        csrf: "not-the-token".into(),
    };
    let reply = post(
        &app,
        &forged,
        &format!("/back-office/dossiers/{code}/actions"),
        &[("action", "stop"), ("reasons", "x")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

async fn act_without_page(app: &TestApp, session: &Session, code: &str) -> Reply {
    post(
        app,
        session,
        &format!("/back-office/dossiers/{code}/actions"),
        &[("action", "stop"), ("reasons", "x"), ("form_token", "t1")],
    )
    .await
}

#[tokio::test]
async fn a_form_sent_twice_acts_once_and_answers_the_same() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let leader = sign_in(&app, "lanhdao.xa").await;
    let code = intake(&app, &reception, "accept", "").await;
    let again = intake(&app, &reception, "accept", "").await;
    assert_eq!(
        code, again,
        "the repeated intake form made no second dossier"
    );

    let first = act(
        &app,
        &leader,
        &code,
        &[("action", "assign"), ("officer_id", "xuly.xa")],
    )
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    // The same form again (same token and version), as a double click sends it.
    let fields = [
        ("version", "2"),
        ("form_token", "assign-2"),
        ("action", "assign"),
        ("officer_id", "xuly.xa"),
    ];
    let second = post(
        &app,
        &leader,
        &format!("/back-office/dossiers/{code}/actions"),
        &fields,
    )
    .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert_eq!(location(&first), location(&second));
    let page = get(
        &app,
        &leader.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert!(page.body.contains("Phân công xử lý"));
    assert_eq!(
        hidden(&page.body, "version").as_deref(),
        Some("3"),
        "one assignment event"
    );
}

#[tokio::test]
async fn a_refused_intake_prints_form_03_and_missing_reasons_keep_what_was_typed() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let reply = post(
        &app,
        &reception,
        "/back-office/intake",
        &[
            ("form_token", "no-reasons"),
            ("procedure", BIRTH_REGISTRATION),
            ("kind", "citizen"),
            ("name", "Trần Văn Bình"),
            ("phone", "0987654321"),
            ("decision", "refuse"),
            ("reasons", ""),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Hãy ghi lý do"));
    assert!(reply.body.contains("value=\"Trần Văn Bình\""));

    let code = intake(&app, &reception, "refuse", "Không thuộc thẩm quyền của xã").await;
    let pdf = get(
        &app,
        &reception.cookie,
        &format!("/back-office/dossiers/{code}/forms/refusal"),
    )
    .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.len() > 1000 || pdf.headers.get(header::CONTENT_TYPE).is_some());
}

#[tokio::test]
async fn the_verification_page_opens_with_the_key_of_the_qr_code_only() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let code = intake(&app, &reception, "accept", "").await;
    let data = app.state.reference.get();
    let view = app::dossiers::DossierService::new(&app.db.db, &app.state.vault, &data)
        .get(&code)
        .await
        .expect("dossier");
    let key: String = view.stored.id.as_bytes()[8..]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let page = app.get(&format!("/verify/{code}?k={key}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Nguyễn T. H. N."), "the name is masked");
    assert!(!page.body.contains("Nguyễn Thị Hồng Nhung"));
    let receipt = app.get(&format!("/verify/{code}/receipt?k={key}")).await;
    assert_eq!(receipt.status, StatusCode::OK);
    let wrong = app.get(&format!("/verify/{code}?k=0000000000000000")).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
}

pub(crate) async fn api_act(
    app: &TestApp,
    session: &Session,
    code: &str,
    key: &str,
    body: &str,
) -> Reply {
    app.request(
        Request::post(format!("/api/v1/dossiers/{code}/actions"))
            .header(header::COOKIE, &session.cookie)
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", key)
            .body(Body::from(body.to_owned()))
            .expect("request"),
    )
    .await
}

#[tokio::test]
async fn the_dossier_api_reads_and_acts_once_per_key_and_explains_refusals() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let leader = sign_in(&app, "lanhdao.xa").await;
    let code = intake(&app, &reception, "accept", "").await;

    let anonymous = app.get(&format!("/api/v1/dossiers/{code}")).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json()["status"], 401);

    let read = get(&app, &leader.cookie, &format!("/api/v1/dossiers/{code}")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.json()["status"], "accepted");
    let version = read.json()["version"].as_i64().expect("version");

    let body = format!(
        r#"{{"expected_version": {version}, "action": {{"action": "assign", "officer_id": "xuly.xa"}}}}"#
    );
    let first = api_act(&app, &leader, &code, "k-1", &body).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let again = api_act(&app, &leader, &code, "k-1", &body).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(
        first.json()["version"],
        again.json()["version"],
        "one event for one key"
    );

    let stale = api_act(&app, &leader, &code, "k-2", &body).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    let refused = api_act(
        &app,
        &reception,
        &code,
        "k-3",
        r#"{"action": {"action": "approve", "note": null}}"#,
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.json()["detail"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );

    let garbled = api_act(&app, &leader, &code, "k-4", "{not json").await;
    assert_eq!(garbled.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_officer_reads_the_papers_of_an_online_application_and_accepts_it() {
    let app = TestApp::new().await;
    let procedure = crate::apply::online_procedure(&app);
    let base = crate::apply::answer_everything(&app, &procedure).await;
    let submitted = app
        .post_form(&format!("{base}/submit"), &[("form_token", "submit-desk")])
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    let done = app.get(&location(&submitted)).await;
    let start = done.body.find("class=\"dossier-code\">").expect("code") + 21;
    let code = done.body[start..start + done.body[start..].find('<').expect("end")].to_owned();
    let stored = app
        .db
        .db
        .dossier_by_code(&code)
        .await
        .expect("read")
        .expect("dossier");
    let hash = app::accounts::officers::hash_password("mat-khau-thu".into())
        .await
        .expect("hash");
    app.db
        .db
        .create_officer(&storage::officers::NewOfficer {
            id: "tn.online".into(),
            username: "tn.online".into(),
            full_name: "Vũ Thị Lan".into(),
            agency_code: stored.agency_code.clone(),
            role: "reception".into(),
            password_hash: hash,
        })
        .await
        .expect("officer");
    let signed_in = app
        .post_form(
            "/back-office/sign-in",
            &[("username", "tn.online"), ("password", "mat-khau-thu")],
        )
        .await;
    let cookie = signed_in
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("cookie")
        .to_owned();
    let new = get(&app, &cookie, "/back-office/inbox?show=new").await;
    assert!(
        new.body.contains(&code),
        "the new online dossier waits in the inbox"
    );
    let page = get(&app, &cookie, &format!("/back-office/dossiers/{code}")).await;
    assert!(page.body.contains("to-khai.pdf") && page.body.contains("cccd.png"));
    let first = get(
        &app,
        &cookie,
        &format!("/back-office/dossiers/{code}/papers/1"),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        first
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert!(
        first
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("sandbox")),
        "uploaded files are served sandboxed"
    );
    let missing = get(
        &app,
        &cookie,
        &format!("/back-office/dossiers/{code}/papers/99"),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let session = Session {
        csrf: hidden(&page.body, "csrf").expect("csrf"),
        cookie,
    };
    act_ok(&app, &session, &code, &[("action", "accept")]).await;
    let receipt = get(
        &app,
        &session.cookie,
        &format!("/back-office/dossiers/{code}/forms/receipt"),
    )
    .await;
    assert_eq!(receipt.status, StatusCode::OK);
}

#[tokio::test]
async fn the_api_registers_a_counter_dossier_once_per_key_and_names_wrong_fields() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let post_json = |key: &'static str, body: String| {
        let cookie = reception.cookie.clone();
        let app = &app;
        async move {
            app.request(
                Request::post("/api/v1/dossiers")
                    .header(header::COOKIE, cookie)
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("idempotency-key", key)
                    .body(Body::from(body))
                    .expect("request"),
            )
            .await
        }
    };
    let body = format!(
        r#"{{"procedure": "{BIRTH_REGISTRATION}", "kind": "citizen", "name": "Hoàng Văn E", "phone": "0977 000 111", "decision": "accept", "papers": {}}}"#,
        serde_json::to_string(&BIRTH_PAPERS).expect("json")
    );
    let first = post_json("reg-1", body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.json()["status"], "accepted");
    let again = post_json("reg-1", body).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(
        first.json()["code"],
        again.json()["code"],
        "no second dossier"
    );

    let wrong = post_json(
        "reg-2",
        format!(r#"{{"procedure": "{BIRTH_REGISTRATION}", "kind": "citizen", "name": "", "personal_id": "123", "decision": "refuse"}}"#),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let detail = wrong.json()["detail"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for field in ["name:", "personal_id:", "reasons:"] {
        assert!(detail.contains(field), "{detail}");
    }
}

#[tokio::test]
async fn an_incomplete_dossier_is_not_accepted_and_the_citizen_answers_the_request_paper_by_paper()
{
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let handed_in = [BIRTH_PAPERS[0], BIRTH_PAPERS[2]];

    let refused = intake_post(&app, &reception, "accept", "", &handed_in).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Hồ sơ chưa đầy đủ")
            && refused.body.contains("Còn thiếu: Giấy chứng sinh."),
        "the missing paper is named: {}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains(&format!("value=\"{}\" checked", BIRTH_PAPERS[0])),
        "the ticks are kept"
    );

    let code = intake_with(
        &app,
        &reception,
        "request_supplement",
        "Cần bổ sung giấy chứng sinh do bệnh viện cấp",
        &handed_in,
    )
    .await;
    let tracking = app.track(&code, "5678").await;
    assert!(tracking.body.contains("Nội dung cơ quan yêu cầu bổ sung"));
    assert!(
        tracking
            .body
            .contains("Cần bổ sung giấy chứng sinh do bệnh viện cấp")
    );
    let form = app.supplement_form(&code, "5678").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains("name=\"paper-1\"")
            && form
                .body
                .contains("<label for=\"paper-1\">Giấy chứng sinh</label>"),
        "one upload for the paper asked for: {}",
        form.body
    );
    let guessed = app.supplement_form(&code, "0000").await;
    assert!(
        !guessed.body.contains("name=\"paper-1\""),
        "wrong digits show nothing of the request"
    );

    let sent = app
        .post_multipart(
            "/tracking/supplement",
            &[
                ("form_token", "sup-paper"),
                ("code", &code),
                ("digits", "5678"),
            ],
            &[("paper-1", "chung-sinh.pdf", b"%PDF-1.4\n%motcua test\n")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let page = get(
        &app,
        &reception.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert!(
        page.body.contains("Giấy chứng sinh – chung-sinh.pdf"),
        "the officer sees which paper the file answers: {}",
        page.body
    );
    assert!(
        page.body.contains("value=\"accept\""),
        "and can accept it now"
    );
}

#[tokio::test]
async fn a_leader_sends_a_proposal_back_and_the_officer_proposes_again() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let leader = sign_in(&app, "lanhdao.xa").await;
    let handler = sign_in(&app, "xuly.xa").await;
    let code = intake(&app, &reception, "accept", "").await;
    act_ok(
        &app,
        &leader,
        &code,
        &[("action", "assign"), ("officer_id", "xuly.xa")],
    )
    .await;
    act_ok(
        &app,
        &handler,
        &code,
        &[
            ("action", "propose_result"),
            ("summary", "Cấp giấy khai sinh"),
        ],
    )
    .await;
    let waiting = get(
        &app,
        &handler.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert!(
        !waiting.body.contains("value=\"propose_result\""),
        "no second proposal while one awaits the leader"
    );
    let missing = act(
        &app,
        &leader,
        &code,
        &[("action", "send_back"), ("reasons", "")],
    )
    .await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        missing.body
    );
    act_ok(
        &app,
        &leader,
        &code,
        &[
            ("action", "send_back"),
            ("reasons", "Ghi rõ nơi sinh theo giấy chứng sinh"),
        ],
    )
    .await;
    let again = get(
        &app,
        &handler.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert!(again.body.contains("Ghi rõ nơi sinh theo giấy chứng sinh"));
    assert!(
        again
            .body
            .contains("Dự thảo kết quả được trả lại để xử lý lại")
    );
    act_ok(
        &app,
        &handler,
        &code,
        &[
            ("action", "propose_result"),
            ("summary", "Cấp giấy khai sinh, nơi sinh: Bệnh viện tỉnh"),
        ],
    )
    .await;
    act_ok(&app, &leader, &code, &[("action", "approve"), ("note", "")]).await;
}

/// The counter refuses what every other door refuses (`domain::applicant`), with the same words
/// as the portal: a nine-digit phone and a number whose province code does not exist.
#[tokio::test]
async fn the_counter_refuses_the_applicant_details_the_portal_and_the_api_refuse() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let mut fields: Vec<(&str, &str)> = BIRTH_PAPERS.iter().map(|p| ("papers", *p)).collect();
    fields.extend_from_slice(&[
        ("form_token", "intake-bad-applicant"),
        ("procedure", BIRTH_REGISTRATION),
        ("kind", "citizen"),
        ("name", "Nguyễn Thị Hồng Nhung"),
        ("personal_id", "999190001234"),
        ("phone", "912 345 678"),
        ("email", ""),
        ("address", ""),
        ("channel", "counter"),
        ("decision", "accept"),
        ("reasons", ""),
    ]);
    let reply = post(&app, &reception, "/back-office/intake", &fields).await;
    assert_ne!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    for key in ["apply.error.phone_shape", "identity.error.province"] {
        let message = web::i18n::text(web::i18n::Lang::Vi, key);
        assert!(reply.body.contains(message), "{key}: {}", reply.body);
    }
}
