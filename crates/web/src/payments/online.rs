//! Paying online: the "Pay" form (from tracking, with the code and four digits, or from the
//! citizen's account), the gateway's signed callback and the browser's signed return. The form
//! carries a one-time token, so a double click opens one transaction at the gateway and both
//! clicks land on the same gateway page.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::payment::ledger::{PaymentChannel, PaymentStatus};
use integrations::payment::{CallbackAck, CallbackError, PaymentGateway};

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
use app::payments::ledger::{self, Source, Verdict};
use app::payments::online::{self, Payer, Resumed, StartError, Started};

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
    let token = forms::token_of(&fields).unwrap_or_default().trim();
    if token.is_empty() || token.len() > 64 {
        return Err(AppError::BadRequest(
            ui.t("payment.error.form_expired").to_owned(),
        ));
    }
    let ip = client
        .0
        .map_or_else(|| "127.0.0.1".to_owned(), |ip| ip.to_string());
    let payer = Payer {
        ip: &ip,
        public_url: state.public_url.trim_end_matches('/'),
        language: if ui.is_en() { "en" } else { "vi" },
    };
    match online::start(&state, &view, channel, outstanding(&view), token, &payer).await {
        Ok(Started::Gateway(url)) => Ok(Redirect::to(&url).into_response()),
        // A second click with the same form: the same place as the first click's.
        Ok(Started::Again(payment)) => match online::resume(&state, *payment).await? {
            Resumed::Paid(p) => Ok(Redirect::to(&receipt_href(&p)).into_response()),
            Resumed::AtGateway(url) => Ok(Redirect::to(&url).into_response()),
            Resumed::Ended => Err(AppError::Conflict(
                ui.t("payment.error.form_expired").to_owned(),
            )),
        },
        Err(StartError::NotConfigured) => Err(AppError::Unavailable(
            ui.t("payment.error.not_configured").to_owned(),
        )),
        Err(StartError::NothingDue) => Err(AppError::Conflict(
            ui.t("payment.error.nothing_due").to_owned(),
        )),
        Err(StartError::GatewayDown(_)) => Err(AppError::Unavailable(
            ui.t("payment.error.gateway_down").to_owned(),
        )),
        Err(StartError::Service(e)) => Err(e.into()),
    }
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
