//! Refunding a paid fee, whole or in part (a dossier refused or withdrawn after paying, an
//! amount paid twice): the domain checks the amount and the reason (`domain::payment::ledger::
//! refund`), an online payment is refunded through its gateway and money taken at the counter is
//! handed back there, and the refund is recorded against the payment's state read, so two
//! officers refunding at once never refund twice.

use domain::payment::ledger::{PaymentStatus, RefundRefusal, refund as check_refund};
use integrations::payment::RefundOrder;
use storage::payments::{NewRefund, StoredPayment};

use super::counter::new_reference;
use super::ledger;
use crate::{App, ServiceError};

/// Why a refund was not made.
#[derive(Debug, thiserror::Error)]
pub enum RefundError {
    /// The rules refuse it (not paid, more than is left, no reason).
    #[error("refused: {0:?}")]
    Refused(RefundRefusal),
    /// The gateway did not accept it; its answer.
    #[error("the gateway refused the refund: {0}")]
    GatewayRefused(String),
    /// The payment changed since it was read (another refund, a late settlement).
    #[error("the payment changed since it was read")]
    Changed,
    /// Anything else.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// Refunds `amount_vnd` of `payment` on `officer_id`'s authority, for `reason`.
pub async fn refund(
    app: &App,
    payment: &StoredPayment,
    amount_vnd: i64,
    reason: &str,
    officer_id: &str,
) -> Result<(), RefundError> {
    let checked = check_refund(
        payment.status,
        payment.amount_vnd,
        payment.refunded_vnd,
        amount_vnd,
        reason,
    )
    .map_err(RefundError::Refused)?;
    let refund_reference = new_reference();
    let (accepted, message) = match app.gateways.get(payment.channel).cloned() {
        Some(gateway) if payment.channel.is_online() => {
            let order = RefundOrder {
                reference: payment.reference.clone(),
                gateway_transaction: payment.gateway_transaction.clone(),
                amount_vnd,
                full: checked.status == PaymentStatus::Refunded && payment.refunded_vnd == 0,
                reason: reason.to_owned(),
                requested_by: officer_id.to_owned(),
                paid_at: payment.paid_at.unwrap_or(payment.created_at),
                // When the paid transaction was opened: both gateways find it by that time.
                created_at: payment.created_at,
                refund_reference: refund_reference.clone(),
            };
            match gateway.refund(&order).await {
                Ok(report) => (report.accepted, report.message),
                Err(e) => (false, e.to_string()),
            }
        }
        // An online payment whose gateway is no longer configured cannot be refunded here.
        None if payment.channel.is_online() => (false, "gateway not configured".to_owned()),
        // Cash and card-terminal payments are handed back at the counter.
        _ => (true, "refunded at the counter".to_owned()),
    };
    let stored = app
        .db
        .record_refund(
            &NewRefund {
                refund_reference,
                payment_reference: payment.reference.clone(),
                amount_vnd,
                reason: reason.to_owned(),
                requested_by: officer_id.to_owned(),
                accepted,
                message: message.clone(),
            },
            payment.status,
            payment.refunded_vnd,
            checked.status,
        )
        .await
        .map_err(ServiceError::from)?;
    ledger::log(
        &app.db,
        Some(&payment.reference),
        payment.channel,
        "refund",
        if accepted && stored {
            "applied"
        } else {
            "error"
        },
        format!("amount={amount_vnd} officer={officer_id} answer={message}"),
    )
    .await;
    if !stored {
        return Err(RefundError::Changed);
    }
    if !accepted {
        return Err(RefundError::GatewayRefused(message));
    }
    Ok(())
}
