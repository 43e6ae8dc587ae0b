//! Applicants' personal IDs at rest and on the desk: sealed in the database, masked on the
//! dossier page, shown whole only to an officer of the unit who gives a reason, and every such
//! view recorded and listed.

use axum::http::StatusCode;

use crate::TestApp;
use crate::desk::{demo_officers, get, intake, post, sign_in};

/// The number `desk::intake` registers.
const NUMBER: &str = "027190001234";

#[tokio::test]
async fn a_personal_id_is_stored_sealed_and_shown_whole_only_for_a_recorded_reason() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let code = intake(&app, &reception, "accept", "").await;

    let stored = app
        .db
        .db
        .dossier_by_code(&code)
        .await
        .expect("read")
        .expect("dossier");
    let contact = stored.applicant_contact.expect("contact");
    assert!(!contact.contains(NUMBER), "stored in clear: {contact}");
    assert!(contact.contains("personal_id_sealed") && contact.contains("personal_id_hash"));
    assert_eq!(
        app::personal_data::PersonalDataVault::stored_hash(&contact),
        Some(app.state.vault.hash(NUMBER))
    );

    let page_uri = format!("/back-office/dossiers/{code}");
    let page = get(&app, &reception.cookie, &page_uri).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("0271******34"), "not masked");
    assert!(!page.body.contains(NUMBER), "shown whole without a reason");

    let reveal_uri = format!("/back-office/dossiers/{code}/personal-id");
    let no_reason = post(&app, &reception, &reveal_uri, &[("reason", "")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason
            .body
            .contains("Chọn lý do xem đầy đủ số định danh cá nhân")
    );
    assert!(!no_reason.body.contains(NUMBER));

    let other_unit = sign_in(&app, "tiepnhan.so").await;
    let refused = post(
        &app,
        &other_unit,
        &reveal_uri,
        &[("reason", "verify_papers")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(!refused.body.contains(NUMBER));

    let shown = post(
        &app,
        &reception,
        &reveal_uri,
        &[("reason", "verify_papers")],
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains(NUMBER));
    assert_eq!(
        shown
            .headers
            .get(axum::http::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );

    let views = app
        .db
        .db
        .personal_data_views(&code, 10)
        .await
        .expect("views");
    assert_eq!(
        views.len(),
        1,
        "the refused and reasonless asks were recorded"
    );
    assert_eq!(views[0].officer_id, "tiepnhan.xa");
    assert_eq!(views[0].reason, "verify_papers");

    let again = get(&app, &reception.cookie, &page_uri).await;
    assert!(
        !again.body.contains(NUMBER),
        "stays shown after the one view"
    );
    assert!(again.body.contains("Các lượt xem đầy đủ gần nhất"));
    assert!(again.body.contains("Đối chiếu giấy tờ của người nộp"));

    // Public tracking by the last four digits of the number still finds the dossier.
    let tracked = app.track(&code, "1234").await;
    assert_eq!(tracked.status, StatusCode::OK);
    assert!(tracked.body.contains(&code));
}

#[tokio::test]
async fn an_officer_finds_a_persons_dossiers_of_their_unit_by_personal_id_and_each_find_is_recorded()
 {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let code = intake(&app, &reception, "accept", "").await;
    let unit = app
        .db
        .db
        .dossier_by_code(&code)
        .await
        .expect("read")
        .expect("dossier")
        .agency_code;

    // The keyed hash has its own column: found by the index, without opening any number.
    let stored = app
        .db
        .db
        .dossiers_by_personal_id(&app.state.vault.hash(NUMBER), &unit, 10)
        .await
        .expect("look-up");
    assert_eq!(
        stored.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
        vec![code.as_str()]
    );

    let form = get(&app, &reception.cookie, "/back-office/search/personal-id").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("Tra cứu hồ sơ theo số định danh cá nhân")
    );

    let uri = "/back-office/search/personal-id";
    let bad = post(
        &app,
        &reception,
        uri,
        &[("personal_id", "12345"), ("reason", "")],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("phải gồm đúng 12 chữ số"));
    assert!(
        bad.body
            .contains("Chọn lý do xem đầy đủ số định danh cá nhân")
    );
    assert!(
        bad.body.contains("value=\"12345\""),
        "the typed number was lost"
    );

    let spaced = format!(" {NUMBER} ");
    let found = post(
        &app,
        &reception,
        uri,
        &[("personal_id", &spaced), ("reason", "verify_papers")],
    )
    .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert!(
        found
            .body
            .contains(&format!("/back-office/dossiers/{code}"))
    );
    assert!(found.body.contains("Tìm thấy 1 hồ sơ"));
    assert!(!found.body.contains(NUMBER), "the number is echoed whole");
    assert!(found.body.contains("0271******34"));
    assert_eq!(
        found
            .headers
            .get(axum::http::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let views = app
        .db
        .db
        .personal_data_views(&code, 10)
        .await
        .expect("views");
    assert_eq!(views.len(), 1, "the find was not recorded");
    assert_eq!(views[0].reason, "verify_papers");

    // Another unit's officer searching the same number finds nothing and leaves no record.
    let other_unit = sign_in(&app, "tiepnhan.so").await;
    let none = post(
        &app,
        &other_unit,
        uri,
        &[("personal_id", NUMBER), ("reason", "registry")],
    )
    .await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(!none.body.contains(&code));
    assert!(none.body.contains("Đơn vị của bạn không có hồ sơ nào"));
    assert_eq!(
        app.db
            .db
            .personal_data_views(&code, 10)
            .await
            .expect("views")
            .len(),
        1
    );

    // Without the session's CSRF token nothing is searched.
    let forged = post(
        &app,
        &crate::desk::Session {
            cookie: reception.cookie.clone(),
            csrf: "forged".into(),
        },
        uri,
        &[("personal_id", NUMBER), ("reason", "registry")],
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}
