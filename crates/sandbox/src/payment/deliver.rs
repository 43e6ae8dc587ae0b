//! Sending the server-to-server callback of a settled transaction, the way the current
//! [`CallbackMode`] says: at once, after a delay, twice, never, or with a corrupted checksum.
//! These are the ways real callbacks go wrong, and motcua's ledger must cope with each: it
//! confirms idempotently, reconciles by query, and refuses a forged message.

use std::sync::Arc;
use std::time::Duration;

use integrations::payment::paygov::wire;

use super::{CallbackMode, Delivery, Gateway, Payments, Txn, paygov, settled, sign};

/// Sends the callback of `txn` (just settled) in the background.
pub(crate) fn dispatch(payments: Arc<Payments>, txn: Txn) {
    let mode = payments.mode();
    let (delay, times, corrupt) = match mode {
        CallbackMode::Normal => (Duration::ZERO, 1, false),
        CallbackMode::Delayed { seconds } => (Duration::from_secs(seconds), 1, false),
        CallbackMode::Duplicated => (Duration::ZERO, 2, false),
        CallbackMode::BadSignature => (Duration::ZERO, 1, true),
        CallbackMode::Lost => {
            tracing::info!(reference = %txn.reference, "sandbox callback lost on purpose");
            return;
        }
    };
    tokio::spawn(async move {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        for _ in 0..times {
            let delivery = send(&payments, &txn, corrupt).await;
            if let Some(t) = payments.ledger().by_no(txn.gateway, txn.no) {
                t.deliveries.push(delivery);
            }
        }
    });
}

async fn send(payments: &Payments, txn: &Txn, corrupt: bool) -> Delivery {
    let request = match txn.gateway {
        Gateway::PayGov => {
            let mut message = paygov::result_message(payments, txn, "NOTIFY");
            if corrupt {
                let bad = sign::corrupt(&wire::field(&message, "MaXacThuc"));
                message["MaXacThuc"] = serde_json::Value::String(bad);
            }
            payments.http.post(&txn.callback_url).json(&message)
        }
        Gateway::VnPay => {
            let separator = if txn.callback_url.contains('?') {
                '&'
            } else {
                '?'
            };
            let url = format!(
                "{}{separator}{}",
                txn.callback_url,
                settled::result_query(payments, txn, corrupt)
            );
            payments.http.get(url)
        }
    };
    let (status, answer) = match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            (Some(status), body.chars().take(500).collect())
        }
        Err(error) => (None, error.to_string()),
    };
    tracing::info!(reference = %txn.reference, url = %txn.callback_url, ?status, "sandbox callback sent");
    Delivery {
        url: txn.callback_url.clone(),
        correct_signature: !corrupt,
        status,
        answer,
    }
}
