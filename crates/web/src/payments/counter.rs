//! Refunds in the back office (the ledger row of money taken at the counter is written by the
//! dossier service, `app::payments::counter`): a leader refunds a payment (through its gateway when it was paid online), and the
//! refund is kept whatever the gateway answers.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::payment::ledger::RefundRefusal;

use crate::AppState;
use crate::edge::officer::Officer;
use crate::error::AppError;
use crate::ui::Ui;
use app::dossiers::DossierService;
use app::payments::online;
use app::payments::refund::{self as refunds, RefundError};

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
    let payment = online::by_reference(&state, &reference)
        .await?
        .filter(|p| p.dossier_code == view.stored.code)
        .ok_or(AppError::NotFound)?;
    let amount = field(&fields, "amount_vnd").replace(['.', ',', ' '], "");
    let amount_vnd = amount.parse::<i64>().unwrap_or(0);
    let reason = field(&fields, "reason");
    match refunds::refund(&state, &payment, amount_vnd, reason, &officer.id).await {
        Ok(()) => {}
        Err(RefundError::Refused(e)) => {
            return Err(AppError::Unprocessable(match e {
                RefundRefusal::NotPaid(_) => ui.t("payment.refund.not_paid").to_owned(),
                RefundRefusal::Amount { left } => ui.t_s("payment.refund.amount", &ui.money(left)),
                RefundRefusal::NoReason => ui.t("payment.refund.no_reason").to_owned(),
            }));
        }
        Err(RefundError::Changed) => {
            return Err(AppError::Conflict(
                ui.t("payment.refund.changed").to_owned(),
            ));
        }
        Err(RefundError::GatewayRefused(message)) => {
            return Err(AppError::Unavailable(
                ui.t_s("payment.refund.refused", &message),
            ));
        }
        Err(RefundError::Service(e)) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!(
        "/back-office/dossiers/{}?done=refund",
        view.stored.code
    ))
    .into_response())
}
