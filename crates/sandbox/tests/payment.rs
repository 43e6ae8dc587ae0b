//! The simulated payment gateways over raw HTTP, checked against the documented wire formats
//! (checksums computed here, field names, codes) rather than through the clients that will use
//! them: messages refused for a wrong checksum, the payment page and its errors, the control
//! switches.

use hmac::{Hmac, KeyInit as _, Mac as _};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256, Sha512};

use sandbox::Sandbox;

async fn start() -> Sandbox {
    sandbox::spawn("127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("the sandbox starts")
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

const INIT_FIELDS: [&str; 14] = [
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "LoaiHinhThanhToan",
    "MaKenhThanhToan",
    "MaThietBi",
    "NgonNgu",
    "MaTienTe",
    "MaNganHang",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "Ip",
];

fn init(reference: &str, secret: &str) -> Value {
    let mut message = json!({
        "LoaiBanTin": "INIT", "PhienBan": "1.0.6", "MaDoiTac": "MOTCUA01",
        "MaThamChieu": reference, "SoTien": 150000, "LoaiHinhThanhToan": "PAY",
        "MaKenhThanhToan": "1", "MaThietBi": "1", "NgonNgu": "vi-VN", "MaTienTe": "VND",
        "MaNganHang": "PAYMENT", "ThongTinGiaoDich": "Lệ phí <khai sinh>",
        "ThoiGianGD": "20260309093005", "Ip": "203.0.113.7",
        "UrlTraVe": "http://127.0.0.1:9/return", "UrlThongBao": "http://127.0.0.1:9/callback"
    });
    let mut line = INIT_FIELDS
        .iter()
        .map(|f| match &message[*f] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join("|");
    line.push('|');
    line.push_str(secret);
    message["MaXacThuc"] = json!(hex::encode(Sha256::digest(line.as_bytes())));
    message
}

async fn post_message(sandbox: &Sandbox, message: &Value) -> Value {
    reqwest::Client::new()
        .post(format!(
            "{}{}",
            sandbox.url(),
            sandbox::payment::PAYGOV_MESSAGE_PATH
        ))
        .json(message)
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON")
}

#[tokio::test]
async fn a_paygov_init_with_a_wrong_checksum_is_refused_with_error_code_3() {
    let sandbox = start().await;
    let answer = post_message(&sandbox, &init("HS1", "not-the-secret")).await;
    assert_eq!(answer["error_code"], "3");
    assert!(answer.get("UrlThanhToan").is_none());
}

#[tokio::test]
async fn a_paygov_init_opens_a_vietnamese_page_listing_the_test_cards_without_javascript() {
    let sandbox = start().await;
    let answer = post_message(&sandbox, &init("HS2", "sandbox-paygov-secret")).await;
    assert_eq!(answer["error_code"], "0", "{answer}");
    assert!(
        answer["MaGiaoDich"]
            .as_str()
            .is_some_and(|s| s.starts_with("PG"))
    );
    let url = answer["UrlThanhToan"].as_str().expect("a payment URL");
    assert!(url.starts_with(&format!("{}/paygov/thanh-toan/", sandbox.url())));
    let html = reqwest::get(url)
        .await
        .expect("the page")
        .text()
        .await
        .expect("HTML");
    assert!(html.contains("<html lang=\"vi\">"));
    assert!(html.contains("<legend>Chọn thẻ thử nghiệm</legend>"));
    assert!(html.contains("150.000 ₫"));
    assert!(
        html.contains("Lệ phí &lt;khai sinh&gt;"),
        "the description is escaped"
    );
    assert!(!html.contains("<script"));
    for card in sandbox::payment::TEST_CARDS {
        assert!(html.contains(&format!("value=\"{}\"", card.number)));
    }
    assert!(html.contains("value=\"cancel\""));
    // The same reference cannot be opened twice.
    let again = post_message(&sandbox, &init("HS2", "sandbox-paygov-secret")).await;
    assert_eq!(again["error_code"], "4");
}

#[tokio::test]
async fn an_unknown_card_number_shows_the_page_again_with_an_error() {
    let sandbox = start().await;
    let answer = post_message(&sandbox, &init("HS3", "sandbox-paygov-secret")).await;
    let url = answer["UrlThanhToan"].as_str().expect("a payment URL");
    let posted = browser()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("card=4111111111111111&action=pay")
        .send()
        .await
        .expect("an answer");
    assert_eq!(posted.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = posted.text().await.expect("HTML");
    assert!(html.contains("role=\"alert\""));
    assert!(html.contains("aria-describedby=\"loi\""));
}

#[tokio::test]
async fn a_settled_paygov_payment_returns_signed_fields_and_stays_settled() {
    let sandbox = start().await;
    let answer = post_message(&sandbox, &init("HS4", "sandbox-paygov-secret")).await;
    let url = answer["UrlThanhToan"].as_str().expect("a payment URL");
    let pay = |card: &str| {
        browser()
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("card={card}&action=pay"))
            .send()
    };
    let first = pay(sandbox::payment::TEST_CARDS[0].number)
        .await
        .expect("an answer");
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let location = first.headers()["location"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(location.starts_with("http://127.0.0.1:9/return?"));
    assert!(location.contains("MaLoi=00") && location.contains("MaXacThuc="));
    // Another card afterwards changes nothing.
    let second = pay(sandbox::payment::TEST_CARDS[1].number)
        .await
        .expect("an answer");
    assert_eq!(second.headers()["location"], location.as_str());
}

fn hmac512(secret: &str, data: &str) -> String {
    let mut mac = Hmac::<Sha512>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn a_vnpay_payment_url_with_a_wrong_hash_is_refused_with_a_page() {
    let sandbox = start().await;
    let data = "vnp_Amount=15000000&vnp_Command=pay&vnp_CreateDate=20260309093005\
                &vnp_CurrCode=VND&vnp_IpAddr=203.0.113.7&vnp_Locale=vn&vnp_OrderInfo=Le+phi\
                &vnp_OrderType=other&vnp_ReturnUrl=http%3A%2F%2F127.0.0.1%3A9%2Freturn\
                &vnp_TmnCode=MOTCUA01&vnp_TxnRef=HS5&vnp_Version=2.1.0";
    let url = |secret: &str| {
        format!(
            "{}{}?{data}&vnp_SecureHash={}",
            sandbox.url(),
            sandbox::payment::VNPAY_PAYMENT_PATH,
            hmac512(secret, data)
        )
    };
    let bad = reqwest::get(url("not-the-secret"))
        .await
        .expect("an answer");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.expect("HTML").contains("97"));
    let good = reqwest::get(url("sandbox-vnpay-secret"))
        .await
        .expect("an answer");
    assert_eq!(good.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_repeated_vnpay_request_id_is_answered_94() {
    let sandbox = start().await;
    let fields = [
        "vnp_RequestId",
        "vnp_Version",
        "vnp_Command",
        "vnp_TmnCode",
        "vnp_TxnRef",
        "vnp_TransactionDate",
        "vnp_CreateDate",
        "vnp_IpAddr",
        "vnp_OrderInfo",
    ];
    let mut body = json!({
        "vnp_RequestId": "R1", "vnp_Version": "2.1.0", "vnp_Command": "querydr",
        "vnp_TmnCode": "MOTCUA01", "vnp_TxnRef": "HS6", "vnp_TransactionDate": "20260309093005",
        "vnp_CreateDate": "20260309100000", "vnp_IpAddr": "127.0.0.1", "vnp_OrderInfo": "Truy van"
    });
    let data = fields
        .iter()
        .map(|f| body[*f].as_str().expect("text").to_owned())
        .collect::<Vec<_>>()
        .join("|");
    body["vnp_SecureHash"] = json!(hmac512("sandbox-vnpay-secret", &data));
    let ask = || async {
        reqwest::Client::new()
            .post(format!(
                "{}{}",
                sandbox.url(),
                sandbox::payment::VNPAY_API_PATH
            ))
            .json(&body)
            .send()
            .await
            .expect("an answer")
            .json::<Value>()
            .await
            .expect("JSON")
    };
    assert_eq!(ask().await["vnp_ResponseCode"], "91", "no such transaction");
    assert_eq!(ask().await["vnp_ResponseCode"], "94", "the same request id");
}

#[tokio::test]
async fn the_callback_switch_takes_the_documented_modes_only() {
    let sandbox = start().await;
    let client = reqwest::Client::new();
    let set = |mode: &'static str| {
        client
            .post(format!(
                "{}/_sandbox/payments/callbacks?mode={mode}",
                sandbox.url()
            ))
            .send()
    };
    for mode in [
        "normal",
        "duplicated",
        "lost",
        "bad-signature",
        "delayed&seconds=3",
    ] {
        let answer = set(mode).await.expect("an answer");
        assert_eq!(answer.status(), StatusCode::OK, "{mode}");
    }
    let state: Value = reqwest::get(format!("{}/_sandbox/payments", sandbox.url()))
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        state["state"]["callbacks"],
        json!({"mode": "delayed", "seconds": 3})
    );
    assert_eq!(state["test_cards"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        set("sometimes").await.expect("an answer").status(),
        StatusCode::BAD_REQUEST
    );
    let overview: Value = reqwest::get(format!("{}/_sandbox", sandbox.url()))
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(overview["payments"], "/_sandbox/payments");
}

#[tokio::test]
async fn a_gateway_switched_down_answers_503_to_its_apis() {
    let sandbox = start().await;
    reqwest::Client::new()
        .post(format!("{}/_sandbox/payments/down", sandbox.url()))
        .send()
        .await
        .expect("an answer");
    let answer = reqwest::Client::new()
        .post(format!(
            "{}{}",
            sandbox.url(),
            sandbox::payment::PAYGOV_MESSAGE_PATH
        ))
        .json(&init("HS7", "sandbox-paygov-secret"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
}
