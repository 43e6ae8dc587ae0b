//! The province workload, one request per call: what a citizen, an outside system and an officer
//! send (catalogue searches typed with and without diacritics, online submissions with papers,
//! reads of submitted dossiers, tracking look-ups, the officer's inbox), each checked for the
//! answer a working server gives.

use std::sync::Mutex;

use base64::Engine as _;
use serde::Deserialize;

use crate::server::{Filing, form_post};

/// Searches as people type them: the same needs with and without diacritics, in upper case,
/// with `i`/`y` and `đ`/`d` swapped, and a few that find nothing.
pub const SEARCHES: &[&str] = &[
    "đăng ký khai sinh",
    "dang ky khai sinh",
    "kết hôn",
    "ket hon",
    "ĐĂNG KÍ KẾT HÔN",
    "chứng thực bản sao",
    "chung thuc ban sao",
    "giấy phép xây dựng",
    "giay phep xay dung",
    "hộ kinh doanh",
    "ho kinh doanh",
    "khai tử",
    "khai tu",
    "lý lịch tư pháp",
    "ly lich tu phap",
    "xác nhận tình trạng hôn nhân",
    "xac nhan tinh trang hon nhan",
    "thường trú",
    "thuong tru",
    "đất đai",
    "dat dai",
    "giám hộ",
    "cấp đổi giấy phép lái xe",
    "hộ chiếu",
];

/// The search path of the `n`th request.
pub fn search_path(n: u64) -> String {
    let len = u64::try_from(SEARCHES.len()).unwrap_or(1).max(1);
    let q = SEARCHES
        .get(usize::try_from(n % len).unwrap_or(0))
        .copied()
        .unwrap_or("khai sinh");
    let encoded: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    format!("/api/v1/procedures?q={encoded}")
}

/// The smallest file the server's sniffing accepts as a PDF.
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A submission: its body, its idempotency key and the four digits that track it.
#[derive(Debug, Clone)]
pub struct Application {
    /// JSON body of `POST /api/v1/applications`.
    pub body: String,
    /// `Idempotency-Key` header.
    pub key: String,
    /// Last four digits of the applicant's phone.
    pub digits: String,
}

/// The `n`th application of run `run`: a distinct applicant reference, phone and key each, so
/// no two requests of any run share a key or a body.
pub fn application(filing: &Filing, run: &str, n: u64) -> Application {
    let phone = format!("09{:08}", n % 100_000_000);
    let papers: Vec<serde_json::Value> = filing
        .required_papers
        .iter()
        .map(|name| {
            serde_json::json!({
                "component": name,
                "file_name": "giay-to.pdf",
                "content_base64": base64::engine::general_purpose::STANDARD.encode(PDF),
            })
        })
        .collect();
    let body = serde_json::json!({
        "procedure": filing.procedure,
        "agency": filing.agency,
        "applicant_kind": "citizen",
        "name": "Nguyễn Thị Hoa",
        "personal_id": format!("027190{:06}", n % 1_000_000),
        "birth_date": "1990-05-17",
        "phone": phone,
        "email": "",
        "address": "Thôn Đông, xã Tiên Du, Bắc Ninh",
        "return_method": "online",
        "applicant_ref": format!("bench-{run}-{n}"),
        "papers": papers,
    })
    .to_string();
    Application {
        body,
        key: format!("bench-{run}-{n}"),
        digits: phone[phone.len().saturating_sub(4)..].to_owned(),
    }
}

#[derive(Deserialize)]
struct Filed {
    code: String,
}

/// Sends one application; `Ok((status, code))` when the server acknowledged it (201 for a new
/// dossier, 200 or 201 for a replayed key).
pub async fn submit(
    http: &reqwest::Client,
    base: &str,
    api_key: &str,
    body: &str,
    key: &str,
) -> Result<(u16, String), String> {
    let response = http
        .post(format!("{base}/api/v1/applications"))
        .bearer_auth(api_key)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key)
        .body(body.to_owned())
        .send()
        .await
        .map_err(|e| format!("submit: {e}"))?;
    let status = response.status().as_u16();
    let text = response.text().await.map_err(|e| format!("submit: {e}"))?;
    if status != 200 && status != 201 {
        return Err(format!("submit: {status}: {}", first_chars(&text)));
    }
    let filed: Filed = serde_json::from_str(&text)
        .map_err(|e| format!("submit: unexpected body ({e}): {}", first_chars(&text)))?;
    Ok((status, filed.code))
}

/// Reads a dossier the key filed; `Ok` with 200 and the same code.
pub async fn read(
    http: &reqwest::Client,
    base: &str,
    api_key: &str,
    code: &str,
) -> Result<(), String> {
    let response = http
        .get(format!("{base}/api/v1/applications/{code}"))
        .bearer_auth(api_key)
        .send()
        .await
        .map_err(|e| format!("read: {e}"))?;
    let status = response.status().as_u16();
    let text = response.text().await.map_err(|e| format!("read: {e}"))?;
    if status != 200 {
        return Err(format!("read {code}: {status}: {}", first_chars(&text)));
    }
    match serde_json::from_str::<Filed>(&text) {
        Ok(f) if f.code == code => Ok(()),
        _ => Err(format!(
            "read {code}: another dossier: {}",
            first_chars(&text)
        )),
    }
}

/// A GET that must answer 200; `cookie` for pages behind a session.
pub async fn get_ok(http: &reqwest::Client, url: &str, cookie: Option<&str>) -> Result<(), String> {
    let mut request = http.get(url);
    if let Some(c) = cookie {
        request = request.header(reqwest::header::COOKIE, c);
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = response.status().as_u16();
    // Read the whole body: it is part of what a client waits for.
    let _ = response
        .bytes()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    if status == 200 {
        Ok(())
    } else {
        Err(format!("GET {url}: {status}"))
    }
}

/// The tracking page's look-up, a form POST (the digits stay out of URLs); must answer 200.
pub async fn track_page(
    http: &reqwest::Client,
    base: &str,
    code: &str,
    digits: &str,
) -> Result<(), String> {
    let response = form_post(
        http,
        &format!("{base}/tracking"),
        &[("code", code), ("digits", digits)],
    )
    .send()
    .await
    .map_err(|e| format!("tracking: {e}"))?;
    let status = response.status().as_u16();
    let _ = response
        .bytes()
        .await
        .map_err(|e| format!("tracking: {e}"))?;
    if status == 200 {
        Ok(())
    } else {
        Err(format!("tracking {code}: {status}"))
    }
}

/// The tracking API's path for a code and its digits.
pub fn tracking_api_path(code: &str, digits: &str) -> String {
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("code", code)
        .append_pair("digits", digits)
        .finish();
    format!("/api/v1/tracking?{q}")
}

fn first_chars(text: &str) -> String {
    text.chars().take(200).collect()
}

/// Dossiers filed during a run, read back and tracked by the later phases.
#[derive(Debug, Default)]
pub struct Filings {
    list: Mutex<Vec<(String, String)>>,
}

impl Filings {
    /// Remembers a filed dossier's code and digits.
    pub fn push(&self, code: String, digits: String) {
        if let Ok(mut l) = self.list.lock() {
            l.push((code, digits));
        }
    }

    /// Every filed dossier so far.
    pub fn snapshot(&self) -> Vec<(String, String)> {
        self.list.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filing() -> Filing {
        Filing {
            procedure: "1.001193".into(),
            agency: "000.00.01.H56".into(),
            required_papers: vec!["Tờ khai".into()],
        }
    }

    #[test]
    fn applications_differ_in_key_and_body_and_track_by_the_phones_last_digits() {
        let a = application(&filing(), "r1", 7);
        let b = application(&filing(), "r1", 8);
        assert_ne!(a.key, b.key);
        assert_ne!(a.body, b.body);
        assert_eq!(a.digits, "0007");
        let json: serde_json::Value = serde_json::from_str(&a.body).expect("json");
        assert_eq!(json["phone"], "0900000007");
        assert_eq!(json["personal_id"].as_str().map(str::len), Some(12));
        assert_eq!(json["papers"][0]["component"], "Tờ khai");
        // The same request built twice is byte for byte the same (a retry's fingerprint).
        assert_eq!(application(&filing(), "r1", 7).body, a.body);
    }

    #[test]
    fn searches_rotate_and_are_encoded() {
        assert_eq!(search_path(0), search_path(SEARCHES.len() as u64));
        assert!(search_path(1).ends_with("?q=dang+ky+khai+sinh"));
        assert!(search_path(0).contains("%C4%91"), "{}", search_path(0));
    }
}
