//! Fees paid online and at the counter at the web edge (DESIGN §6): the citizen's "Pay" button on
//! tracking and on their account, the gateways' callbacks and returns, counter payments and
//! refunds in the back office, receipts anyone can check by their QR code, and the payment
//! report. The ledger and reconciliation are `app::payments`; the rules are in
//! `domain::payment`; the protocols are in `integrations::payment`.

pub mod counter;
pub mod online;
pub mod receipt;
pub mod report;

use axum::Router;
use axum::routing::get;

use crate::AppState;

/// Origins of the gateways' payment pages (e.g. `https://sandbox.vnpayment.vn`), from their
/// addresses: the pay form's redirect goes there, and a browser follows a form's redirect only
/// to an origin the page's Content-Security-Policy `form-action` names (CSP Level 3, §6.4.1), so
/// each becomes one. Addresses that are not absolute http(s) URLs are left out.
pub fn page_origins<'a>(urls: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut origins: Vec<String> = urls.into_iter().filter_map(origin_of).collect();
    origins.sort();
    origins.dedup();
    origins
}

/// `scheme://host[:port]` of an absolute http(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let uri: axum::http::Uri = url.trim().parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let host = uri.host()?.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https") || host.is_empty() {
        return None;
    }
    // The default port is not part of an origin's serialisation (RFC 6454, §6.2).
    Some(match uri.port_u16() {
        Some(port) if !matches!((scheme.as_str(), port), ("http", 80) | ("https", 443)) => {
            format!("{scheme}://{host}:{port}")
        }
        _ => format!("{scheme}://{host}"),
    })
}

/// Routes of payments.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/payments/start", axum::routing::post(online::start))
        .route(
            "/payments/{channel}/callback",
            get(online::callback).post(online::callback),
        )
        .route("/payments/{channel}/return", get(online::returned))
        .route("/payments/receipts/{reference}", get(receipt::page))
        .route("/payments/receipts/{reference}/pdf", get(receipt::pdf))
        .route(
            "/back-office/dossiers/{code}/payments/{reference}/refund",
            axum::routing::post(counter::refund),
        )
        .route("/back-office/reports/payments", get(report::page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_pages_become_origins_once_each_and_other_addresses_are_left_out() {
        let origins = page_origins([
            "https://pay.vnpay.vn/paymentv2/vpcpay.html",
            "https://PAY.vnpay.vn:443/other",
            "http://127.0.0.1:8090/paygov",
            "javascript:alert(1)",
            "not a url",
        ]);
        assert_eq!(origins, ["http://127.0.0.1:8090", "https://pay.vnpay.vn"]);
    }
}
