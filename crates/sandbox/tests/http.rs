//! The sandbox over raw HTTP, checked against the wire format as documented (field names, status
//! codes, error bodies) rather than through the client that will use it, and its control
//! endpoints.

use reqwest::StatusCode;
use serde_json::{Value, json};

use sandbox::Sandbox;

async fn start() -> Sandbox {
    sandbox::spawn("127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("the sandbox starts")
}

async fn token(sandbox: &Sandbox, id: &str, secret: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}{}", sandbox.url(), sandbox::TOKEN_PATH))
        .basic_auth(id, Some(secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .expect("an answer")
}

async fn bearer(sandbox: &Sandbox) -> String {
    let body: Value = token(sandbox, sandbox.client_id(), sandbox.client_secret())
        .await
        .json()
        .await
        .expect("JSON");
    body["access_token"].as_str().expect("a token").to_owned()
}

async fn look_up(sandbox: &Sandbox, bearer: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{}{}", sandbox.url(), sandbox::LOOKUP_PATH))
        .json(body);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("an answer")
}

async fn post(sandbox: &Sandbox, path: &str) -> Value {
    reqwest::Client::new()
        .post(format!("{}{path}", sandbox.url()))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON")
}

/// The first listed citizen, as the control endpoint gives it.
async fn first_citizen(sandbox: &Sandbox) -> Value {
    let list: Value = reqwest::get(format!(
        "{}/_sandbox/registry/citizens?count=3",
        sandbox.url()
    ))
    .await
    .expect("an answer")
    .json()
    .await
    .expect("JSON");
    assert_eq!(list.as_array().map(Vec::len), Some(3));
    list[0].clone()
}

#[tokio::test]
async fn the_token_endpoint_issues_a_bearer_token_for_the_right_client_only() {
    let sandbox = start().await;
    let good = token(&sandbox, sandbox.client_id(), sandbox.client_secret()).await;
    assert_eq!(good.status(), StatusCode::OK);
    let body: Value = good.json().await.expect("JSON");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let bad = token(&sandbox, sandbox.client_id(), "wrong").await;
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        bad.json::<Value>().await.expect("JSON"),
        json!({"error": "invalid_client"})
    );
}

#[tokio::test]
async fn a_listed_citizen_looked_up_with_their_details_matches_with_the_documented_record() {
    let sandbox = start().await;
    let c = first_citizen(&sandbox).await;
    let answer = look_up(
        &sandbox,
        Some(&bearer(&sandbox).await),
        &json!({
            "MaYeuCau": "r-1",
            "SoDinhDanh": c["SoDinhDanh"],
            "HoVaTen": c["HoVaTen"],
            "NgayThangNamSinh": c["NgayThangNamSinh"],
            "MaCanBo": "tiepnhan01"
        }),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let body: Value = answer.json().await.expect("JSON");
    assert_eq!(body["MaYeuCau"], "r-1");
    assert_eq!(body["KetQua"], "KHOP");
    let record = &body["CongDan"];
    for field in [
        "SoDinhDanh",
        "HoVaTen",
        "GioiTinh",
        "NgayThangNamSinh",
        "ThuongTru",
        "NoiOHienTai",
        "ChuHo",
    ] {
        assert_eq!(record[field], c[field], "{field}");
    }
    let address = &record["ThuongTru"];
    assert_eq!(address["MaTinhThanh"], "24");
    assert_eq!(address["MaQuanHuyen"], Value::Null);
    assert_eq!(address["MaPhuongXa"].as_str().map(str::len), Some(5));
    assert_eq!(record["ChuHo"]["QuanHeVoiChuHo"], "Chủ hộ");
}

#[tokio::test]
async fn a_mismatch_names_the_fields_and_an_unknown_number_is_not_found() {
    let sandbox = start().await;
    let c = first_citizen(&sandbox).await;
    let token = bearer(&sandbox).await;
    let mismatch: Value = look_up(
        &sandbox,
        Some(&token),
        &json!({"MaYeuCau": "r-2", "SoDinhDanh": c["SoDinhDanh"], "HoVaTen": "Ai Đó Khác",
                "NgayThangNamSinh": "18000101"}),
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(
        mismatch,
        json!({"MaYeuCau": "r-2", "KetQua": "KHONG_KHOP", "TruongKhongKhop": ["HoVaTen", "NgayThangNamSinh"]})
    );
    let unknown: Value = look_up(
        &sandbox,
        Some(&token),
        &json!({"MaYeuCau": "r-3", "SoDinhDanh": "003000000000", "HoVaTen": "Ai Đó",
                "NgayThangNamSinh": "20000101"}),
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(
        unknown,
        json!({"MaYeuCau": "r-3", "KetQua": "KHONG_TIM_THAY"})
    );
}

#[tokio::test]
async fn a_look_up_without_a_valid_token_or_with_a_malformed_body_is_refused() {
    let sandbox = start().await;
    let valid = json!({"MaYeuCau": "r", "SoDinhDanh": "027190001234", "HoVaTen": "A",
                       "NgayThangNamSinh": "19900101"});
    let no_token = look_up(&sandbox, None, &valid).await;
    assert_eq!(no_token.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        no_token.json::<Value>().await.expect("JSON")["MaLoi"],
        "TOKEN_KHONG_HOP_LE"
    );
    let made_up = look_up(&sandbox, Some("made-up"), &valid).await;
    assert_eq!(made_up.status(), StatusCode::UNAUTHORIZED);
    let token = bearer(&sandbox).await;
    for bad in [
        json!({"SoDinhDanh": "027190001234"}),
        json!({"MaYeuCau": "r", "SoDinhDanh": "0271900012", "HoVaTen": "A", "NgayThangNamSinh": "19900101"}),
        json!({"MaYeuCau": "r", "SoDinhDanh": "027190001234", "HoVaTen": "A", "NgayThangNamSinh": "1990-01-01"}),
    ] {
        let answer = look_up(&sandbox, Some(&token), &bad).await;
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(
            answer.json::<Value>().await.expect("JSON")["MaLoi"],
            "YEU_CAU_KHONG_HOP_LE"
        );
    }
}

#[tokio::test]
async fn the_control_endpoints_switch_the_registry_down_and_up_and_count_calls() {
    let sandbox = start().await;
    let token = bearer(&sandbox).await;
    let body = json!({"MaYeuCau": "r", "SoDinhDanh": "027190001234", "HoVaTen": "A",
                      "NgayThangNamSinh": "19900101"});
    let state = post(&sandbox, "/_sandbox/registry/down").await;
    assert_eq!(state["available"], false);
    let down = look_up(&sandbox, Some(&token), &body).await;
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        down.json::<Value>().await.expect("JSON")["MaLoi"],
        "HE_THONG_BAN"
    );
    post(&sandbox, "/_sandbox/registry/up").await;
    assert_eq!(
        look_up(&sandbox, Some(&token), &body).await.status(),
        StatusCode::OK
    );
    let state = post(&sandbox, "/_sandbox/registry/delay?ms=25").await;
    assert_eq!(state["delay_ms"], 25);
    let overview: Value = reqwest::get(format!("{}/_sandbox", sandbox.url()))
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(overview["registry"]["state"]["lookups"], 2);
    assert_eq!(overview["registry"]["state"]["token_requests"], 1);
    assert!(overview["registry"]["population"].as_u64() > Some(100_000));
    let reset = post(&sandbox, "/_sandbox/registry/reset").await;
    assert_eq!(
        reset,
        json!({"delay_ms": 0, "available": true, "lookups": 0, "token_requests": 0})
    );
    assert_eq!(
        look_up(&sandbox, Some(&token), &body).await.status(),
        StatusCode::UNAUTHORIZED,
        "reset forgets the tokens"
    );
}

#[tokio::test]
async fn stopping_the_sandbox_frees_its_port() {
    let sandbox = start().await;
    let url = sandbox.url().to_owned();
    sandbox.stop().await.expect("stops cleanly");
    assert!(reqwest::get(format!("{url}/_sandbox")).await.is_err());
}
