//! The portal and back-office pages as a visitor sees them.

use axum::http::{StatusCode, header};

use crate::{TestApp, card_titles};

#[tokio::test]
async fn the_home_page_is_vietnamese_accessible_and_offers_search() {
    let app = TestApp::new().await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    assert!(html.contains("<html lang=\"vi\">"));
    assert!(html.contains("class=\"skip-link\" href=\"#main\""));
    for landmark in ["<header", "<nav", "<main id=\"main\"", "<footer"] {
        assert!(html.contains(landmark), "missing {landmark}");
    }
    assert_eq!(html.matches("<h1").count(), 1);
    assert!(html.contains("<label for=\"q\""));
    assert!(html.contains("action=\"/procedures\" method=\"get\""));
    assert!(html.contains("Dịch vụ công thiết yếu"));
}

#[tokio::test]
async fn typing_dang_ky_ket_hon_finds_marriage_registration_first() {
    let app = TestApp::new().await;
    let page = app.get("/procedures?q=dang+ky+ket+hon").await;
    assert_eq!(page.status, StatusCode::OK);
    let titles = card_titles(&page.body);
    assert_eq!(
        titles.first().map(String::as_str),
        Some("Đăng ký kết hôn"),
        "{titles:?}"
    );
    assert!(page.body.contains("Kết quả tìm kiếm cho “dang ky ket hon”"));
}

#[tokio::test]
async fn every_way_of_typing_birth_registration_finds_it_first() {
    let app = TestApp::new().await;
    for q in [
        "dang+ky+khai+sinh",
        "%C4%90%C4%82NG+K%C3%8D+KHAI+SINH",
        "%C4%90%C4%83ng+k%C3%BD+khai+sinh",
    ] {
        let page = app.get(&format!("/procedures?q={q}")).await;
        let titles = card_titles(&page.body);
        assert_eq!(
            titles.first().map(String::as_str),
            Some("Đăng ký khai sinh"),
            "{q}: {titles:?}"
        );
    }
}

#[tokio::test]
async fn the_marriage_registration_page_shows_fees_duration_and_papers() {
    let app = TestApp::new().await;
    let data = app.state.reference.get();
    let marriage = data
        .catalogue
        .procedures
        .iter()
        .find(|p| p.name == "Đăng ký kết hôn")
        .expect("marriage registration is in the catalogue");
    let page = app.get(&format!("/procedures/{}", marriage.code)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    assert!(html.contains("<h1>Đăng ký kết hôn</h1>"));
    for heading in [
        "Giấy tờ cần chuẩn bị",
        "Phí, lệ phí",
        "Thời hạn giải quyết",
        "Nơi tiếp nhận hồ sơ",
        "Trình tự thực hiện",
        "Căn cứ pháp lý",
        "Ai có thể thực hiện",
    ] {
        assert!(html.contains(heading), "missing section {heading}");
    }
    for paper in &marriage.components {
        assert!(
            html.contains(&askama_escape(&paper.name)),
            "missing paper {}",
            paper.name
        );
    }
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn filters_narrow_the_list_and_survive_pagination() {
    let app = TestApp::new().await;
    let all = app.get("/procedures").await;
    let commune = app.get("/procedures?level=commune").await;
    let count = |html: &str| {
        let marker = "Tìm thấy ";
        let start = html.find(marker).expect("result count") + marker.len();
        html[start..]
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .expect("a number")
    };
    assert!(count(&commune.body) < count(&all.body));
    assert!(count(&commune.body) > 0);
    assert!(all.body.contains("href=\"/procedures?page=2\""));
    let filtered = app.get("/procedures?mode=full_online&priority=1").await;
    assert_eq!(filtered.status, StatusCode::OK);
    assert!(
        filtered
            .body
            .contains("<option value=\"full_online\" selected>")
    );
}

#[tokio::test]
async fn an_invalid_filter_is_named_in_a_clear_error() {
    let app = TestApp::new().await;
    let page = app.get("/procedures?level=district").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("Cấp thực hiện “district” không hợp lệ"),
        "{}",
        page.body
    );
    let page = app.get_in("/procedures?level=district", "en").await;
    assert!(page.body.contains("Level “district” is not valid"));
}

#[tokio::test]
async fn an_unknown_address_gets_a_not_found_page_in_each_language() {
    let app = TestApp::new().await;
    let vi = app.get("/no-such-page").await;
    assert_eq!(vi.status, StatusCode::NOT_FOUND);
    assert!(vi.body.contains("Không tìm thấy trang"));
    let en = app.get_in("/no-such-page", "en").await;
    assert!(en.body.contains("Page not found"));
    assert!(en.body.contains("<html lang=\"en\">"));
    let missing = app.get("/procedures/9.999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_returns_to_the_page() {
    let app = TestApp::new().await;
    let reply = app
        .get("/language?lang=en&next=%2Fprocedures%3Fq%3Dkhai%2Bsinh")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/procedures?q=khai+sinh")
    );
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("cookie");
    assert!(cookie.starts_with("lang=en;") && cookie.contains("HttpOnly"));
    let evil = app
        .get("/language?lang=en&next=https%3A%2F%2Fevil.example")
        .await;
    assert_eq!(
        evil.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/")
    );
    for sneaky in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%5C%5Cevil.example",
        "/%20/x",
    ] {
        let reply = app.get(&format!("/language?lang=en&next={sneaky}")).await;
        assert_eq!(
            reply
                .headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok()),
            Some("/"),
            "{sneaky} must not be followed"
        );
    }
    let english = app.get_in("/procedures?q=khai+sinh", "en").await;
    assert!(english.body.contains("<html lang=\"en\">"));
    assert!(english.body.contains("Birth registration"));
}

#[tokio::test]
async fn back_office_pages_show_the_catalogue_agencies_and_calendar() {
    let app = TestApp::new().await;
    let overview = app.get("/back-office").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("Hệ thống Một cửa điện tử"));
    // The test app's "today" is 18 February 2026, during Tết.
    assert!(overview.body.contains("là ngày nghỉ"), "{}", overview.body);
    let procedures = app.get("/back-office/procedures?q=chung+thuc").await;
    assert_eq!(procedures.status, StatusCode::OK);
    assert!(procedures.body.contains("<table class=\"dense\">"));
    let agencies = app.get("/back-office/agencies").await;
    assert!(agencies.body.contains("Ủy ban nhân dân xã, phường"));
    let calendar = app.get("/back-office/calendar?year=2026").await;
    assert_eq!(calendar.status, StatusCode::OK);
    assert!(calendar.body.contains("17/02/2026"));
    let bad = app.get("/back-office/calendar?year=abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Năm “abc” không hợp lệ"));
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_request_id() {
    let app = TestApp::new().await;
    let page = app.get("/").await;
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "x-request-id",
    ] {
        assert!(page.headers.contains_key(name), "missing {name}");
    }
}

#[tokio::test]
async fn a_client_request_id_is_echoed_only_when_it_is_a_plain_token() {
    let app = TestApp::new().await;
    let with_id = |id: &str| {
        axum::http::Request::builder()
            .uri("/")
            .header("x-request-id", id)
            .body(axum::body::Body::empty())
            .expect("request")
    };
    let plain = app.request(with_id("lb-7f3a.42_x")).await;
    assert_eq!(plain.headers["x-request-id"], "lb-7f3a.42_x");
    for forged in [
        "abc\" forged=\"1".to_owned(),
        "a b".to_owned(),
        "x".repeat(3000),
    ] {
        let reply = app.request(with_id(&forged)).await;
        let echoed = reply.headers["x-request-id"].to_str().expect("ascii");
        assert_ne!(echoed, forged);
        assert_eq!(echoed.len(), 36, "a fresh UUID in its place: {echoed}");
    }
}

#[tokio::test]
async fn answers_with_personal_data_are_not_stored_and_the_catalogue_stays_cacheable() {
    let app = TestApp::new().await;
    for uri in [
        "/back-office/sign-in",
        "/account/sign-in",
        "/tracking",
        "/api/v1/dossiers/000.00.00.H00-000000-0000",
    ] {
        let reply = app.get(uri).await;
        assert_eq!(
            reply
                .headers
                .get("cache-control")
                .map(|v| v.to_str().unwrap_or("")),
            Some("no-store"),
            "{uri}"
        );
    }
    for uri in ["/", "/procedures", "/api/v1/procedures?q=khai+sinh"] {
        let reply = app.get(uri).await;
        assert_ne!(
            reply
                .headers
                .get("cache-control")
                .map(|v| v.to_str().unwrap_or("")),
            Some("no-store"),
            "{uri}"
        );
    }
}
