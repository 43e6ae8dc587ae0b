//! The "fees due" panel that a dossier's pages open to its applicant show (public tracking and
//! the citizen's account): what is owed, the pay form with the configured gateways, and earlier
//! payments with their receipts. The pages that show it are not payments' own, and the form it
//! holds posts to payments, so the panel and what it needs to know stand here between them.

use domain::dossier::Status;
use domain::payment::ledger::PaymentStatus;

use super::links::receipt_href;
use crate::AppState;
use crate::error::AppError;
use crate::forms;
use crate::ui::Ui;
use app::dossiers::DossierView;

/// What is still owed on a dossier that awaits fees; `None` when nothing is.
pub fn outstanding(view: &DossierView) -> Option<i64> {
    let s = &view.state;
    let owed = s.fees_requested_vnd.saturating_sub(s.fees_paid_vnd);
    (s.status == Status::AwaitingFees && owed > 0).then_some(owed)
}

/// The "fees due" panel of a dossier page (tracking or the citizen's account): the amount, the
/// pay form with the configured gateways, and earlier payments with their receipts.
pub struct PayPanel {
    /// The dossier code.
    pub code: String,
    /// The four digits, when the payer proved the dossier with them (tracking).
    pub digits: Option<String>,
    /// The session's CSRF token, when the payer is signed in.
    pub csrf: Option<String>,
    /// One-time token of the form.
    pub token: String,
    /// Amount due, formatted.
    pub amount: String,
    /// What the officer wrote the fees are for.
    pub note: Option<String>,
    /// Whether anything is due now.
    pub due: bool,
    /// Configured online channels: (value, label).
    pub channels: Vec<(&'static str, &'static str)>,
    /// Earlier payments: (channel, amount, status, receipt link).
    pub history: Vec<(&'static str, String, &'static str, Option<String>)>,
}

/// The panel for a dossier, `None` when nothing is due and nothing was ever paid.
pub async fn pay_panel(
    state: &AppState,
    ui: &Ui,
    view: &DossierView,
    digits: Option<String>,
    csrf: Option<String>,
) -> Result<Option<PayPanel>, AppError> {
    let due = outstanding(view);
    let payments = app::payments::online::of_dossier(state, &view.stored.code).await?;
    if due.is_none() && payments.is_empty() {
        return Ok(None);
    }
    let history = payments
        .iter()
        .filter(|p| p.status != PaymentStatus::Created)
        .map(|p| {
            (
                ui.t(&format!("payment.channel.{}", p.channel.as_str())),
                ui.money(p.amount_vnd),
                ui.t(&format!("payment.status.{}", p.status.as_str())),
                (p.status.is_paid() || p.status == PaymentStatus::Refunded)
                    .then(|| receipt_href(p)),
            )
        })
        .collect();
    Ok(Some(PayPanel {
        code: view.stored.code.clone(),
        digits,
        csrf,
        token: forms::new_token(),
        amount: ui.money(due.unwrap_or(0)),
        note: None,
        due: due.is_some(),
        channels: if due.is_some() {
            state
                .gateways
                .channels()
                .into_iter()
                .map(|c| (c.as_str(), ui.t(&format!("payment.channel.{}", c.as_str()))))
                .collect()
        } else {
            Vec::new()
        },
        history,
    }))
}
