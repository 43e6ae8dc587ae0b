//! Rating a finished dossier through each door (tracking, the account, the kiosk, a signed
//! link), the refusals in the visitor's language, and the ratings report with its minimum of five
//! and indicator 5.4 against a hand computation.

use axum::http::StatusCode;

use crate::TestApp;
use crate::desk::{
    BIRTH_PAPERS, Session, act_ok, demo_officers, get, intake, intake_post_with_token, location,
    propose_and_approve, sign_in,
};

const ANSWERS: [(&str, &str); 6] = [
    ("one_stop", "good"),
    ("disclosure", "good"),
    ("conduct", "good"),
    ("asked_outside_rules", "no"),
    ("feedback_handling", "not_applicable"),
    ("online_service", "good"),
];

struct Desk {
    reception: Session,
    handler: Session,
    leader: Session,
}

async fn desk(app: &TestApp) -> Desk {
    demo_officers(app).await;
    Desk {
        reception: sign_in(app, "tiepnhan.xa").await,
        handler: sign_in(app, "xuly.xa").await,
        leader: sign_in(app, "lanhdao.xa").await,
    }
}

/// A counter dossier taken through every step and handed over; returns its code.
async fn returned(app: &TestApp, desk: &Desk) -> String {
    static REGISTERED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = REGISTERED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let reply = intake_post_with_token(
        app,
        &desk.reception,
        &format!("rated-{n}"),
        "accept",
        "",
        &BIRTH_PAPERS,
    )
    .await;
    let code = location(&reply)
        .trim_start_matches("/back-office/dossiers/")
        .split('?')
        .next()
        .expect("code")
        .to_owned();
    act_ok(
        app,
        &desk.leader,
        &code,
        &[("action", "assign"), ("officer_id", "xuly.xa")],
    )
    .await;
    let ready_by = propose_and_approve(app, &desk.handler, &desk.leader, &code, "Cấp").await;
    act_ok(app, ready_by, &code, &[("action", "mark_result_ready")]).await;
    act_ok(
        app,
        &desk.reception,
        &code,
        &[("action", "return_result"), ("method", "counter")],
    )
    .await;
    code
}

/// The first rating link on a page, as a path with its query.
fn rating_href(html: &str) -> Option<String> {
    let start = html.find("href=\"/ratings/")? + "href=\"".len();
    let end = html[start..].find('"')?;
    Some(
        html[start..start + end]
            .replace("&amp;", "&")
            .replace("&#38;", "&"),
    )
}

/// The link's signed fields and the answers, as the rating form posts them.
fn fields<'a>(href: &'a str, level: &'a str) -> Vec<(&'a str, &'a str)> {
    let query = href.split_once('?').expect("query").1;
    let mut fields: Vec<(&str, &str)> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .collect();
    fields.push(("level", level));
    fields.extend_from_slice(&ANSWERS);
    fields
}

fn path(href: &str) -> &str {
    href.split('?').next().expect("path")
}

#[tokio::test]
async fn a_citizen_rates_a_returned_dossier_from_tracking_and_may_change_the_rating() {
    let app = TestApp::new().await;
    let desk = desk(&app).await;
    let code = returned(&app, &desk).await;

    let tracked = app.track(&code, "5678").await;
    assert_eq!(tracked.status, StatusCode::OK);
    let href = rating_href(&tracked.body).expect("tracking offers the rating");
    assert!(href.contains("door=tracking"), "{href}");

    let page = app.get(&href).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Hệ thống đã ghi nhận"));
    // Birth registration is settled the same working day, so the result is on time or early.
    assert!(
        page.body.contains("Trả kết quả đúng hạn") || page.body.contains("Trả kết quả trước hạn"),
        "the time is read from the log: {}",
        page.body
    );
    assert!(
        !page.body.contains("name=\"online_service\""),
        "a counter dossier is not asked about the online service"
    );

    // Nothing answered but the level: each missing answer is named, the level kept.
    let missing = app
        .post_form(path(&href), &fields(&href, "satisfied")[..4])
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    assert!(missing.body.contains("Cho biết thái độ của cán bộ"));
    assert!(missing.body.contains("value=\"satisfied\" checked"));

    let saved = app
        .post_form(path(&href), &fields(&href, "satisfied"))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("Cảm ơn bạn đã đánh giá"));

    let again = app.get(&href).await;
    assert!(again.body.contains("Bạn đã đánh giá:"), "{}", again.body);
    assert!(
        again
            .body
            .contains("<strong>Hài lòng</strong> (14/14 điểm)")
    );
    assert!(again.body.contains("value=\"satisfied\" checked"));

    let changed = app
        .post_form(path(&href), &fields(&href, "not_satisfied"))
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    let after = app.get(&href).await;
    assert!(after.body.contains("<strong>Không hài lòng</strong>"));
}

#[tokio::test]
async fn an_altered_or_expired_link_and_an_open_dossier_are_refused_with_a_reason() {
    let app = TestApp::new().await;
    let desk = desk(&app).await;
    let open = intake(&app, &desk.reception, "accept", "").await;
    let link =
        |door, from| app::ratings::RatingLink::new(&app.state.vault, &open, door, from).path();
    let now = time::OffsetDateTime::now_utc();

    let altered = link(app::ratings::Door::Kiosk, now).replace("door=kiosk", "door=notice");
    let reply = app.get(&altered).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(
        reply.body.contains("Liên kết đánh giá không hợp lệ"),
        "{}",
        reply.body
    );

    let expired = link(app::ratings::Door::Kiosk, now - time::Duration::hours(1));
    let reply = app.get(&expired).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.body.contains("Liên kết đánh giá đã hết hạn"));

    let valid = link(app::ratings::Door::Notice, now);
    let page = app.get(&valid).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Hồ sơ chưa kết thúc nên chưa thể đánh giá")
    );
    assert!(!page.body.contains("<form action=\"/ratings/"));
    let posted = app
        .post_form(path(&valid), &fields(&valid, "satisfied"))
        .await;
    assert_eq!(posted.status, StatusCode::CONFLICT);
    assert!(posted.body.contains("Hồ sơ chưa kết thúc"));

    let tracked = app.track(&open, "5678").await;
    assert_eq!(rating_href(&tracked.body), None, "nothing to rate yet");
}

#[tokio::test]
async fn the_officer_opens_the_kiosk_page_once_the_dossier_has_ended() {
    let app = TestApp::new().await;
    let desk = desk(&app).await;
    let code = intake(&app, &desk.reception, "accept", "").await;
    let before = get(
        &app,
        &desk.reception.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert!(!before.body.contains("id=\"kiosk-link\""));

    let code = returned(&app, &desk).await;
    let page = get(
        &app,
        &desk.reception.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert!(page.body.contains("id=\"kiosk-link\""), "{}", page.body);
    let href = rating_href(&page.body).expect("kiosk link");
    assert!(href.contains("door=kiosk"));

    // The kiosk needs no session: the applicant at the counter rates on it.
    let kiosk = app.get(&href).await;
    assert_eq!(kiosk.status, StatusCode::OK);
    assert!(kiosk.body.contains("class=\"rating kiosk\""));
    let saved = app
        .post_form(path(&href), &fields(&href, "acceptable"))
        .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert!(saved.body.contains("Cảm ơn bạn đã đánh giá"));
    assert!(
        !saved.body.contains("Bạn có thể thay đổi"),
        "the next person at the kiosk is not invited to change it"
    );
    // The next person at the kiosk, within the link's quarter of an hour, neither sees the
    // rating given nor changes it.
    let again = app.get(&href).await;
    assert!(
        again.body.contains("Hồ sơ này đã được đánh giá"),
        "{}",
        again.body
    );
    assert!(!again.body.contains("checked"), "nothing is shown chosen");
    assert!(!again.body.contains("<form action=\"/ratings/"));
    let overwritten = app
        .post_form(path(&href), &fields(&href, "not_satisfied"))
        .await;
    assert_eq!(overwritten.status, StatusCode::CONFLICT);
    let tracked = app.track(&code, "5678").await;
    let mine = app.get(&rating_href(&tracked.body).expect("link")).await;
    assert!(
        mine.body.contains("<strong>Chấp nhận được</strong>"),
        "the applicant's own door shows it"
    );
    // The kiosk is for the counter: the handling officer being rated is not offered it.
    let handler = get(
        &app,
        &desk.handler.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert!(!handler.body.contains("id=\"kiosk-link\""));
}

#[tokio::test]
async fn the_report_shows_no_figure_from_fewer_than_five_ratings_and_scores_indicator_5_4() {
    let app = TestApp::new().await;
    let desk = desk(&app).await;
    // The dossiers end now; the test application's "today" is a fixed day, so ask for this month.
    let now = time::OffsetDateTime::now_utc().to_offset(domain::calendar::VIETNAM_OFFSET);
    let report_uri = format!(
        "/back-office/reports/ratings?month={:04}-{:02}",
        now.year(),
        u8::from(now.month())
    );
    let mut codes = Vec::new();
    for i in 0..5 {
        let code = returned(&app, &desk).await;
        let tracked = app.track(&code, "5678").await;
        let href = rating_href(&tracked.body).expect("link");
        let level = if i == 0 { "not_satisfied" } else { "satisfied" };
        let saved = app.post_form(path(&href), &fields(&href, level)).await;
        assert_eq!(saved.status, StatusCode::OK);
        codes.push(code);
        if i == 3 {
            let report = get(&app, &desk.leader.cookie, &report_uri).await;
            assert_eq!(report.status, StatusCode::OK);
            assert!(
                report.body.contains("<dd id=\"ratings-total\">4</dd>"),
                "{}",
                report.body
            );
            assert!(
                report.body.contains("Dưới 5 đánh giá, không hiển thị"),
                "four ratings show no figure"
            );
            assert!(!report.body.contains("75,0 %"));
            assert!(
                report.body.contains("id=\"total-hidden\""),
                "the province's total would give the unit's four away"
            );
            // Indicator 5.4 of a unit with four ratings would tell the one "not satisfied".
            assert!(
                report
                    .body
                    .contains("<td>4</td><td>0</td><td>–</td><td>–</td>"),
                "{}",
                report.body
            );
        }
    }
    let report = get(&app, &desk.leader.cookie, &report_uri).await;
    assert!(report.body.contains("<dd id=\"ratings-total\">5</dd>"));
    assert!(!report.body.contains("id=\"total-hidden\""));
    // Four of five satisfied, one not.
    assert!(report.body.contains("80,0 %") && report.body.contains("20,0 %"));
    // Indicator 5.4: 5 dossiers ended, none late, 1 not satisfied: r = (5 − 0 − 1) / 5 = 0.8,
    // points = 6 × 0.8 / 0.9 = 5.33.
    assert!(
        report
            .body
            .contains("<td>5</td><td>0</td><td>1</td><td>5,33</td>"),
        "{}",
        report.body
    );
    for code in codes {
        assert!(!report.body.contains(&code), "no dossier is named");
    }
}
