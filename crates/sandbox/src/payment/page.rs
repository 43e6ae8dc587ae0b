//! The payment page both simulated gateways show: the order, the test cards to choose from and
//! a cancel button, in Vietnamese, a plain HTML form (no JavaScript) with labels, a fieldset and
//! visible focus, so it can be used with a keyboard or a screen reader like the portal itself.
//! Posting it settles the transaction, sends the browser back (303) with the signed result and
//! hands the callback to [`super::deliver`].

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use integrations::payment::paygov::wire;
use serde::Deserialize;

use super::{
    CardOutcome, Gateway, Payments, Status, TEST_CARDS, Txn, deliver, now_stamp, paygov, settled,
};

/// Text safe inside HTML (the sandbox's other pages use it too).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An amount as Vietnamese write it: `150.000 ₫`.
fn money(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(d);
    }
    format!("{}{out} ₫", if amount < 0 { "-" } else { "" })
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;\
padding:0 1rem;line-height:1.5;color:#1a1a1a}h1{font-size:1.5rem}dl{display:grid;\
grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{font-weight:600}fieldset{border:1px solid #767676;\
padding:1rem}label{display:block;margin:.5rem 0}button{font-size:1rem;padding:.5rem 1rem;\
margin:1rem .5rem 0 0}button:focus,input:focus{outline:3px solid #0b57d0;outline-offset:2px}\
.error{border-left:4px solid #b3261e;padding-left:1rem;color:#b3261e}\
.note{background:#fff4ce;padding:.5rem 1rem}";

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} – Cổng thanh toán thử nghiệm</title>\n<style>{STYLE}</style>\n</head>\n\
         <body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// A page explaining why a request cannot be served.
pub(crate) fn problem(status: StatusCode, title: &str, text: &str) -> Response {
    let body = format!("<h1>{}</h1>\n<p>{}</p>\n", escape(title), escape(text));
    (status, Html(layout(title, &body))).into_response()
}

fn outcome_text(outcome: CardOutcome) -> &'static str {
    match outcome {
        CardOutcome::Approved => "thanh toán thành công",
        CardOutcome::InsufficientFunds => "bị từ chối: tài khoản không đủ số dư",
        CardOutcome::Expired => "bị từ chối: thẻ đã hết hạn",
    }
}

/// The page of transaction `no`, with an error message above the form when `error` is given.
pub(crate) fn render(
    payments: &Payments,
    gateway: Gateway,
    no: u64,
    error: Option<&str>,
) -> Response {
    let Some(txn) = payments.ledger().by_no(gateway, no).map(|t| t.clone()) else {
        return problem(
            StatusCode::NOT_FOUND,
            "Không tìm thấy giao dịch",
            "Giao dịch không tồn tại hoặc đã hết hạn.",
        );
    };
    let (brand, merchant) = match gateway {
        Gateway::PayGov => (
            "Nền tảng thanh toán Cổng Dịch vụ công quốc gia",
            &payments.paygov_partner_code,
        ),
        Gateway::VnPay => ("Cổng thanh toán VNPAY", &payments.vnpay_tmn_code),
    };
    let mut body = String::new();
    let _ = writeln!(body, "<h1>Thanh toán trực tuyến</h1>");
    let _ = writeln!(
        body,
        "<p class=\"note\">{brand} – <strong>môi trường thử nghiệm</strong>. Không dùng thẻ thật.</p>"
    );
    if let Some(error) = error {
        let _ = writeln!(
            body,
            "<p class=\"error\" role=\"alert\" id=\"loi\">{}</p>",
            escape(error)
        );
    }
    let _ = writeln!(
        body,
        "<h2>Thông tin giao dịch</h2>\n<dl>\n<dt>Đơn vị nhận</dt><dd>{}</dd>\n\
         <dt>Mã tham chiếu</dt><dd>{}</dd>\n<dt>Mã giao dịch</dt><dd>{}</dd>\n\
         <dt>Nội dung</dt><dd>{}</dd>\n<dt>Số tiền</dt><dd>{}</dd>\n</dl>",
        escape(merchant),
        escape(&txn.reference),
        txn.no,
        escape(&txn.description),
        money(txn.amount)
    );
    if txn.status != Status::Pending {
        let _ = writeln!(
            body,
            "<p>Giao dịch này đã kết thúc. <a href=\"{}\">Quay lại trang của đơn vị</a>.</p>",
            escape(&return_location(payments, &txn))
        );
        return Html(layout("Giao dịch đã kết thúc", &body)).into_response();
    }
    let described = if error.is_some() {
        " aria-describedby=\"loi\""
    } else {
        ""
    };
    let _ = writeln!(
        body,
        "<form method=\"post\" action=\"{}\">\n<fieldset{described}>\n\
         <legend>Chọn thẻ thử nghiệm</legend>",
        gateway.page_path(no)
    );
    for (i, card) in TEST_CARDS.iter().enumerate() {
        let _ = writeln!(
            body,
            "<label><input type=\"radio\" name=\"card\" value=\"{}\"{}> Thẻ {} {} – {}, ngày phát hành {} \
             ({})</label>",
            card.number,
            if i == 0 { " checked" } else { "" },
            card.bank,
            card.number,
            card.holder,
            card.issued,
            outcome_text(card.outcome)
        );
    }
    let _ = writeln!(
        body,
        "</fieldset>\n<button type=\"submit\" name=\"action\" value=\"pay\">Thanh toán {}</button>\
         <button type=\"submit\" name=\"action\" value=\"cancel\" formnovalidate>Hủy giao dịch</button>\n</form>",
        money(txn.amount)
    );
    Html(layout("Thanh toán trực tuyến", &body)).into_response()
}

/// Where the browser goes back to with the signed result of a settled transaction.
fn return_location(payments: &Payments, txn: &Txn) -> String {
    let query = match txn.gateway {
        Gateway::PayGov => {
            let message = paygov::result_message(payments, txn, "NOTIFY");
            let mut out = form_urlencoded::Serializer::new(String::new());
            if let Some(fields) = message.as_object() {
                for name in fields.keys() {
                    out.append_pair(name, &wire::field(&message, name));
                }
            }
            out.finish()
        }
        Gateway::VnPay => settled::result_query(payments, txn, false),
    };
    let separator = if txn.return_url.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{}{separator}{query}", txn.return_url)
}

/// `GET /paygov/thanh-toan/{no}`.
pub(crate) async fn show_paygov(
    State(payments): State<Arc<Payments>>,
    Path(no): Path<u64>,
) -> Response {
    render(&payments, Gateway::PayGov, no, None)
}

/// `GET /vnpay/paymentv2/thanh-toan/{no}`.
pub(crate) async fn show_vnpay(
    State(payments): State<Arc<Payments>>,
    Path(no): Path<u64>,
) -> Response {
    render(&payments, Gateway::VnPay, no, None)
}

/// What the form posts.
#[derive(Debug, Deserialize)]
pub(crate) struct Choice {
    #[serde(default)]
    card: String,
    #[serde(default)]
    action: String,
}

/// `POST /paygov/thanh-toan/{no}`.
pub(crate) async fn submit_paygov(
    State(payments): State<Arc<Payments>>,
    Path(no): Path<u64>,
    Form(choice): Form<Choice>,
) -> Response {
    submit(payments, Gateway::PayGov, no, choice)
}

/// `POST /vnpay/paymentv2/thanh-toan/{no}`.
pub(crate) async fn submit_vnpay(
    State(payments): State<Arc<Payments>>,
    Path(no): Path<u64>,
    Form(choice): Form<Choice>,
) -> Response {
    submit(payments, Gateway::VnPay, no, choice)
}

fn submit(payments: Arc<Payments>, gateway: Gateway, no: u64, choice: Choice) -> Response {
    let card = TEST_CARDS
        .iter()
        .find(|c| c.number == choice.card.replace([' ', '-'], ""));
    let settled = {
        let mut ledger = payments.ledger();
        let Some(txn) = ledger.by_no(gateway, no) else {
            drop(ledger);
            return problem(
                StatusCode::NOT_FOUND,
                "Không tìm thấy giao dịch",
                "Giao dịch không tồn tại hoặc đã hết hạn.",
            );
        };
        // A transaction settled before (a second post, the back button) keeps its result and
        // sends no new callback.
        let fresh = txn.status == Status::Pending;
        if fresh {
            let at = now_stamp();
            txn.status = match (choice.action.as_str(), card) {
                ("cancel", _) => Status::Cancelled { at },
                ("pay", Some(card)) => match card.outcome {
                    CardOutcome::Approved => Status::Paid {
                        bank: card.bank.to_owned(),
                        at,
                    },
                    reason => Status::Declined {
                        bank: card.bank.to_owned(),
                        at,
                        reason,
                    },
                },
                _ => {
                    drop(ledger);
                    let mut page = render(
                        &payments,
                        gateway,
                        no,
                        Some(
                            "Số thẻ không có trong danh sách thẻ thử nghiệm. Vui lòng chọn một thẻ bên dưới.",
                        ),
                    );
                    *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                    return page;
                }
            };
        }
        (txn.clone(), fresh)
    };
    let (txn, fresh) = settled;
    if fresh {
        deliver::dispatch(payments.clone(), txn.clone());
    }
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, return_location(&payments, &txn))],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_by_thousands_with_dots() {
        assert_eq!(money(150_000), "150.000 ₫");
        assert_eq!(money(1_234_567), "1.234.567 ₫");
        assert_eq!(money(500), "500 ₫");
    }

    #[test]
    fn markup_in_a_description_is_escaped() {
        assert_eq!(
            escape("<b>\"x\" & y</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;"
        );
    }
}
