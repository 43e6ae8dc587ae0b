//! Citizens' accounts over HTTP: registering and signing in and out, and object-level access:
//! a citizen reaches their own dossiers and drafts, and another account's answer "not found".

use axum::http::{StatusCode, header};

use crate::apply::{answer_everything, online_procedure};
use crate::{Reply, TestApp};

fn session_cookie(reply: &Reply) -> String {
    let set = reply
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no cookie ({}): {}", reply.status, reply.body));
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    set.split(';').next().expect("pair").to_owned()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("field") + marker.len();
    html[start..start + html[start..].find('"').expect("end")].to_owned()
}

pub(crate) async fn register(app: &TestApp, name: &str, login: &str) -> String {
    let reply = app
        .post_form(
            "/account/register",
            &[
                ("name", name),
                ("login", login),
                ("password", "một câu dễ nhớ 2026"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    session_cookie(&reply)
}

#[tokio::test]
async fn a_citizen_registers_signs_out_and_signs_in_again_with_the_phone_written_another_way() {
    let app = TestApp::new().await;
    let cookie = register(&app, "Trần Thị Mai", "0912 345 678").await;
    app.browse_as(Some(&cookie));
    let home = app.get("/account?welcome=1").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Trần Thị Mai") && home.body.contains("0912345678"));
    assert!(home.body.contains("Bạn chưa nộp hồ sơ nào"));

    let csrf = hidden(&home.body, "csrf");
    let forged = app
        .post_form("/account/sign-out", &[("csrf", "wrong")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let out = app.post_form("/account/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let gone = app.get("/account").await;
    assert_eq!(
        gone.status,
        StatusCode::SEE_OTHER,
        "the old token signs nobody in"
    );
    app.browse_as(None);

    let wrong = app
        .post_form(
            "/account/sign-in",
            &[
                ("login", "+84 912 345 678"),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("không đúng"));
    let right = app
        .post_form(
            "/account/sign-in",
            &[
                ("login", "+84 912 345 678"),
                ("password", "một câu dễ nhớ 2026"),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert_eq!(
        right
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/account"),
        "never sent to another site"
    );
    assert_ne!(
        session_cookie(&right),
        cookie,
        "a new token at every sign-in"
    );
}

#[tokio::test]
async fn registration_names_each_wrong_field_and_refuses_a_login_already_taken() {
    let app = TestApp::new().await;
    let wrong = app
        .post_form(
            "/account/register",
            &[("name", ""), ("login", "mai@"), ("password", "short")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    for message in [
        "Nhập họ và tên",
        "Email không hợp lệ",
        "Mật khẩu phải có ít nhất 10 ký tự",
    ] {
        assert!(wrong.body.contains(message), "{message}");
    }
    assert!(
        wrong.body.contains("value=\"mai@\""),
        "what was typed is kept"
    );

    register(&app, "Trần Thị Mai", "Mai@Example.vn").await;
    let again = app
        .post_form(
            "/account/register",
            &[
                ("name", "Người khác"),
                ("login", "mai@example.vn"),
                ("password", "một mật khẩu khác 2026"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("hãy đăng nhập"));
}

#[tokio::test]
async fn a_citizen_sees_their_own_dossier_and_draft_and_another_citizen_gets_not_found() {
    let app = TestApp::new().await;
    let procedure = online_procedure(&app);
    let alice = register(&app, "Nguyễn Thị Hoa", "hoa@example.vn").await;
    let bob = register(&app, "Lê Văn Bình", "binh@example.vn").await;

    app.browse_as(Some(&alice));
    let base = answer_everything(&app, &procedure).await;
    let check = app.get(&format!("{base}/check")).await;
    let token = hidden(&check.body, "form_token");
    let submitted = app
        .post_form(&format!("{base}/submit"), &[("form_token", &token)])
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );
    let home = app.get("/account").await;
    let start = home.body.find("/account/dossiers/").expect("listed") + "/account/dossiers/".len();
    let code = home.body[start..start + home.body[start..].find('"').expect("end")].to_owned();
    let own = app.get(&format!("/account/dossiers/{code}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains(&code));

    let draft = app
        .post_form(
            &format!("/procedures/{}/apply", procedure.code),
            &[("form_token", "alice-second")],
        )
        .await;
    let draft_page = draft
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("draft")
        .to_owned();
    assert_eq!(app.get(&draft_page).await.status, StatusCode::OK);
    assert!(app.get("/account").await.body.contains("Hồ sơ đang soạn"));

    app.browse_as(Some(&bob));
    let theirs = app.get(&format!("/account/dossiers/{code}")).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert!(!theirs.body.contains("Nguyễn Thị Hoa"), "nothing leaked");
    assert_eq!(app.get(&draft_page).await.status, StatusCode::NOT_FOUND);
    assert!(!app.get("/account").await.body.contains(&code));
    app.browse_as(None);
    assert_eq!(
        app.get(&draft_page).await.status,
        StatusCode::NOT_FOUND,
        "an account's draft is not opened by its address alone"
    );
    assert_eq!(
        app.get(&format!("/account/dossiers/{code}")).await.status,
        StatusCode::SEE_OTHER,
        "sign in first"
    );
}

#[tokio::test]
async fn the_demonstration_citizens_are_made_once_and_sign_in_with_the_demo_password() {
    let app = TestApp::new().await;
    let made = app::accounts::citizens::ensure_demo_citizens(&app.db.db)
        .await
        .expect("demo citizens");
    assert_eq!(made.len(), 2);
    assert!(
        app::accounts::citizens::ensure_demo_citizens(&app.db.db)
            .await
            .expect("second start")
            .is_empty(),
        "nothing on a later start"
    );
    for (login, _) in made {
        let reply = app
            .post_form(
                "/account/sign-in",
                &[
                    ("login", login),
                    ("password", app::accounts::officers::DEMO_PASSWORD),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{login}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn a_citizens_papers_are_listed_opened_and_reused_and_nobody_else_reaches_them() {
    let app = TestApp::new().await;
    let procedure = online_procedure(&app);
    let alice = register(&app, "Nguyễn Thị Hoa", "hoa.papers@example.vn").await;
    let bob = register(&app, "Lê Văn Bình", "binh.papers@example.vn").await;

    app.browse_as(Some(&alice));
    let empty = app.get("/account/papers").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("Bạn chưa nộp giấy tờ nào"));
    let base = answer_everything(&app, &procedure).await;
    let check = app.get(&format!("{base}/check")).await;
    let token = hidden(&check.body, "form_token");
    let submitted = app
        .post_form(&format!("{base}/submit"), &[("form_token", &token)])
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );

    let list = app.get("/account/papers").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("to-khai.pdf"), "{}", list.body);
    let start =
        list.body.find("/account/papers/").expect("a paper link") + "/account/papers/".len();
    let sha = list.body[start..start + 64].to_owned();
    let opened = app.get(&format!("/account/papers/{sha}")).await;
    assert_eq!(opened.status, StatusCode::OK);
    assert_eq!(
        opened
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );

    // A new application offers the paper again, and takes it without an upload.
    let start = app
        .post_form(
            &format!("/procedures/{}/apply", procedure.code),
            &[("form_token", "alice-papers-2")],
        )
        .await;
    let draft = start
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("draft")
        .rsplit_once('/')
        .expect("prefix")
        .0
        .to_owned();
    let paper_page = app.get(&format!("{draft}/papers/1")).await;
    assert_eq!(paper_page.status, StatusCode::OK);
    assert!(paper_page.body.contains(&format!("value=\"{sha}\"")));
    assert!(paper_page.body.contains("đã nộp với hồ sơ"));
    let reused = app
        .post_multipart(
            &format!("{draft}/papers/1"),
            &[("form_token", "t"), ("reuse", &sha)],
            &[],
        )
        .await;
    assert_eq!(reused.status, StatusCode::SEE_OTHER, "{}", reused.body);

    // Bob can neither open it nor take it into his own draft.
    app.browse_as(Some(&bob));
    assert_eq!(
        app.get(&format!("/account/papers/{sha}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !app.get("/account/papers")
            .await
            .body
            .contains("to-khai.pdf")
    );
    let start = app
        .post_form(
            &format!("/procedures/{}/apply", procedure.code),
            &[("form_token", "bob-papers-1")],
        )
        .await;
    let bobs = start
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("draft")
        .rsplit_once('/')
        .expect("prefix")
        .0
        .to_owned();
    let taken = app
        .post_multipart(
            &format!("{bobs}/papers/1"),
            &[("form_token", "t"), ("reuse", &sha)],
            &[],
        )
        .await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    app.browse_as(None);
    assert_eq!(
        app.get(&format!("/account/papers/{sha}")).await.status,
        StatusCode::SEE_OTHER
    );
}
