//! Payments over HTTP: the pay panel on tracking, counter payments and refunds in the back
//! office, the report, and (against the sandbox gateways of `motcua sandbox`, reached only
//! through configuration) the whole online flow with replayed, forged, lost and double-clicked
//! payments. Runs on SQLite and, with `TEST_DATABASE_URL`, PostgreSQL.

use axum::http::StatusCode;
use domain::payment::ledger::{PaymentChannel, PaymentStatus};

use crate::TestApp;
use crate::desk::{Session, act_ok, demo_officers, get, intake, post, sign_in};

/// A commune's walk-in dossier, taken by `xuly.xa`, awaiting 50,000 VND of fees. The applicant's
/// phone ends in 5678.
pub(crate) async fn awaiting_fees(app: &TestApp) -> (String, Session, Session, Session) {
    demo_officers(app).await;
    let reception = sign_in(app, "tiepnhan.xa").await;
    let handler = sign_in(app, "xuly.xa").await;
    let leader = sign_in(app, "lanhdao.xa").await;
    let code = intake(app, &reception, "accept", "").await;
    act_ok(
        app,
        &handler,
        &code,
        &[("action", "assign"), ("officer_id", "xuly.xa")],
    )
    .await;
    act_ok(
        app,
        &handler,
        &code,
        &[
            ("action", "request_fees"),
            ("amount_vnd", "50.000"),
            ("note", "Lệ phí đăng ký"),
        ],
    )
    .await;
    (code, reception, handler, leader)
}

#[tokio::test]
async fn a_counter_payment_moves_the_dossier_on_once_and_counts_in_the_report_and_a_leader_refunds_it()
 {
    let app = TestApp::new().await;
    let (code, reception, handler, leader) = awaiting_fees(&app).await;

    // Without a gateway, the citizen is told to pay at the counter.
    let tracking = app.track(&code, "5678").await;
    assert_eq!(tracking.status, StatusCode::OK);
    assert!(tracking.body.contains("50.000"), "{}", tracking.body);
    assert!(tracking.body.contains("nộp phí tại Bộ phận Một cửa"));

    let page = get(
        &app,
        &reception.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    let version = crate::desk::hidden(&page.body, "version").expect("version");
    let fields = [
        ("version", version.as_str()),
        ("form_token", "pay-once"),
        ("action", "record_fees_paid"),
        ("amount_vnd", "50000"),
        ("channel", "card_terminal"),
        ("reference", "BL-0001"),
    ];
    let uri = format!("/back-office/dossiers/{code}/actions");
    let first = post(&app, &reception, &uri, &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    // The same form again (a double click): the same answer, nothing added.
    let second = post(&app, &reception, &uri, &fields).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    let payments = app.state.db.payments_of(&code).await.expect("ledger");
    assert_eq!(payments.len(), 1, "{payments:?}");
    assert_eq!(payments[0].channel, PaymentChannel::CardTerminal);
    assert_eq!(payments[0].status, PaymentStatus::Paid);
    assert_eq!(payments[0].gateway_transaction.as_deref(), Some("BL-0001"));

    // The handler sees the dossier back in processing, with the payment listed.
    let page = get(
        &app,
        &handler.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert!(
        page.body.contains("Thẻ qua máy POS tại Bộ phận Một cửa"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&payments[0].reference));
    let stored = app
        .state
        .db
        .dossier_by_code(&code)
        .await
        .expect("read")
        .expect("dossier");
    assert_eq!(stored.index.status, "processing");

    // The report counts it as a counter payment.
    let report = get(
        &app,
        &leader.cookie,
        "/back-office/reports/payments?year=2026",
    )
    .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert!(report.body.contains("50.000"), "{}", report.body);
    let bad = get(
        &app,
        &leader.cookie,
        "/back-office/reports/payments?year=abc",
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("Năm báo cáo không hợp lệ"),
        "{}",
        bad.body
    );

    // The handler may not refund; the leader may, once, and not more than was paid.
    let refund_uri = format!(
        "/back-office/dossiers/{code}/payments/{}/refund",
        payments[0].reference
    );
    let refused = post(
        &app,
        &handler,
        &refund_uri,
        &[("amount_vnd", "50000"), ("reason", "x")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let too_much = post(
        &app,
        &leader,
        &refund_uri,
        &[("amount_vnd", "60000"), ("reason", "thu nhầm")],
    )
    .await;
    assert_eq!(
        too_much.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        too_much.body
    );
    assert!(
        too_much.body.contains("không quá 50.000"),
        "{}",
        too_much.body
    );
    let no_reason = post(
        &app,
        &leader,
        &refund_uri,
        &[("amount_vnd", "50000"), ("reason", " ")],
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = post(
        &app,
        &leader,
        &refund_uri,
        &[("amount_vnd", "50000"), ("reason", "thu nhầm")],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let again = post(
        &app,
        &leader,
        &refund_uri,
        &[("amount_vnd", "1"), ("reason", "thu nhầm")],
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = app
        .state
        .db
        .payment(&payments[0].reference)
        .await
        .expect("read")
        .expect("payment");
    assert_eq!(
        (p.status, p.refunded_vnd),
        (PaymentStatus::Refunded, 50_000)
    );
}

/// The portal served on a real socket with both sandbox gateways configured, as a province's
/// `[payments]` section would, and a browser that does not follow redirects by itself.
struct Live {
    app: TestApp,
    state: web::AppState,
    base: String,
    sandbox: sandbox::Sandbox,
    browser: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn live() -> Live {
    use integrations::payment::{PayGov, PayGovConfig, PaymentGateway, VnPay, VnPayConfig};
    let app = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let options = sandbox::Options {
        paygov_callback_url: format!("{base}/payments/paygov/callback"),
        vnpay_ipn_url: format!("{base}/payments/vnpay/callback"),
        ..sandbox::Options::default()
    };
    let sandbox = sandbox::spawn_with("127.0.0.1:0".parse().expect("address"), options.clone())
        .await
        .expect("sandbox");
    let gateways: Vec<std::sync::Arc<dyn PaymentGateway>> = vec![
        std::sync::Arc::new(
            PayGov::new(PayGovConfig::new(
                &sandbox.paygov_endpoint(),
                &options.paygov_partner_code,
                options.paygov_secret.as_str(),
            ))
            .expect("paygov"),
        ),
        std::sync::Arc::new(
            VnPay::new(VnPayConfig::new(
                &sandbox.vnpay_payment_url(),
                &sandbox.vnpay_api_url(),
                &options.vnpay_tmn_code,
                options.vnpay_hash_secret.as_str(),
            ))
            .expect("vnpay"),
        ),
    ];
    let mut state = app.state.clone();
    state.public_url = base.clone();
    state.gateways = app::payments::Gateways::new(gateways);
    state.payment_pages = web::payments::page_origins([
        sandbox.paygov_endpoint().as_str(),
        sandbox.vnpay_payment_url().as_str(),
    ]);
    let router = web::app(state.clone());
    let server = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    Live {
        app,
        state,
        base,
        sandbox,
        browser,
        server,
    }
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", crate::form_encode(k), crate::form_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn location_of(reply: &reqwest::Response) -> String {
    reply
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no redirect ({})", reply.status()))
        .to_owned()
}

impl Live {
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.browser
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(fields))
            .send()
            .await
            .expect("portal answers")
    }

    /// Looks the dossier up on tracking and presses "Pay" with `channel`, `clicks` times with
    /// the same form (a double click); every click must land on the same gateway page.
    async fn press_pay(&self, code: &str, channel: &str, clicks: usize) -> String {
        let page = self
            .post("/tracking", &[("code", code), ("digits", "5678")])
            .await;
        assert_eq!(page.status(), 200);
        let policy = page
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let html = page.text().await.expect("html");
        assert!(
            html.contains("action=\"/payments/start\""),
            "no pay form: {html}"
        );
        let token = crate::desk::hidden(&html, "form_token").expect("form token");
        let mut to = Vec::new();
        for _ in 0..clicks {
            let reply = self
                .post(
                    "/payments/start",
                    &[
                        ("code", code),
                        ("digits", "5678"),
                        ("channel", channel),
                        ("form_token", &token),
                    ],
                )
                .await;
            assert_eq!(
                reply.status(),
                303,
                "{}",
                reply.text().await.unwrap_or_default()
            );
            to.push(location_of(&reply));
        }
        assert!(to.windows(2).all(|w| w[0] == w[1]), "{to:?}");
        // A browser follows the form's redirect only to an origin `form-action` names.
        let gateway = reqwest::Url::parse(&to[0]).expect("gateway address");
        let form_action = policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("form-action"))
            .unwrap_or_default();
        assert!(
            form_action
                .split_whitespace()
                .any(|o| o == gateway.origin().ascii_serialization()),
            "the page's policy does not let the pay form reach {gateway}: {policy}"
        );
        to.remove(0)
    }

    /// Pays at the sandbox's page with `card` ("cancel" for the cancel button) and returns where
    /// the browser is sent back to.
    async fn pay_at(&self, gateway_url: &str, card: &str) -> String {
        let page = self
            .browser
            .get(gateway_url)
            .send()
            .await
            .expect("gateway page");
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        let action = html
            .split("<form method=\"post\" action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the gateway's form")
            .to_owned();
        let fields: Vec<(&str, &str)> = if card == "cancel" {
            vec![
                ("card", sandbox::payment::TEST_CARDS[0].number),
                ("action", "cancel"),
            ]
        } else {
            vec![("card", card), ("action", "pay")]
        };
        let posted = self
            .browser
            .post(format!("{}{action}", self.sandbox.url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&fields))
            .send()
            .await
            .expect("gateway form");
        assert_eq!(posted.status(), 303);
        location_of(&posted)
    }

    async fn callbacks(&self, mode: &str) {
        let reply = self
            .browser
            .post(format!(
                "{}/_sandbox/payments/callbacks?mode={mode}",
                self.sandbox.url()
            ))
            .send()
            .await
            .expect("sandbox control");
        assert!(reply.status().is_success(), "{}", reply.status());
    }

    /// Waits until the dossier's single payment reaches `status` (callbacks arrive on their own).
    async fn wait_for(
        &self,
        code: &str,
        status: PaymentStatus,
    ) -> storage::payments::StoredPayment {
        for _ in 0..100 {
            let payments = self.state.db.payments_of(code).await.expect("ledger");
            if let Some(p) = payments.iter().find(|p| p.status == status) {
                return p.clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no payment of {code} became {status}");
    }

    async fn fees_paid_events(&self, code: &str) -> usize {
        let stored = self
            .state
            .db
            .dossier_by_code(code)
            .await
            .expect("read")
            .expect("dossier");
        self.state
            .db
            .dossier_events(stored.id)
            .await
            .expect("events")
            .iter()
            .filter(|e| e.kind == "fees_paid")
            .count()
    }
}

#[tokio::test]
async fn a_double_click_and_a_duplicated_callback_make_one_vnpay_payment_that_moves_the_dossier_on_and_can_be_refunded()
 {
    let live = live().await;
    let (code, _, handler, leader) = awaiting_fees(&live.app).await;
    live.callbacks("duplicated").await;
    let gateway_page = live.press_pay(&code, "vnpay", 2).await;
    assert!(
        gateway_page.starts_with(live.sandbox.url()),
        "{gateway_page}"
    );
    assert_eq!(
        live.state
            .db
            .payments_of(&code)
            .await
            .expect("ledger")
            .len(),
        1
    );

    let back = live
        .pay_at(&gateway_page, sandbox::payment::TEST_CARDS[0].number)
        .await;
    assert!(
        back.starts_with(&format!("{}/payments/vnpay/return?", live.base)),
        "{back}"
    );
    let result = live.browser.get(&back).send().await.expect("return");
    assert_eq!(result.status(), 200);
    let html = result.text().await.expect("html");
    assert!(html.contains("Thanh toán thành công"), "{html}");
    assert!(html.contains("/payments/receipts/"), "{html}");

    let paid = live.wait_for(&code, PaymentStatus::Paid).await;
    assert_eq!(paid.amount_vnd, 50_000);
    // Both callbacks and the return arrived; the dossier recorded the payment once.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(live.fees_paid_events(&code).await, 1);
    let events = live
        .state
        .db
        .payment_events(&paid.reference)
        .await
        .expect("events");
    assert_eq!(
        events
            .iter()
            .filter(|e| e.verdict == "applied" && e.source != "start")
            .count(),
        1,
        "{events:?}"
    );
    assert!(
        events.iter().filter(|e| e.verdict == "unchanged").count() >= 2,
        "{events:?}"
    );
    let stored = live
        .state
        .db
        .dossier_by_code(&code)
        .await
        .expect("read")
        .expect("dossier");
    assert_eq!(stored.index.status, "processing");

    // The receipt proves itself with its key; a wrong key finds nothing.
    let receipt = live
        .browser
        .get(format!(
            "{}{}",
            live.base,
            web::payments::online::receipt_href(&paid)
        ))
        .send()
        .await
        .expect("receipt");
    assert_eq!(receipt.status(), 200);
    let html = receipt.text().await.expect("html");
    assert!(
        html.contains("50.000") && html.contains(&code) && html.contains("N. T. H. Nhung"),
        "{html}"
    );
    let forged = live
        .browser
        .get(format!(
            "{}/payments/receipts/{}?k=0000",
            live.base, paid.reference
        ))
        .send()
        .await
        .expect("receipt");
    assert_eq!(forged.status(), 404);
    // Its PDF carries the amount in words and the receipt's own address in the QR code.
    let pdf = live
        .browser
        .get(format!(
            "{}/payments/receipts/{}/pdf?k={}",
            live.base, paid.reference, paid.receipt_key
        ))
        .send()
        .await
        .expect("receipt pdf");
    assert_eq!(pdf.status(), 200);
    assert_eq!(
        pdf.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let pdf = pdf.bytes().await.expect("pdf bytes");
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(text) = pdf_text(&pdf) {
        assert!(
            text.contains("Năm mươi nghìn đồng") && text.contains(&paid.reference),
            "{text}"
        );
    }
    let forged_pdf = live
        .browser
        .get(format!(
            "{}/payments/receipts/{}/pdf?k=0000",
            live.base, paid.reference
        ))
        .send()
        .await
        .expect("receipt pdf");
    assert_eq!(forged_pdf.status(), 404);

    // The handler sees it; the leader refunds it through VNPay.
    let page = get(
        &live.app,
        &handler.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert!(page.body.contains(&paid.reference), "{}", page.body);
    let refund = live
        .browser
        .post(format!(
            "{}/back-office/dossiers/{code}/payments/{}/refund",
            live.base, paid.reference
        ))
        .header("cookie", &leader.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("csrf", &leader.csrf),
            ("amount_vnd", "50000"),
            ("reason", "Thu trùng"),
        ]))
        .send()
        .await
        .expect("refund");
    assert_eq!(
        refund.status(),
        303,
        "{}",
        refund.text().await.unwrap_or_default()
    );
    let refunded = live
        .state
        .db
        .payment(&paid.reference)
        .await
        .expect("read")
        .expect("payment");
    assert_eq!(refunded.status, PaymentStatus::Refunded);
}

#[tokio::test]
async fn a_forged_callback_is_refused_and_logged_and_a_lost_one_is_found_by_reconciliation() {
    let live = live().await;
    let (code, _, _, _) = awaiting_fees(&live.app).await;
    live.callbacks("lost").await;
    let gateway_page = live.press_pay(&code, "paygov", 1).await;
    let pending = live.wait_for(&code, PaymentStatus::Pending).await;

    // Someone posts a "paid" callback with a made-up checksum: refused, logged, nothing moves.
    let forged = live
        .browser
        .post(format!("{}/payments/paygov/callback", live.base))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"LoaiBanTin":"NOTIFY","MaLoi":"00","MaDoiTac":"MOTCUA01","MaThamChieu":"{}","SoTien":"50000","MaTienTe":"VND","MaGiaoDich":"X1","MaNganHang":"NCB","ThoiGianGD":"20260218100000","ThongTinGiaoDich":"x","MaXacThuc":"{}"}}"#,
            pending.reference,
            "0".repeat(64)
        ))
        .send()
        .await
        .expect("forged callback");
    assert!(forged.status().is_client_error(), "{}", forged.status());
    let refused = live
        .state
        .db
        .refused_payment_events(10)
        .await
        .expect("refused");
    assert!(
        refused.iter().any(|e| e.verdict == "bad_signature"),
        "{refused:?}"
    );
    assert_eq!(
        live.state
            .db
            .payment(&pending.reference)
            .await
            .expect("read")
            .expect("p")
            .status,
        PaymentStatus::Pending
    );

    // The payer pays; the callback is lost and the browser never comes back.
    let _back = live
        .pay_at(&gateway_page, sandbox::payment::TEST_CARDS[0].number)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(
        live.state
            .db
            .payment(&pending.reference)
            .await
            .expect("read")
            .expect("p")
            .status,
        PaymentStatus::Pending
    );
    let round = app::payments::reconcile::round(&live.state, std::time::Duration::ZERO).await;
    assert_eq!((round.asked, round.moved, round.failed), (1, 1, 0));
    live.wait_for(&code, PaymentStatus::Paid).await;
    assert_eq!(live.fees_paid_events(&code).await, 1);
    // A second round has nothing left to ask.
    let again = app::payments::reconcile::round(&live.state, std::time::Duration::ZERO).await;
    assert_eq!(again.asked, 0);
}

#[tokio::test]
async fn a_declined_card_leaves_the_dossier_waiting_and_a_new_pay_form_pays_it() {
    let live = live().await;
    let (code, _, _, _) = awaiting_fees(&live.app).await;
    let gateway_page = live.press_pay(&code, "vnpay", 1).await;
    let back = live
        .pay_at(&gateway_page, sandbox::payment::TEST_CARDS[1].number)
        .await;
    let result = live.browser.get(&back).send().await.expect("return");
    let html = result.text().await.expect("html");
    assert!(html.contains("Thanh toán không thành công"), "{html}");
    live.wait_for(&code, PaymentStatus::Failed).await;
    let stored = live
        .state
        .db
        .dossier_by_code(&code)
        .await
        .expect("read")
        .expect("dossier");
    assert_eq!(stored.index.status, "awaiting_fees");

    let again = live.press_pay(&code, "vnpay", 1).await;
    assert_ne!(again, gateway_page);
    let back = live
        .pay_at(&again, sandbox::payment::TEST_CARDS[0].number)
        .await;
    live.browser.get(&back).send().await.expect("return");
    live.wait_for(&code, PaymentStatus::Paid).await;
    assert_eq!(live.fees_paid_events(&code).await, 1);
}

/// The text of a PDF as poppler's `pdftotext` reads it; `None` (and a notice) where poppler is
/// not installed (`.ci/run` installs it).
fn pdf_text(pdf: &[u8]) -> Option<String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    else {
        println!("NOTICE: pdftotext (poppler-utils) is not installed; receipt text not checked");
        return None;
    };
    let mut stdin = child.stdin.take().expect("stdin");
    let input = pdf.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("pdftotext runs");
    writer.join().expect("writer").expect("write the pdf");
    assert!(out.status.success(), "pdftotext failed");
    Some(String::from_utf8(out.stdout).expect("UTF-8"))
}

/// Fees recorded through the JSON API reach the ledger and the payment report as they do from
/// the desk's form (the ledger row is the dossier service's consequence of the action, not the
/// form's), once per `Idempotency-Key`; only a reception officer may record them.
#[tokio::test]
async fn fees_recorded_through_the_api_reach_the_ledger_and_the_report_once() {
    let app = TestApp::new().await;
    let (code, reception, handler, leader) = awaiting_fees(&app).await;
    let read = get(&app, &reception.cookie, &format!("/api/v1/dossiers/{code}")).await;
    let version = read.json()["version"].as_i64().expect("version");
    let body = format!(
        r#"{{"expected_version": {version}, "payment_channel": "card_terminal",
            "action": {{"action": "record_fees_paid", "amount_vnd": 50000, "reference": "BL-API-1"}}}}"#
    );

    // A handling officer is not the counter: the policy refuses before anything is written.
    let refused = crate::desk::api_act(&app, &handler, &code, "fees-by-handler", &body).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        app.state
            .db
            .payments_of(&code)
            .await
            .expect("ledger")
            .is_empty()
    );

    let first = crate::desk::api_act(&app, &reception, &code, "fees-api-1", &body).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.json()["status"], "processing");
    // A retry with the same key: the same answer, no second payment.
    let again = crate::desk::api_act(&app, &reception, &code, "fees-api-1", &body).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let payments = app.state.db.payments_of(&code).await.expect("ledger");
    assert_eq!(payments.len(), 1, "{payments:?}");
    assert_eq!(payments[0].channel, PaymentChannel::CardTerminal);
    assert_eq!(payments[0].status, PaymentStatus::Paid);
    assert_eq!(payments[0].amount_vnd, 50_000);
    assert_eq!(payments[0].gateway_transaction.as_deref(), Some("BL-API-1"));

    // The payment report counts it.
    let report = get(
        &app,
        &leader.cookie,
        "/back-office/reports/payments?year=2026",
    )
    .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert!(report.body.contains("50.000"), "{}", report.body);

    // An online channel cannot be taken at the counter.
    let online = body.replace("card_terminal", "vnpay");
    let bad = crate::desk::api_act(&app, &reception, &code, "fees-api-2", &online).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
}
