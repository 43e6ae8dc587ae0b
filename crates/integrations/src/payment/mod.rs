//! Payment gateways: the national payment platform on the national public service portal
//! (PayGov) and VNPay. Fees and charges of a dossier are paid online through one of them
//! (DESIGN §6): motcua opens a transaction, sends the payer's browser to the gateway, and learns
//! the outcome from a signed server-to-server callback, from the browser's signed return, or by
//! asking the gateway (reconciliation of transactions still pending). Paid transactions can be
//! refunded.
//!
//! [`PaymentGateway`] is what the rest of the program uses; [`PayGov`] and [`VnPay`] speak the
//! two protocols, whose wire formats are described in [`paygov::wire`] and [`vnpay::wire`].
//! Every signature and checksum is checked here, so a [`GatewayReport`] can be trusted; what to
//! do with it (states only move forward, idempotent confirmation, receipts) is the ledger's
//! business. Calls to the gateways share the timeouts, bounded retries (of idempotent calls
//! only) and circuit breaker of [`crate::resilience`].

mod call;
mod error;
pub mod paygov;
pub(crate) mod text;
pub mod vnpay;

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use crate::registry::BoxFuture;
pub use error::{CallbackError, ConfigError, PaymentError};
pub use paygov::{PayGov, PayGovConfig};
pub use text::same_hex;
pub use vnpay::{VnPay, VnPayConfig};

/// Which gateway a transaction goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GatewayKind {
    /// The national payment platform of the national public service portal.
    PayGov,
    /// VNPay's payment gateway (API 2.1.0).
    VnPay,
}

impl GatewayKind {
    /// Every gateway, in a stable order.
    pub const ALL: [GatewayKind; 2] = [GatewayKind::PayGov, GatewayKind::VnPay];

    /// The stable name stored with transactions and used in URLs: `paygov`, `vnpay`.
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayKind::PayGov => "paygov",
            GatewayKind::VnPay => "vnpay",
        }
    }

    /// The gateway named `name` (as [`GatewayKind::as_str`] writes it, any case).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for GatewayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payment gateway as the program sees it.
pub trait PaymentGateway: Send + Sync {
    /// Which gateway this is.
    fn kind(&self) -> GatewayKind;

    /// Opens a transaction; returns where to send the payer's browser. Never retried: a second
    /// attempt with the same reference is refused by the gateway, so a timeout here leaves the
    /// transaction to [`PaymentGateway::query`].
    fn start<'a>(&'a self, order: &'a PaymentOrder)
    -> BoxFuture<'a, Result<Started, PaymentError>>;

    /// Reads a server-to-server callback (PayGov: a POST with a JSON body; VNPay: the IPN, a GET
    /// with a query string) or the browser's return (a query string for both), given the raw
    /// query string (without `?`) and body; the signature or checksum is verified here.
    fn read_callback(&self, query: &str, body: &[u8]) -> Result<GatewayReport, CallbackError>;

    /// What the gateway expects as the HTTP answer to its callback.
    fn acknowledge(&self, ack: CallbackAck) -> CallbackReply;

    /// Asks the gateway for a transaction's state (reconciliation of pending ones). Retried on
    /// transient failures: asking twice changes nothing.
    fn query<'a>(
        &'a self,
        q: &'a PaymentQuery,
    ) -> BoxFuture<'a, Result<GatewayReport, PaymentError>>;

    /// Refunds all or part of a paid transaction. Never retried automatically; the gateway
    /// recognises a repeated [`RefundOrder::refund_reference`].
    fn refund<'a>(
        &'a self,
        r: &'a RefundOrder,
    ) -> BoxFuture<'a, Result<RefundReport, PaymentError>>;
}

/// A transaction to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentOrder {
    /// Ours, unique per transaction, `[A-Za-z0-9]{1,34}` (PayGov `MaThamChieu`, VNPay
    /// `vnp_TxnRef`).
    pub reference: String,
    /// The amount in đồng (no subunits).
    pub amount_vnd: i64,
    /// What is paid for, shown to the payer (VNPay receives it without diacritics).
    pub description: String,
    /// The dossier the fee belongs to.
    pub dossier_code: String,
    /// The procedure's code.
    pub procedure_code: String,
    /// The code of the agency collecting the fee.
    pub agency_code: String,
    /// Who pays.
    pub payer_name: String,
    /// The payer's IP address as seen by motcua.
    pub payer_ip: String,
    /// Where the gateway sends the browser back.
    pub return_url: String,
    /// Where the gateway sends its server-to-server callback. PayGov receives it in the INIT
    /// message (`UrlThongBao`); VNPay ignores it (its IPN URL is set per merchant, at VNPay).
    pub callback_url: String,
    /// When the transaction was opened; the gateways identify the transaction by it too, so
    /// [`PaymentQuery::created_at`] and [`RefundOrder::created_at`] must repeat it.
    pub created_at: OffsetDateTime,
    /// The payer's language: `vi` or `en`.
    pub language: String,
}

/// Where to send the payer's browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// The gateway's payment page, to redirect to (303).
    pub redirect_url: String,
    /// The gateway's own transaction number, when it gives one at this point (PayGov does,
    /// VNPay does not).
    pub gateway_transaction: Option<String>,
}

/// A question about a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentQuery {
    /// [`PaymentOrder::reference`].
    pub reference: String,
    /// [`PaymentOrder::created_at`], exactly.
    pub created_at: OffsetDateTime,
    /// The IP address to declare as the requester (VNPay asks for one).
    pub payer_ip: String,
}

/// A transaction's state according to the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayOutcome {
    /// The money was taken.
    Paid,
    /// The payer has not finished (or the gateway has not settled).
    Pending,
    /// The payment failed; `code` is the gateway's, `message` explains it in Vietnamese.
    Failed {
        /// The gateway's code (PayGov `MaLoi`, VNPay `vnp_ResponseCode` or
        /// `vnp_TransactionStatus`).
        code: String,
        /// What the code means.
        message: String,
    },
    /// The payer cancelled on the gateway's page.
    Cancelled,
    /// The gateway knows no such transaction (never opened, or the payer never reached its
    /// page, for VNPay).
    NotFound,
}

impl GatewayOutcome {
    /// Whether the outcome is final (paid, failed, cancelled); pending and not found may change.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            GatewayOutcome::Paid | GatewayOutcome::Failed { .. } | GatewayOutcome::Cancelled
        )
    }
}

/// What the gateway says about a transaction, its signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayReport {
    /// [`PaymentOrder::reference`].
    pub reference: String,
    /// The gateway's transaction number, when it has one.
    pub gateway_transaction: Option<String>,
    /// The amount the gateway handled, in đồng (0 when it knows no such transaction). The
    /// ledger compares it with what was asked.
    pub amount_vnd: i64,
    /// The state.
    pub outcome: GatewayOutcome,
    /// The payer's bank, when known.
    pub bank_code: Option<String>,
    /// When the money was taken, for a paid transaction.
    pub paid_at: Option<OffsetDateTime>,
}

/// How motcua answers a callback, decided by the ledger after [`PaymentGateway::read_callback`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallbackAck {
    /// Recorded.
    Accepted,
    /// Already recorded before (a repeated callback).
    AlreadyConfirmed,
    /// No transaction has this reference.
    UnknownOrder,
    /// The amount differs from the transaction's.
    WrongAmount,
    /// The signature or checksum was wrong ([`CallbackError::BadSignature`]).
    BadSignature,
    /// The callback could not be read ([`CallbackError::Malformed`]).
    Malformed,
    /// motcua could not record it now (e.g. the database is down): the gateway should try again.
    Failed,
}

/// The HTTP answer to a callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackReply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` of the body.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

/// A refund to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundOrder {
    /// [`PaymentOrder::reference`] of the paid transaction.
    pub reference: String,
    /// The gateway's number of the paid transaction, when known.
    pub gateway_transaction: Option<String>,
    /// How much to give back, in đồng.
    pub amount_vnd: i64,
    /// Whether it is the whole amount paid (VNPay distinguishes full and partial refunds).
    pub full: bool,
    /// Why (kept by the gateway with the refund).
    pub reason: String,
    /// Who asks (officer's user name).
    pub requested_by: String,
    /// When the transaction was paid.
    pub paid_at: OffsetDateTime,
    /// When the paid transaction was opened: [`PaymentOrder::created_at`], exactly (the
    /// gateways identify the transaction by it). The refund request's own time is the time of
    /// the call.
    pub created_at: OffsetDateTime,
    /// Ours, unique per refund, `[A-Za-z0-9]{1,32}`; a repeated request with the same value is
    /// recognised by the gateway as the same refund.
    pub refund_reference: String,
}

/// The gateway's answer to a refund request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundReport {
    /// [`RefundOrder::refund_reference`].
    pub refund_reference: String,
    /// Whether the gateway took the refund in hand.
    pub accepted: bool,
    /// The gateway's number of the refund transaction, when it gives one.
    pub gateway_transaction: Option<String>,
    /// The gateway's answer code (`0`/`00` when accepted).
    pub code: String,
    /// What the gateway said.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_names_round_trip_in_any_case() {
        for kind in GatewayKind::ALL {
            assert_eq!(GatewayKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                GatewayKind::parse(&kind.as_str().to_uppercase()),
                Some(kind)
            );
        }
        assert_eq!(GatewayKind::parse("momo"), None);
    }
}
