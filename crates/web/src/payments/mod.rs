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
pub struct Gateways(Arc<BTreeMap<&'static str, Arc<dyn PaymentGateway>>>);

impl std::fmt::Debug for Gateways {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl Gateways {
    /// The given gateways.
    pub fn new(gateways: Vec<Arc<dyn PaymentGateway>>) -> Self {
        Gateways(Arc::new(
            gateways
                .into_iter()
                .map(|g| (channel_of(g.kind()).as_str(), g))
                .collect(),
        ))
    }

    /// The gateway of an online channel, if configured.
    pub fn get(&self, channel: PaymentChannel) -> Option<&Arc<dyn PaymentGateway>> {
        self.0.get(channel.as_str())
    }

    /// The configured online channels, in a stable order.
    pub fn channels(&self) -> Vec<PaymentChannel> {
        PaymentChannel::ALL
            .into_iter()
            .filter(|c| self.0.contains_key(c.as_str()))
            .collect()
    }
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
        .route(
            "/back-office/dossiers/{code}/payments/{reference}/refund",
            axum::routing::post(counter::refund),
        )
        .route("/back-office/reports/payments", get(report::page))
}
