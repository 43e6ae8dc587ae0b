//! The electronic receipt of a payment (biên lai điện tử), open to anyone holding its address:
//! the key in the link (also in the receipt's QR code) is random, so the receipt proves itself
//! without an account, and a wrong key answers "not found" like an unknown receipt. It shows no
//! personal data beyond the masked payer name (Decree 123/2020/NĐ-CP, Art. 32, on what an
//! electronic receipt of fees carries: who collected, what for, how much, when).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use app::dossiers::StoredDossier;
use app::payments::online::StoredPayment;
use documents::{Document, FeeLine, FeeReceipt};
use domain::payment::ledger::PaymentStatus;

use crate::AppState;
use crate::edge::pdf::{letterhead, moment_vi, pdf_response, vi};
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;
use crate::views::local_datetime;

/// The receipt's key.
#[derive(Debug, Deserialize)]
pub struct ReceiptKey {
    /// Random key of the receipt.
    #[serde(default)]
    pub k: String,
}

#[derive(Template)]
#[template(path = "payments/receipt.html")]
struct ReceiptPage {
    ui: Ui,
    pdf_href: String,
    reference: String,
    code: String,
    procedure: String,
    agency: String,
    payer: String,
    amount: String,
    refunded: Option<String>,
    channel: &'static str,
    paid_at: String,
    transaction: Option<String>,
    status: &'static str,
}

/// Masks a name to its initials but the given name ("Nguyễn Văn An" → "N. V. An").
pub fn masked_name(name: &str) -> String {
    let parts: Vec<&str> = name.split_whitespace().collect();
    match parts.split_last() {
        None => String::new(),
        Some((last, rest)) => {
            rest.iter()
                .filter_map(|p| p.chars().next())
                .map(|c| format!("{c}. "))
                .collect::<String>()
                + last
        }
    }
}

/// A paid (or refunded) payment with its dossier, found by reference and receipt key; "not
/// found" for a wrong key, so a guessed reference reveals nothing.
async fn receipt_of(
    state: &AppState,
    reference: &str,
    key: &ReceiptKey,
) -> Result<(StoredPayment, StoredDossier), AppError> {
    let payment = app::payments::online::by_reference(state, reference)
        .await?
        .filter(|p| {
            crate::edge::sessions::constant_time_eq(p.receipt_key.as_bytes(), key.k.as_bytes())
                && (p.status.is_paid() || p.status == PaymentStatus::Refunded)
        })
        .ok_or(AppError::NotFound)?;
    let dossier = app::dossiers::stored_by_code(&state.db, &payment.dossier_code)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((payment, dossier))
}

/// Shows a paid payment's receipt.
pub async fn page(
    State(state): State<AppState>,
    ui: Ui,
    Path(reference): Path<String>,
    Query(key): Query<ReceiptKey>,
) -> Result<Response, AppError> {
    let (payment, dossier) = receipt_of(&state, &reference, &key).await?;
    let data = state.reference.get();
    let procedure = data.procedure(&dossier.procedure_code).map_or_else(
        || dossier.procedure_code.clone(),
        |p| ui.pick(&p.name, &p.name_en).to_owned(),
    );
    let agency = data.agency(&dossier.agency_code).map_or_else(
        || dossier.agency_code.clone(),
        |a| ui.pick(&a.name, &a.name_en).to_owned(),
    );
    render(&ReceiptPage {
        pdf_href: format!(
            "/payments/receipts/{}/pdf?k={}",
            payment.reference, payment.receipt_key
        ),
        reference: payment.reference.clone(),
        code: payment.dossier_code.clone(),
        procedure,
        agency,
        payer: masked_name(&dossier.applicant_name),
        amount: ui.money(payment.amount_vnd),
        refunded: (payment.refunded_vnd > 0).then(|| ui.money(payment.refunded_vnd)),
        channel: ui.t(&format!("payment.channel.{}", payment.channel.as_str())),
        paid_at: payment
            .paid_at
            .map(|t| local_datetime(&ui, t))
            .unwrap_or_default(),
        transaction: payment.gateway_transaction.clone(),
        status: ui.t(&format!("payment.status.{}", payment.status.as_str())),
        ui,
    })
}

/// The same receipt as a PDF (biên lai điện tử), always in Vietnamese as a legal document is,
/// with a QR code that opens the receipt page above (Decree 123/2020/NĐ-CP, Art. 32).
pub async fn pdf(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    Query(key): Query<ReceiptKey>,
) -> Result<Response, AppError> {
    let (payment, dossier) = receipt_of(&state, &reference, &key).await?;
    let data = state.reference.get();
    let procedure = data
        .procedure(&dossier.procedure_code)
        .map_or_else(|| dossier.procedure_code.clone(), |p| p.name.clone());
    let amount_vnd = u64::try_from(payment.amount_vnd)
        .map_err(|_| AppError::Internal(format!("payment {reference}: negative amount")))?;
    let refunded_vnd = u64::try_from(payment.refunded_vnd)
        .map_err(|_| AppError::Internal(format!("payment {reference}: negative refund")))?;
    let paid_at = payment.paid_at.unwrap_or(payment.updated_at);
    let ui = vi();
    let document = Document::FeeReceipt(FeeReceipt {
        letterhead: letterhead(&data, &dossier.agency_code, paid_at),
        reference: payment.reference.clone(),
        payer: masked_name(&dossier.applicant_name),
        dossier_code: payment.dossier_code.clone(),
        // The ledger keeps what was paid, not how the officer broke it down, so the receipt
        // has one line: the fees and charges of this procedure.
        lines: vec![FeeLine {
            name: format!("Phí, lệ phí giải quyết thủ tục «{procedure}»"),
            amount_vnd,
        }],
        procedure,
        channel: ui
            .t(&format!("payment.channel.{}", payment.channel.as_str()))
            .to_owned(),
        transaction: payment.gateway_transaction.clone(),
        paid_at: moment_vi(paid_at),
        refunded_vnd: Some(refunded_vnd),
        verification_url: format!(
            "{}{}",
            state.public_url.trim_end_matches('/'),
            crate::edge::links::receipt_href(&payment)
        ),
    });
    pdf_response(document, &payment.reference, "bien-lai").await
}

#[cfg(test)]
mod tests {
    use super::masked_name;

    #[test]
    fn a_masked_name_keeps_initials_and_the_given_name() {
        assert_eq!(masked_name("Nguyễn Văn An"), "N. V. An");
        assert_eq!(masked_name("An"), "An");
        assert_eq!(masked_name("  "), "");
    }
}
