//! The monthly dossier report: who may read it, which month it shows, and that it counts the
//! dossiers of that month by channel and by outcome.

use axum::http::StatusCode;

use crate::TestApp;
use crate::desk::{demo_officers, get, intake, sign_in};

#[tokio::test]
async fn the_monthly_report_counts_a_counter_dossier_and_is_for_report_readers_only() {
    let app = TestApp::new().await;
    demo_officers(&app).await;
    let reception = sign_in(&app, "tiepnhan.xa").await;
    let refused = get(&app, &reception.cookie, "/back-office/reports/monthly").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let auditor = sign_in(&app, "kiemtra.xa").await;
    // Intake records the real time of the request, so the month is this one in Vietnam.
    let now = time::OffsetDateTime::now_utc().to_offset(domain::calendar::VIETNAM_OFFSET);
    let this_month = format!(
        "/back-office/reports/monthly?month={:04}-{:02}",
        now.year(),
        u8::from(now.month())
    );
    let empty = get(&app, &auditor.cookie, &this_month).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(
        empty.body.contains("id=\"monthly-received\">0<"),
        "{}",
        empty.body
    );

    intake(&app, &reception, "accept", "").await;
    let counted = get(&app, &auditor.cookie, &this_month).await;
    assert_eq!(counted.status, StatusCode::OK, "{}", counted.body);
    assert!(
        counted.body.contains("id=\"monthly-received\">1<"),
        "{}",
        counted.body
    );
    let other = get(
        &app,
        &auditor.cookie,
        "/back-office/reports/monthly?month=2021-01",
    )
    .await;
    assert!(other.body.contains("id=\"monthly-received\">0<"));

    let english = get(
        &app,
        &auditor.cookie,
        "/back-office/reports/monthly?month=2026-13&lang=en",
    )
    .await;
    assert_eq!(english.status, StatusCode::BAD_REQUEST);
    assert!(english.body.contains("YYYY-MM"), "{}", english.body);
}
