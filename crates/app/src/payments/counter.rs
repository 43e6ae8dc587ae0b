//! Money taken at the one-stop counter (cash or a card terminal). Fees are paid at the counter or
//! online (Decree 61/2018/NĐ-CP, Art. 19); either way the payment belongs on the ledger, so the
//! payment report compares the channels. An officer's "fees paid" action writes it here, whatever
//! door the action came through (the desk's form, the JSON API), from the dossier service.

use domain::dossier::{Action, Actor};
use domain::payment::ledger::{PaymentChannel, PaymentStatus};
use sha2::{Digest, Sha256};
use storage::Db;
use storage::dossier::Idempotency;
use storage::payments::NewPayment;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ServiceError;

/// The ledger row an action makes at the counter: an officer recording fees paid. The
/// payment platform's own settlement (`Actor::System`) is already on the ledger.
pub fn counter_payment<'a>(actor: &'a Actor, action: &'a Action) -> Option<CounterFees<'a>> {
    match (actor, action) {
        (
            Actor::Officer { officer_id, .. },
            Action::RecordFeesPaid {
                amount_vnd,
                reference,
            },
        ) => Some(CounterFees {
            officer_id,
            amount_vnd: *amount_vnd,
            receipt_number: reference,
        }),
        _ => None,
    }
}

/// Fees an officer took at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterFees<'a> {
    /// Who took the money.
    pub officer_id: &'a str,
    /// How much.
    pub amount_vnd: i64,
    /// The number of the receipt handed over (biên lai).
    pub receipt_number: &'a str,
}

/// The ledger reference of a counter payment, derived from the request's idempotency key and its
/// scope (who sent it) so that a repeated request records one payment and two callers who chose
/// the same key never share one.
fn counter_reference(code: &str, idempotency: &Idempotency) -> String {
    let digest = Sha256::digest(
        format!("counter:{code}:{}:{}", idempotency.scope, idempotency.key).as_bytes(),
    );
    let hex: String = digest.iter().take(15).map(|b| format!("{b:02X}")).collect();
    format!("MQ{hex}")
}

/// A new random payment reference (`MC…`, as online payments have).
pub fn new_reference() -> String {
    format!("MC{}", Uuid::now_v7().simple()).to_uppercase()
}

/// A random key for a receipt's QR code (122 random bits).
pub fn new_receipt_key() -> String {
    Uuid::new_v4().simple().to_string()
}

/// The ledger row of fees an officer took for dossier `code`, which the dossier service writes
/// in the action's own transaction, so the action and its payment are recorded together or not
/// at all. Its reference comes from the request's idempotency key, so a repeated request can
/// never record a second payment; a request without a key records one each time.
pub fn ledger_row(
    code: &str,
    fees: CounterFees<'_>,
    channel: PaymentChannel,
    idempotency: Option<&Idempotency>,
    at: OffsetDateTime,
) -> Result<NewPayment, ServiceError> {
    if channel.is_online() {
        return Err(ServiceError::Refused {
            code: "online_channel_at_counter",
            message: "an online channel cannot be paid at the counter".into(),
        });
    }
    Ok(NewPayment {
        reference: idempotency.map_or_else(new_reference, |i| counter_reference(code, i)),
        dossier_code: code.to_owned(),
        channel,
        amount_vnd: fees.amount_vnd,
        status: PaymentStatus::Paid,
        intent_token: None,
        receipt_key: new_receipt_key(),
        recorded_by: Some(fees.officer_id.to_owned()),
        receipt_number: Some(fees.receipt_number.to_owned()),
        paid_at: Some(at),
    })
}

/// Notes a counter payment in the payment log once its action is committed.
pub async fn log_recorded(db: &Db, payment: &NewPayment) {
    super::ledger::log(
        db,
        Some(&payment.reference),
        payment.channel,
        "counter",
        "applied",
        format!(
            "amount={} receipt={} officer={}",
            payment.amount_vnd,
            payment.receipt_number.as_deref().unwrap_or_default(),
            payment.recorded_by.as_deref().unwrap_or_default()
        ),
    )
    .await;
}
