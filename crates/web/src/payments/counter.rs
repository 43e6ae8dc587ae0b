//! Refunds in the back office (the ledger row of money taken at the counter is written by the
//! dossier service, `app::payments::counter`): a leader refunds a payment (through its gateway when it was paid online), and the
//! refund is kept whatever the gateway answers.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::payment::ledger::{PaymentStatus, refund as check_refund};
use integrations::payment::RefundOrder;
use storage::payments::NewRefund;

use crate::AppState;
use crate::edge::officer::Officer;
use crate::error::AppError;
use crate::ui::Ui;
use app::dossiers::DossierService;
use app::payments::counter::new_reference;
use app::payments::ledger;

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// A leader refunds all or part of a paid payment of a dossier of their unit.
pub async fn refund(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path((code, reference)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let data = state.reference.get();
    let view = match DossierService::new(&state.db, &state.vault, &data)
        .get(&code)
        .await
    {
        Ok(v) => v,
        Err(e) => return Err(crate::error::AppError::from(e)),
    };
    if !officer.may(&domain::access::Request::ReadDossier(view.facts())) {
        return Err(AppError::NotFound);
    }
    if !officer.may(&domain::access::Request::RefundPayment(view.facts())) {
        return Err(AppError::Forbidden);
    }
    let payment = state
        .db
        .payment(&reference)
        .await?
        .filter(|p| p.dossier_code == view.stored.code)
        .ok_or(AppError::NotFound)?;
    let amount = field(&fields, "amount_vnd").replace(['.', ',', ' '], "");
    let amount_vnd = amount.parse::<i64>().unwrap_or(0);
    let reason = field(&fields, "reason");
    let checked = check_refund(
        payment.status,
        payment.amount_vnd,
        payment.refunded_vnd,
        amount_vnd,
        reason,
    )
    .map_err(|e| {
        AppError::Unprocessable(match e {
            domain::payment::ledger::RefundRefusal::NotPaid(_) => {
                ui.t("payment.refund.not_paid").to_owned()
            }
            domain::payment::ledger::RefundRefusal::Amount { left } => {
                ui.t_s("payment.refund.amount", &ui.money(left))
            }
            domain::payment::ledger::RefundRefusal::NoReason => {
                ui.t("payment.refund.no_reason").to_owned()
            }
        })
    })?;
    let refund_reference = new_reference();
    let (accepted, message) = match state.gateways.get(payment.channel).cloned() {
        Some(gateway) if payment.channel.is_online() => {
            let order = RefundOrder {
                reference: payment.reference.clone(),
                gateway_transaction: payment.gateway_transaction.clone(),
                amount_vnd,
                full: checked.status == PaymentStatus::Refunded && payment.refunded_vnd == 0,
                reason: reason.to_owned(),
                requested_by: officer.id.clone(),
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
    let stored = state
        .db
        .record_refund(
            &NewRefund {
                refund_reference: refund_reference.clone(),
                payment_reference: payment.reference.clone(),
                amount_vnd,
                reason: reason.to_owned(),
                requested_by: officer.id.clone(),
                accepted,
                message: message.clone(),
            },
            payment.status,
            payment.refunded_vnd,
            checked.status,
        )
        .await?;
    ledger::log(
        &state.db,
        Some(&payment.reference),
        payment.channel,
        "refund",
        if accepted && stored {
            "applied"
        } else {
            "error"
        },
        format!(
            "amount={amount_vnd} officer={} answer={message}",
            officer.id
        ),
    )
    .await;
    if !stored {
        return Err(AppError::Conflict(
            ui.t("payment.refund.changed").to_owned(),
        ));
    }
    if !accepted {
        return Err(AppError::Unavailable(
            ui.t_s("payment.refund.refused", &message),
        ));
    }
    Ok(Redirect::to(&format!(
        "/back-office/dossiers/{}?done=refund",
        view.stored.code
    ))
    .into_response())
}
