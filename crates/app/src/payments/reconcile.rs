//! Reconciliation: payments left open (the callback was lost, the payer closed the tab) are
//! asked about at their gateway, and the answer is applied like a callback. Intents that the
//! gateway still does not know after a day are closed as failed, since no money moved.

use std::time::Duration;

use domain::payment::ledger::PaymentStatus;
use integrations::payment::{GatewayOutcome, PaymentQuery};
use storage::payments::PaymentChange;
use time::OffsetDateTime;

use super::ledger::{self, Source};
use crate::App;

/// How long after its start a payment is first asked about: the payer may still be on the
/// gateway's page.
pub const QUERY_AFTER: Duration = Duration::from_secs(120);

/// How long an intent the gateway does not know is kept open.
pub const ABANDON_AFTER: Duration = Duration::from_secs(24 * 3600);

/// What one round found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Payments asked about.
    pub asked: usize,
    /// Payments whose status moved.
    pub moved: usize,
    /// Gateways that did not answer.
    pub failed: usize,
}

/// Asks the gateways about every payment opened more than `older_than` ago that is still open
/// (at most 200 a round, oldest first).
pub async fn round(app: &App, older_than: Duration) -> Round {
    let mut result = Round::default();
    let before = OffsetDateTime::now_utc() - older_than;
    let open = match app.db.open_payments(before, 200).await {
        Ok(list) => list,
        Err(e) => {
            tracing::warn!(error = %e, "reconciliation cannot read open payments");
            return result;
        }
    };
    for payment in open {
        let Some(gateway) = app.gateways.get(payment.channel).cloned() else {
            continue;
        };
        result.asked += 1;
        let query = PaymentQuery {
            reference: payment.reference.clone(),
            created_at: payment.created_at,
            payer_ip: "127.0.0.1".to_owned(),
        };
        match gateway.query(&query).await {
            Ok(report) if report.outcome == GatewayOutcome::NotFound => {
                let age = OffsetDateTime::now_utc() - payment.created_at;
                if age >= ABANDON_AFTER {
                    let closed = app
                        .db
                        .change_payment(
                            &payment.reference,
                            &PaymentChange {
                                from: payment.status,
                                to: PaymentStatus::Failed,
                                gateway_transaction: None,
                                bank_code: None,
                                paid_at: None,
                            },
                        )
                        .await
                        .unwrap_or(false);
                    if closed {
                        result.moved += 1;
                        ledger::log(
                            &app.db,
                            Some(&payment.reference),
                            payment.channel,
                            "query",
                            "applied",
                            "abandoned: unknown to the gateway after a day".into(),
                        )
                        .await;
                    }
                }
            }
            Ok(report) => match ledger::apply(app, payment.channel, Source::Query, &report).await {
                Ok(ledger::Verdict::Applied(_)) => result.moved += 1,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reconciliation could not apply a report"),
            },
            Err(e) => {
                result.failed += 1;
                tracing::warn!(error = %e, channel = payment.channel.as_str(), "reconciliation query failed");
            }
        }
    }
    if result.asked > 0 {
        tracing::info!(
            asked = result.asked,
            moved = result.moved,
            failed = result.failed,
            "payment reconciliation"
        );
    }
    result
}

/// Runs [`round`] every `every` until the process stops.
pub async fn run(app: App, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        round(&app, QUERY_AFTER).await;
    }
}
