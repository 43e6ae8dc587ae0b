//! Applies what a gateway reports to the ledger, once: the report is checked against the
//! payment by `domain::payment::ledger::on_report`, the change is a guarded update on the status
//! read, every report is kept with its verdict (forged ones too), and a payment that becomes
//! paid settles the dossier's fees through the dossier service with the payment's reference as
//! idempotency key, so a replayed or duplicated callback pays once and moves the dossier once.

use domain::dossier::{Action, Actor};
use domain::payment::ledger::{GatewaySays, PaymentChannel, PaymentStatus, Step, on_report};
use integrations::payment::{GatewayOutcome, GatewayReport};
use sha2::{Digest, Sha256};
use storage::dossier::{Idempotency, IdempotentResponse};
use storage::payments::{NewPaymentEvent, PaymentChange, StoredPayment};
use time::OffsetDateTime;

use crate::dossiers::{DossierService, DossierView};
use crate::{App, ServiceError};

/// Where a report came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The gateway's server-to-server callback (PayGov callback, VNPay IPN).
    Callback,
    /// The payer's browser coming back with the gateway's signed parameters.
    Return,
    /// motcua asked the gateway (reconciliation).
    Query,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Callback => "callback",
            Source::Return => "return",
            Source::Query => "query",
        }
    }
}

/// What became of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The payment moved.
    Applied(StoredPayment),
    /// Already applied, or nothing new: the payment as it stands.
    Unchanged(StoredPayment),
    /// The report names no payment of this channel.
    UnknownPayment,
    /// The amount differs from the one asked.
    WrongAmount(StoredPayment),
    /// The report would move the payment backwards.
    Backwards(StoredPayment),
}

impl Verdict {
    fn name(&self) -> &'static str {
        match self {
            Verdict::Applied(_) => "applied",
            Verdict::Unchanged(_) => "unchanged",
            Verdict::UnknownPayment => "unknown_payment",
            Verdict::WrongAmount(_) => "wrong_amount",
            Verdict::Backwards(_) => "backwards",
        }
    }

    /// The payment concerned, when known.
    pub fn payment(&self) -> Option<&StoredPayment> {
        match self {
            Verdict::Applied(p)
            | Verdict::Unchanged(p)
            | Verdict::WrongAmount(p)
            | Verdict::Backwards(p) => Some(p),
            Verdict::UnknownPayment => None,
        }
    }
}

fn says(outcome: &GatewayOutcome, amount_vnd: i64) -> GatewaySays {
    match outcome {
        GatewayOutcome::Paid => GatewaySays::Paid { amount_vnd },
        GatewayOutcome::Pending => GatewaySays::Pending,
        GatewayOutcome::Failed { code, .. } => GatewaySays::Failed { code: code.clone() },
        GatewayOutcome::Cancelled => GatewaySays::Cancelled,
        GatewayOutcome::NotFound => GatewaySays::Unknown,
    }
}

fn outcome_text(outcome: &GatewayOutcome) -> String {
    match outcome {
        GatewayOutcome::Paid => "paid".into(),
        GatewayOutcome::Pending => "pending".into(),
        GatewayOutcome::Failed { code, .. } => format!("failed {code}"),
        GatewayOutcome::Cancelled => "cancelled".into(),
        GatewayOutcome::NotFound => "not found".into(),
    }
}

/// Keeps a report or action on the ledger's log. A failure to log is itself logged and does not
/// undo what was done.
pub async fn log(
    db: &storage::Db,
    reference: Option<&str>,
    channel: PaymentChannel,
    source: &'static str,
    verdict: &'static str,
    detail: String,
) {
    let event = NewPaymentEvent {
        reference: reference.map(str::to_owned),
        channel,
        source,
        verdict,
        detail,
    };
    if let Err(e) = db.log_payment_event(&event).await {
        tracing::error!(error = %e, source, verdict, "cannot log a payment event");
    }
}

/// Applies a verified report from `channel`.
pub async fn apply(
    app: &App,
    channel: PaymentChannel,
    source: Source,
    report: &GatewayReport,
) -> Result<Verdict, ServiceError> {
    let detail = format!(
        "{} amount={} transaction={}",
        outcome_text(&report.outcome),
        report.amount_vnd,
        report.gateway_transaction.as_deref().unwrap_or("-")
    );
    // A guarded update loses only to another report applied in between; three rounds are
    // plenty (there are at most a callback, a return and a query racing).
    for _ in 0..3 {
        let payment = match app.db.payment(&report.reference).await? {
            Some(p) if p.channel == channel => p,
            _ => {
                log(
                    &app.db,
                    None,
                    channel,
                    source.as_str(),
                    "unknown_payment",
                    format!("{} reference={}", detail, report.reference),
                )
                .await;
                return Ok(Verdict::UnknownPayment);
            }
        };
        let verdict = match on_report(
            payment.status,
            payment.amount_vnd,
            &says(&report.outcome, report.amount_vnd),
        ) {
            Step::Unchanged => Verdict::Unchanged(payment),
            Step::Refused(domain::payment::ledger::Contradiction::WrongAmount { .. }) => {
                Verdict::WrongAmount(payment)
            }
            Step::Refused(_) => Verdict::Backwards(payment),
            Step::Move(to) => {
                let change = PaymentChange {
                    from: payment.status,
                    to,
                    gateway_transaction: report.gateway_transaction.clone(),
                    bank_code: report.bank_code.clone(),
                    paid_at: (to == PaymentStatus::Paid)
                        .then(|| report.paid_at.unwrap_or_else(OffsetDateTime::now_utc)),
                };
                if !app.db.change_payment(&payment.reference, &change).await? {
                    continue;
                }
                let moved = app
                    .db
                    .payment(&payment.reference)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                Verdict::Applied(moved)
            }
        };
        log(
            &app.db,
            Some(&report.reference),
            channel,
            source.as_str(),
            verdict.name(),
            detail,
        )
        .await;
        // Settling is idempotent, so it is also retried on "unchanged": a crash between the
        // ledger update and the dossier's event is repaired by the next report or query.
        if let Some(p) = verdict.payment()
            && p.status == PaymentStatus::Paid
            && matches!(verdict, Verdict::Applied(_) | Verdict::Unchanged(_))
        {
            settle_dossier(app, p).await;
        }
        return Ok(verdict);
    }
    Err(ServiceError::Conflict)
}

/// Records a paid payment on its dossier (status 6 → processing), once per payment. A dossier
/// that no longer awaits fees (paid at the counter in between, withdrawn) is left as it is and
/// the payment is logged for an officer to refund.
pub async fn settle_dossier(app: &App, payment: &StoredPayment) {
    let data = app.reference.get();
    let service = DossierService::new(&app.db, &app.vault, &data);
    let action = Action::RecordFeesPaid {
        amount_vnd: payment.amount_vnd,
        reference: payment.reference.clone(),
    };
    let idempotency = Idempotency {
        scope: "payment".into(),
        key: payment.reference.clone(),
        request_hash: Sha256::digest(payment.reference.as_bytes()).to_vec(),
    };
    // A "see other" answer, as the forms record theirs; nobody replays it but a second settling.
    let answer = |_: &DossierView| IdempotentResponse {
        status: 303,
        body: "settled".to_owned(),
    };
    let actor = Actor::System {
        job: format!("payment:{}", payment.channel.as_str()),
    };
    let outcome = service
        .act(
            &payment.dossier_code,
            None,
            &actor,
            &action,
            OffsetDateTime::now_utc(),
            Some((&idempotency, &answer as &crate::dossiers::Answer<'_>)),
        )
        .await;
    match outcome {
        Ok(_) => {}
        Err(ServiceError::Refused { code, message }) => {
            log(
                &app.db,
                Some(&payment.reference),
                payment.channel,
                "settle",
                "not_awaiting_fees",
                format!("{code}: {message}"),
            )
            .await;
        }
        Err(e) => {
            tracing::warn!(error = %e, reference = %payment.reference, "cannot settle a paid dossier yet; the next report or query retries");
        }
    }
}
