//! Paying online: the "Pay" form (from tracking, with the code and four digits, or from the
//! citizen's account), the gateway's signed callback and the browser's signed return. The form
//! carries a one-time token, so a double click opens one transaction at the gateway and both
//! clicks land on the same gateway page.

use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::payment::ledger::{PaymentChannel, PaymentStatus};
use integrations::payment::{CallbackAck, CallbackError, PaymentGateway, PaymentOrder};
use storage::payments::{NewPayment, PaymentChange, Recorded, StoredPayment};

use crate::AppState;
use crate::edge::citizen::Viewer;
use crate::edge::pay_panel::outstanding;
use crate::edge::render::render;
use crate::error::AppError;
use crate::forms;
use crate::limits::ClientAddr;
use crate::ui::Ui;
use app::ServiceError;
use app::dossiers::{DossierService, DossierView};
use app::payments::counter::{new_receipt_key, new_reference};
use app::payments::ledger::{self, Source, Verdict};

/// Where a payment's receipt can be read and checked; the address is made at the shared edge,
/// which every page that links a receipt uses.
pub use crate::edge::links::receipt_href;

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// Finds the dossier the form is about and checks the payer may pay it: its applicant signed in,
/// or anyone who proves the dossier with the code and the four digits, as tracking does.
async fn dossier_for(
    state: &AppState,
    ui: &Ui,
    viewer: &Viewer,
    client: &ClientAddr,
    fields: &[(String, String)],
) -> Result<DossierView, AppError> {
    let code = field(fields, "code");
    let digits = field(fields, "digits");
    if let Some(citizen) = &viewer.0
        && digits.is_empty()
    {
        citizen.check_csrf(fields)?;
        let data = state.reference.get();
        let view = match DossierService::new(&state.db, &state.vault, &data)
            .get(code)
            .await
        {
            Ok(v) => v,
            Err(ServiceError::NotFound) => return Err(AppError::NotFound),
            Err(ServiceError::Storage(e)) => return Err(e.into()),
            Err(e) => return Err(AppError::Internal(e.to_string())),
        };
        if !citizen.may(&domain::access::Request::ActOnDossier(view.facts())) {
            return Err(AppError::NotFound);
        }
        return Ok(view);
    }
    crate::edge::proof::prove(state, ui, client, code, digits).await
}

/// Starts (or resumes) an online payment and sends the browser to the gateway.
pub async fn start(
    State(state): State<AppState>,
    ui: Ui,
    viewer: Viewer,
    client: ClientAddr,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let view = dossier_for(&state, &ui, &viewer, &client, &fields).await?;
    let Some(channel) = PaymentChannel::parse(field(&fields, "channel")).filter(|c| c.is_online())
    else {
        return Err(AppError::BadRequest(
            ui.t("payment.error.channel").to_owned(),
        ));
    };
    let Some(gateway) = state.gateways.get(channel).cloned() else {
        return Err(AppError::Unavailable(
            ui.t("payment.error.not_configured").to_owned(),
        ));
    };
    let Some(amount_vnd) = outstanding(&view) else {
        return Err(AppError::Conflict(
            ui.t("payment.error.nothing_due").to_owned(),
        ));
    };
    let token = forms::token_of(&fields).unwrap_or_default().trim();
    if token.is_empty() || token.len() > 64 {
        return Err(AppError::BadRequest(
            ui.t("payment.error.form_expired").to_owned(),
        ));
    }
    // The token is scoped to the dossier, so a token copied from another form pays nothing else.
    let intent_token = format!("{}:{token}", view.stored.code);
    let recorded = state
        .db
        .record_payment(&NewPayment {
            reference: new_reference(),
            dossier_code: view.stored.code.clone(),
            channel,
            amount_vnd,
            status: PaymentStatus::Created,
            intent_token: Some(intent_token),
            receipt_key: new_receipt_key(),
            recorded_by: None,
            receipt_number: None,
            paid_at: None,
        })
        .await?;
    let payment = match recorded {
        Recorded::Existing(p) => return resume(&state, &ui, p).await,
        Recorded::New(p) => p,
    };
    let base = state.public_url.trim_end_matches('/');
    let order = PaymentOrder {
        reference: payment.reference.clone(),
        amount_vnd,
        description: format!("Thanh toan phi, le phi ho so {}", view.stored.code),
        dossier_code: view.stored.code.clone(),
        procedure_code: view.state.procedure_code.clone(),
        agency_code: view.stored.agency_code.clone(),
        payer_name: view.stored.applicant_name.clone(),
        payer_ip: client
            .0
            .map_or_else(|| "127.0.0.1".to_owned(), |ip| ip.to_string()),
        return_url: format!("{base}/payments/{}/return", channel.as_str()),
        callback_url: format!("{base}/payments/{}/callback", channel.as_str()),
        created_at: payment.created_at,
        language: if ui.is_en() { "en" } else { "vi" }.to_owned(),
    };
    match gateway.start(&order).await {
        Ok(started) => {
            state
                .db
                .payment_started(
                    &payment.reference,
                    started.gateway_transaction.as_deref(),
                    &started.redirect_url,
                )
                .await?;
            ledger::log(
                &state.db,
                Some(&payment.reference),
                channel,
                "start",
                "applied",
                format!("amount={amount_vnd}"),
            )
            .await;
            Ok(Redirect::to(&started.redirect_url).into_response())
        }
        Err(e) => {
            // The gateway never opened the transaction: the intent is closed so the next click
            // (with a new form) starts afresh; nothing was paid.
            state
                .db
                .change_payment(
                    &payment.reference,
                    &PaymentChange {
                        from: PaymentStatus::Created,
                        to: PaymentStatus::Failed,
                        gateway_transaction: None,
                        bank_code: None,
                        paid_at: None,
                    },
                )
                .await?;
            ledger::log(
                &state.db,
                Some(&payment.reference),
                channel,
                "start",
                "error",
                e.to_string(),
            )
            .await;
            Err(AppError::Unavailable(
                ui.t("payment.error.gateway_down").to_owned(),
            ))
        }
    }
}

/// A second click with the same form: wait briefly for the first click's gateway page, then send
/// the browser to the same place.
async fn resume(
    state: &AppState,
    ui: &Ui,
    mut payment: StoredPayment,
) -> Result<Response, AppError> {
    for _ in 0..20 {
        if payment.status.is_paid() {
            return Ok(Redirect::to(&receipt_href(&payment)).into_response());
        }
        if let Some(url) = payment
            .gateway_url
            .as_deref()
            .filter(|_| payment.status.is_open())
        {
            return Ok(Redirect::to(url).into_response());
        }
        if payment.status != PaymentStatus::Created {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        payment = state
            .db
            .payment(&payment.reference)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    Err(AppError::Conflict(
        ui.t("payment.error.form_expired").to_owned(),
    ))
}

/// The configured gateway a callback or return address names; "not found" for any other.
fn gateway_in_path(
    state: &AppState,
    name: &str,
) -> Result<(PaymentChannel, Arc<dyn PaymentGateway>), AppError> {
    let channel = PaymentChannel::parse(name).ok_or(AppError::NotFound)?;
    let gateway = state
        .gateways
        .get(channel)
        .cloned()
        .ok_or(AppError::NotFound)?;
    Ok((channel, gateway))
}

/// Keeps a trace of a report that could not be read, without personal data (the query string of
/// a gateway report holds amounts, references and bank codes only), and answers its verdict.
async fn log_unreadable(
    state: &AppState,
    channel: PaymentChannel,
    source: &'static str,
    query: &str,
    error: &CallbackError,
) -> &'static str {
    let verdict = match error {
        CallbackError::BadSignature => "bad_signature",
        CallbackError::Malformed(_) => "malformed",
    };
    tracing::warn!(
        channel = channel.as_str(),
        source,
        verdict,
        "payment report refused"
    );
    let detail = format!(
        "{error}; query={}",
        query.chars().take(300).collect::<String>()
    );
    ledger::log(&state.db, None, channel, source, verdict, detail).await;
    verdict
}

/// The gateway's server-to-server callback (PayGov callback, VNPay IPN).
pub async fn callback(
    State(state): State<AppState>,
    Path(channel): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, AppError> {
    let (channel, gateway) = gateway_in_path(&state, &channel)?;
    let query = query.unwrap_or_default();
    let ack = match gateway.read_callback(&query, &body) {
        Err(e) => {
            log_unreadable(&state, channel, "callback", &query, &e).await;
            match e {
                CallbackError::BadSignature => CallbackAck::BadSignature,
                CallbackError::Malformed(_) => CallbackAck::Malformed,
            }
        }
        Ok(report) => match ledger::apply(&state, channel, Source::Callback, &report).await {
            Ok(Verdict::Applied(_)) => CallbackAck::Accepted,
            Ok(Verdict::Unchanged(_) | Verdict::Backwards(_)) => CallbackAck::AlreadyConfirmed,
            Ok(Verdict::UnknownPayment) => CallbackAck::UnknownOrder,
            Ok(Verdict::WrongAmount(_)) => CallbackAck::WrongAmount,
            // The gateway calls again later; nothing was applied.
            Err(e) => {
                tracing::error!(error = %e, "payment callback not applied");
                CallbackAck::Failed
            }
        },
    };
    let reply = gateway.acknowledge(ack);
    Ok((
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK),
        [(header::CONTENT_TYPE, reply.content_type)],
        reply.body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "payments/result.html")]
struct ResultPage {
    ui: Ui,
    /// `paid`, `pending`, `failed`, `cancelled` or `unconfirmed`.
    outcome: &'static str,
    heading: &'static str,
    text: &'static str,
    code: Option<String>,
    amount: Option<String>,
    receipt_href: Option<String>,
}

/// The payer's browser back from the gateway: the signed parameters are checked and applied
/// like a callback (whichever arrives first settles the payment), then the outcome is shown.
pub async fn returned(
    State(state): State<AppState>,
    ui: Ui,
    Path(channel): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let (channel, gateway) = gateway_in_path(&state, &channel)?;
    let query = query.unwrap_or_default();
    let payment = match gateway.read_callback(&query, b"") {
        Err(e) => {
            log_unreadable(&state, channel, "return", &query, &e).await;
            None
        }
        Ok(report) => ledger::apply(&state, channel, Source::Return, &report)
            .await?
            .payment()
            .cloned(),
    };
    let (status, page) = match payment {
        None => (
            StatusCode::BAD_REQUEST,
            ResultPage {
                outcome: "unconfirmed",
                heading: ui.t("payment.result.unconfirmed_heading"),
                text: ui.t("payment.result.unconfirmed_text"),
                code: None,
                amount: None,
                receipt_href: None,
                ui,
            },
        ),
        Some(p) => {
            let outcome = match p.status {
                PaymentStatus::Paid | PaymentStatus::Refunded => "paid",
                PaymentStatus::Failed => "failed",
                PaymentStatus::Cancelled => "cancelled",
                PaymentStatus::Created | PaymentStatus::Pending => "pending",
            };
            (
                StatusCode::OK,
                ResultPage {
                    outcome,
                    heading: ui.t(&format!("payment.result.{outcome}_heading")),
                    text: ui.t(&format!("payment.result.{outcome}_text")),
                    code: Some(p.dossier_code.clone()),
                    amount: Some(ui.money(p.amount_vnd)),
                    receipt_href: p.status.is_paid().then(|| receipt_href(&p)),
                    ui,
                },
            )
        }
    };
    let mut response = render(&page)?;
    *response.status_mut() = status;
    Ok(response)
}
