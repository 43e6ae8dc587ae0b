//! Fees paid online and at the counter (DESIGN §6): the gateways configured, the ledger that
//! applies what a gateway reports (callback, return or query) exactly once, and the
//! reconciliation job that asks the gateways about payments left open. The rules (which report
//! moves a payment where) are in `domain::payment`; the protocols are in `integrations::payment`.

pub mod counter;
pub mod ledger;
pub mod online;
pub mod reconcile;
pub mod refund;

use std::collections::BTreeMap;
use std::sync::Arc;

use domain::payment::ledger::PaymentChannel;
use integrations::payment::{GatewayKind, PaymentGateway};

/// The gateways the province has configured, by channel. Empty when none is: the portal then
/// says online payment is not available and the citizen pays at the counter.
#[derive(Clone, Default)]
pub struct Gateways {
    by_channel: Arc<BTreeMap<&'static str, Arc<dyn PaymentGateway>>>,
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
        }
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

/// The ledger channel of a gateway.
pub fn channel_of(kind: GatewayKind) -> PaymentChannel {
    match kind {
        GatewayKind::PayGov => PaymentChannel::PayGov,
        GatewayKind::VnPay => PaymentChannel::VnPay,
    }
}
