//! Fees paid online and at the counter (DESIGN §6): the citizen's "Pay" button on tracking and
//! on their account, the gateways' callbacks and returns, reconciliation of payments left
//! pending, counter payments and refunds in the back office, receipts anyone can check by their
//! QR code, and the payment report. The rules (what an application costs, which report moves a
//! payment where) are in `domain::payment`; the protocols are in `integrations::payment`.

pub mod counter;
pub mod ledger;
pub mod online;
pub mod receipt;
pub mod reconcile;
pub mod report;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use domain::payment::ledger::PaymentChannel;
use integrations::payment::{GatewayKind, PaymentGateway};

use crate::AppState;

/// The gateways the province has configured, by channel. Empty when none is: the portal then
/// says online payment is not available and the citizen pays at the counter.
#[derive(Clone, Default)]
pub struct Gateways {
    by_channel: Arc<BTreeMap<&'static str, Arc<dyn PaymentGateway>>>,
    page_origins: Arc<Vec<String>>,
}

impl std::fmt::Debug for Gateways {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.by_channel.keys()).finish()
    }
}

impl Gateways {
    /// The given gateways.
    pub fn new(gateways: Vec<Arc<dyn PaymentGateway>>) -> Self {
        Gateways {
            by_channel: Arc::new(
                gateways
                    .into_iter()
                    .map(|g| (channel_of(g.kind()).as_str(), g))
                    .collect(),
            ),
            page_origins: Arc::default(),
        }
    }

    /// The same gateways, whose payment pages are at these addresses: the pay form's redirect
    /// goes there, and a browser follows a form's redirect only to an origin the page's
    /// Content-Security-Policy `form-action` names (CSP Level 3, §6.4.1), so each becomes one.
    /// Addresses that are not absolute http(s) URLs are left out.
    pub fn with_payment_pages<'a>(mut self, urls: impl IntoIterator<Item = &'a str>) -> Self {
        let mut origins: Vec<String> = urls.into_iter().filter_map(origin_of).collect();
        origins.sort();
        origins.dedup();
        self.page_origins = Arc::new(origins);
        self
    }

    /// Origins of the gateways' payment pages, e.g. `https://sandbox.vnpayment.vn`.
    pub fn page_origins(&self) -> &[String] {
        &self.page_origins
    }

    /// The gateway of an online channel, if configured.
    pub fn get(&self, channel: PaymentChannel) -> Option<&Arc<dyn PaymentGateway>> {
        self.by_channel.get(channel.as_str())
    }

    /// The configured online channels, in a stable order.
    pub fn channels(&self) -> Vec<PaymentChannel> {
        PaymentChannel::ALL
            .into_iter()
            .filter(|c| self.by_channel.contains_key(c.as_str()))
            .collect()
    }
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

/// The ledger channel of a gateway.
pub fn channel_of(kind: GatewayKind) -> PaymentChannel {
    match kind {
        GatewayKind::PayGov => PaymentChannel::PayGov,
        GatewayKind::VnPay => PaymentChannel::VnPay,
    }
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
        let g = Gateways::default().with_payment_pages([
            "https://pay.vnpay.vn/paymentv2/vpcpay.html",
            "https://PAY.vnpay.vn:443/other",
            "http://127.0.0.1:8090/paygov",
            "javascript:alert(1)",
            "not a url",
        ]);
        assert_eq!(
            g.page_origins(),
            ["http://127.0.0.1:8090", "https://pay.vnpay.vn"]
        );
    }
}
