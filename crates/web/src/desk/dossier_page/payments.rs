//! The dossier's payments (online or at the counter), each with its receipt, and the refund form
//! for an officer the policy lets refund it.

use domain::payment::ledger::PaymentStatus;

use crate::AppState;
use crate::edge::officer::Officer;
use crate::error::AppError;
use crate::ui::Ui;
use crate::views::local_datetime;
use app::dossiers::DossierView;

/// A payment of the dossier, with the refund form when the officer may refund it.
pub(super) struct PaymentRow {
    pub(super) reference: String,
    pub(super) channel: &'static str,
    pub(super) amount: String,
    pub(super) status: &'static str,
    pub(super) at: String,
    pub(super) receipt_href: Option<String>,
    /// (action URL, amount left to refund) when this officer may refund it.
    pub(super) refund: Option<(String, i64)>,
}

/// Every payment that went further than being created.
pub(super) async fn payment_rows(
    state: &AppState,
    ui: &Ui,
    officer: &Officer,
    view: &DossierView,
) -> Result<Vec<PaymentRow>, AppError> {
    let may_refund = officer.may(&domain::access::Request::RefundPayment(view.facts()));
    Ok(app::payments::online::of_dossier(state, &view.stored.code)
        .await?
        .into_iter()
        .filter(|p| p.status != PaymentStatus::Created)
        .map(|p| PaymentRow {
            refund: (may_refund && p.status == PaymentStatus::Paid).then(|| {
                (
                    format!(
                        "/back-office/dossiers/{}/payments/{}/refund",
                        view.stored.code, p.reference
                    ),
                    p.amount_vnd - p.refunded_vnd,
                )
            }),
            receipt_href: matches!(p.status, PaymentStatus::Paid | PaymentStatus::Refunded)
                .then(|| crate::edge::links::receipt_href(&p)),
            channel: ui.t(&format!("payment.channel.{}", p.channel.as_str())),
            amount: ui.money(p.amount_vnd),
            status: ui.t(&format!("payment.status.{}", p.status.as_str())),
            at: local_datetime(ui, p.paid_at.unwrap_or(p.updated_at)),
            reference: p.reference,
        })
        .collect())
}
