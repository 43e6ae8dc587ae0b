//! The electronic result (kết quả điện tử): attached by the officer who marks the result ready,
//! required when the applicant asked for the result online, then opened by the applicant from
//! their dossier and "my papers", and by nobody else.

use axum::http::{StatusCode, header};

use crate::TestApp;
use crate::account::register;
use crate::apply::answer_everything_at;
use crate::desk::{Session, act, act_ok, get, hidden, location, propose_and_approve, sign_in};

/// The signed result: a PDF of its own, so nothing the applicant handed in has its hash.
const RESULT_PDF: &[u8] =
    b"%PDF-1.4\n% result\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Posts the result form as the dossier page does, `multipart/form-data`, with an optional file.
async fn post_result(
    app: &TestApp,
    officer: &Session,
    code: &str,
    token: &str,
    file: Option<(&str, &[u8])>,
) -> crate::Reply {
    let page = get(
        app,
        &officer.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    let version = hidden(&page.body, "version").expect("version");
    post_result_at(app, officer, code, &version, token, file).await
}

/// [`post_result`] at a version read earlier: the same form sent twice (a double click).
async fn post_result_at(
    app: &TestApp,
    officer: &Session,
    code: &str,
    version: &str,
    token: &str,
    file: Option<(&str, &[u8])>,
) -> crate::Reply {
    app.browse_as(Some(&officer.cookie));
    let files: Vec<(&str, &str, &[u8])> = file
        .map(|(name, bytes)| ("result_file", name, bytes))
        .into_iter()
        .collect();
    let reply = app
        .post_multipart(
            &format!("/back-office/dossiers/{code}/result"),
            &[
                ("csrf", &officer.csrf),
                ("version", version),
                ("form_token", token),
                ("action", "mark_result_ready"),
            ],
            &files,
        )
        .await;
    app.browse_as(None);
    reply
}

#[tokio::test]
async fn an_online_result_needs_its_file_and_the_file_reaches_only_the_applicants_papers() {
    let app = TestApp::new().await;
    let (procedure, unit) = {
        let data = app.state.reference.get();
        let officers = app::accounts::officers::ensure_demo_officers(&app.db.db, &data)
            .await
            .expect("demo officers");
        let unit = officers
            .iter()
            .find(|o| o.username == "tiepnhan.xa")
            .map(|o| o.unit.clone())
            .expect("commune reception");
        // Permanent residence registration, applied for online at the commune.
        (data.procedure("1.004222").expect("residence").clone(), unit)
    };
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let handler = sign_in(&app, "xuly.xa").await;
    let leader = sign_in(&app, "lanhdao.xa").await;

    // The applicant applies online and asks for the result online (answer_everything does).
    let alice = register(&app, "Nguyễn Thị Hoa", "hoa.result@example.vn").await;
    app.browse_as(Some(&alice));
    let base = answer_everything_at(&app, &procedure, &unit, &[]).await;
    let check = app.get(&format!("{base}/check")).await;
    let token = hidden(&check.body, "form_token").expect("token");
    let submitted = app
        .post_form(&format!("{base}/submit"), &[("form_token", &token)])
        .await;
    let done = app.get(&location(&submitted)).await;
    let start = done.body.find("class=\"dossier-code\">").expect("code") + 21;
    let code = done.body[start..start + done.body[start..].find('<').expect("end")].to_owned();
    app.browse_as(None);

    act_ok(&app, &reception, &code, &[("action", "accept")]).await;
    act_ok(
        &app,
        &leader,
        &code,
        &[("action", "assign"), ("officer_id", "xuly.xa")],
    )
    .await;
    let ready_by = propose_and_approve(&app, &handler, &leader, &code, "Đăng ký thường trú").await;
    let page = get(
        &app,
        &ready_by.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert!(
        page.body.contains(&format!(
            "action=\"/back-office/dossiers/{code}/result\" enctype=\"multipart/form-data\""
        )),
        "the result form does not post a file"
    );

    // Without the file, by either form, nothing changes and the officer is told why.
    let plain = act(&app, ready_by, &code, &[("action", "mark_result_ready")]).await;
    assert_eq!(
        plain.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        plain.body
    );
    assert!(plain.body.contains("kèm tệp kết quả điện tử"));
    let empty = post_result(&app, ready_by, &code, "result-1", None).await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.body
    );
    assert!(empty.body.contains("kèm tệp kết quả điện tử"));
    let text = post_result(
        &app,
        ready_by,
        &code,
        "result-2",
        Some(("ket-qua.txt", b"not a document")),
    )
    .await;
    assert_eq!(
        text.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        text.body
    );
    assert!(text.body.contains("Tệp đã chọn phải là PDF, JPG hoặc PNG"));
    let stored = app
        .db
        .db
        .dossier_by_code(&code)
        .await
        .expect("read")
        .expect("dossier");
    assert!(
        app.db
            .db
            .dossier_papers(stored.id)
            .await
            .expect("papers")
            .iter()
            .all(|p| p.purpose != storage::papers::PaperPurpose::Result),
        "a refused file was attached"
    );

    // With it, the result is ready and the file is the dossier's electronic result; the same
    // form sent twice attaches it once.
    let page = get(
        &app,
        &ready_by.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    let version = hidden(&page.body, "version").expect("version");
    let file = Some(("ket-qua.pdf", RESULT_PDF));
    let ready = post_result_at(&app, ready_by, &code, &version, "result-3", file).await;
    assert_eq!(ready.status, StatusCode::SEE_OTHER, "{}", ready.body);
    let again = post_result_at(&app, ready_by, &code, &version, "result-3", file).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let results: Vec<_> = app
        .db
        .db
        .dossier_papers(stored.id)
        .await
        .expect("papers")
        .into_iter()
        .filter(|p| p.purpose == storage::papers::PaperPurpose::Result)
        .collect();
    assert_eq!(results.len(), 1, "{results:?}");
    let officer_page = get(
        &app,
        &reception.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert!(officer_page.body.contains("Kết quả giải quyết điện tử"));

    // The applicant opens it from the dossier and finds it among their papers.
    app.browse_as(Some(&alice));
    let mine = app.get(&format!("/account/dossiers/{code}")).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(
        mine.body.contains("Kết quả giải quyết điện tử"),
        "{}",
        mine.body
    );
    let href = format!("/account/papers/{}", results[0].sha256);
    assert!(mine.body.contains(&href));
    let opened = app.get(&href).await;
    assert_eq!(opened.status, StatusCode::OK);
    assert_eq!(
        opened
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let papers = app.get("/account/papers").await;
    assert!(papers.body.contains("Kết quả điện tử"));
    assert!(papers.body.contains("ket-qua.pdf"));

    // Nobody else reaches it by its address.
    let bob = register(&app, "Lê Văn Bình", "binh.result@example.vn").await;
    app.browse_as(Some(&bob));
    assert_eq!(app.get(&href).await.status, StatusCode::NOT_FOUND);
    app.browse_as(None);

    // Whoever holds the receipt's key (an applicant without an account, say) collects it from
    // the verification page; a wrong key opens nothing.
    let verify = get(&app, "", &format!("/verify/{code}")).await;
    assert_eq!(verify.status, StatusCode::NOT_FOUND);
    let forms = mine
        .body
        .split("href=\"")
        .find(|s| s.starts_with("/verify/"))
        .expect("forms link");
    let forms = forms[..forms.find('"').expect("end")].replace("&amp;", "&");
    let verify = app.get(&forms).await;
    assert_eq!(verify.status, StatusCode::OK, "{}", verify.body);
    assert!(verify.body.contains("Kết quả giải quyết điện tử"));
    let link = verify
        .body
        .split("href=\"")
        .find(|s| s.starts_with(&format!("/verify/{code}/results/")))
        .map(|s| s[..s.find('"').expect("end")].replace("&amp;", "&"))
        .expect("result link");
    let file = app.get(&link).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.body.as_bytes(), RESULT_PDF);
    let wrong = link.replace("?k=", "?k=0");
    assert_eq!(app.get(&wrong).await.status, StatusCode::NOT_FOUND);

    // Returned online: the result is there, so the return is recorded.
    act_ok(
        &app,
        &reception,
        &code,
        &[("action", "return_result"), ("method", "online")],
    )
    .await;
}

#[tokio::test]
async fn a_result_without_its_file_cannot_be_returned_online() {
    let app = TestApp::new().await;
    crate::desk::demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let handler = sign_in(&app, "xuly.xa").await;
    let leader = sign_in(&app, "lanhdao.xa").await;
    // A counter dossier: no online return was asked for, so its result is ready without a file.
    let code = crate::desk::intake(&app, &reception, "accept", "").await;
    act_ok(
        &app,
        &leader,
        &code,
        &[("action", "assign"), ("officer_id", "xuly.xa")],
    )
    .await;
    let ready_by = propose_and_approve(&app, &handler, &leader, &code, "Cấp giấy khai sinh").await;
    act_ok(&app, ready_by, &code, &[("action", "mark_result_ready")]).await;
    let online = act(
        &app,
        &reception,
        &code,
        &[("action", "return_result"), ("method", "online")],
    )
    .await;
    assert_eq!(
        online.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        online.body
    );
    assert!(online.body.contains("Chưa có kết quả điện tử"));
    act_ok(
        &app,
        &reception,
        &code,
        &[("action", "return_result"), ("method", "counter")],
    )
    .await;
}
