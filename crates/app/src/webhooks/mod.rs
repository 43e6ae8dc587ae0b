//! Webhooks for connected systems: an API client whose key carries the `receive_events` scope
//! registers endpoints ([`register`]), and each change of a dossier of its unit becomes one
//! delivery per endpoint that wants it ([`fan_out_due`]), handed over by the outbox's deliverer
//! (`crate::outbox`) with the same leases, order per dossier, back-off and dead letters as the
//! applicants' notices, signed as the Standard Webhooks specification describes
//! (`integrations::webhook`). A client lists its deliveries with the receiver's answers and
//! replays one it lost ([`replay`]).
//!
//! Endpoint addresses are checked against server-side request forgery when registered and
//! again at every send (OWASP ASVS 5.0 V1.3.6 and V15.3.2: the server calls only public
//! addresses unless the deployment allows private ones).

mod endpoints;
mod fan_out;

use std::sync::Arc;
use std::time::Duration;

use integrations::webhook::{AddressPolicy, WebhookSender};

pub use endpoints::{
    Endpoint, Registered, deliveries, delivery_of, endpoint_of, endpoints, register, remove, replay,
};
pub use fan_out::{fan_out_due, fan_out_due_as};
pub(crate) use fan_out::{remove_gone, requests_for};

/// Delivery channel of webhooks.
pub use crate::outbox::WEBHOOK;
/// Outbox topic of a dossier's changes for connected systems.
pub use crate::outbox::WEBHOOK_EVENTS as TOPIC;

/// The notice name of webhook deliveries (the `notice` column, shown in the operators' lists).
pub const NOTICE: &str = "dossier_changed";

/// Endpoints one client may have in force: enough for a test and a production receiver per
/// purpose, few enough that one client cannot multiply the province's outgoing traffic.
pub const MAX_ENDPOINTS: usize = 10;

/// Who removed an endpoint whose receiver answered 410 Gone.
pub const GONE: &str = "gone";

/// The `webhook-id` a delivery is sent with, the same on every attempt and replay.
pub fn webhook_id(delivery: uuid::Uuid) -> String {
    format!("msg_{}", delivery.simple())
}

/// What the sealed secret is sealed for (`PersonalDataVault::seal_as`).
const SECRET_PURPOSE: &str = "webhook_secret";

/// The webhook transport and its rules.
#[derive(Clone)]
pub struct Webhooks {
    /// Sends the requests; `None`: nothing is sent (events are not even written).
    pub sender: Option<Arc<dyn WebhookSender>>,
    /// Which addresses endpoints may have.
    pub policy: AddressPolicy,
    /// How long an event is tried before it is given up (dead).
    pub give_up_after: Duration,
}

impl Default for Webhooks {
    fn default() -> Self {
        Webhooks {
            sender: None,
            policy: AddressPolicy::default(),
            give_up_after: Duration::from_secs(72 * 3600),
        }
    }
}

impl std::fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhooks")
            .field("sending", &self.sender.is_some())
            .field("policy", &self.policy)
            .field("give_up_after", &self.give_up_after)
            .finish()
    }
}

impl Webhooks {
    /// How long an event is tried, as a span of time.
    pub fn give_up_window(&self) -> time::Duration {
        time::Duration::try_from(self.give_up_after).unwrap_or(time::Duration::days(3))
    }
}
