//! Money taken at the one-stop counter (cash or a card terminal). Fees are paid at the counter or
//! online (Decree 61/2018/NĐ-CP, Art. 19); either way the payment belongs on the ledger, so the
//! payment report compares the channels. An officer's "fees paid" action writes it here, whatever
//! door the action came through (the desk's form, the JSON API), from the dossier service.

use domain::dossier::{Action, Actor};
use domain::payment::ledger::{PaymentChannel, PaymentStatus};
use sha2::{Digest, Sha256};
use storage::Db;
use storage::payments::{NewPayment, Recorded};
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

/// The ledger reference of a counter payment, derived from the request's idempotency key so that
/// a repeated request records one payment.
fn counter_reference(code: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("counter:{code}:{key}").as_bytes());
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

/// Writes a counter payment of dossier `code` to the ledger, once per `key` (the request's
/// idempotency key; a request without one records a payment each time). Called after the
/// action is recorded, and again when a request is replayed, so a crash in between is repaired
/// by the retry.
pub async fn record(
    db: &Db,
    code: &str,
    fees: CounterFees<'_>,
    channel: PaymentChannel,
    key: Option<&str>,
) -> Result<(), ServiceError> {
    if channel.is_online() {
        return Err(ServiceError::Refused {
            code: "online_channel_at_counter",
            message: "an online channel cannot be paid at the counter".into(),
        });
    }
    let reference = key.map_or_else(new_reference, |k| counter_reference(code, k));
    if db.payment(&reference).await?.is_some() {
        return Ok(());
    }
    let recorded = db
        .record_payment(&NewPayment {
            reference: reference.clone(),
            dossier_code: code.to_owned(),
            channel,
            amount_vnd: fees.amount_vnd,
            status: PaymentStatus::Paid,
            intent_token: None,
            receipt_key: new_receipt_key(),
            recorded_by: Some(fees.officer_id.to_owned()),
            receipt_number: Some(fees.receipt_number.to_owned()),
            paid_at: Some(OffsetDateTime::now_utc()),
        })
        .await;
    match recorded {
        Ok(Recorded::New(_) | Recorded::Existing(_)) => {}
        // Two posts of the same request at once: the other one wrote it.
        Err(e) if e.is_unique_violation() => return Ok(()),
        Err(e) => return Err(e.into()),
    }
    super::ledger::log(
        db,
        Some(&reference),
        channel,
        "counter",
        "applied",
        format!(
            "amount={} receipt={} officer={}",
            fees.amount_vnd, fees.receipt_number, fees.officer_id
        ),
    )
    .await;
    Ok(())
}
