//! Starting an online payment of a dossier's fees: the intent recorded once per form (a double
//! click opens one transaction at the gateway, and both clicks land on the same gateway page),
//! the gateway asked to open its transaction, and the intent closed again when the gateway
//! cannot, so the next click starts afresh and nothing is paid twice (DESIGN §6).

use std::time::Duration;

use domain::payment::ledger::{PaymentChannel, PaymentStatus};
use integrations::payment::PaymentOrder;
pub use storage::payments::StoredPayment;
use storage::payments::{NewPayment, PaymentChange, Recorded};

use super::counter::{new_receipt_key, new_reference};
use super::ledger;
use crate::dossiers::DossierView;
use crate::{App, ServiceError};

/// Who pays, and where the gateway sends them back.
#[derive(Debug, Clone)]
pub struct Payer<'a> {
    /// The payer's address, as the gateway wants it.
    pub ip: &'a str,
    /// The portal's public address, without a trailing slash.
    pub public_url: &'a str,
    /// `vi` or `en`, for the gateway's page.
    pub language: &'a str,
}

/// Where a started payment sends the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// The gateway's payment page.
    Gateway(String),
    /// The form was sent before: the payment it started.
    Again(Box<StoredPayment>),
}

/// Why a payment could not be started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// No gateway is configured for the channel.
    #[error("no gateway is configured for this channel")]
    NotConfigured,
    /// Nothing is due on the dossier.
    #[error("nothing is due")]
    NothingDue,
    /// The gateway did not open the transaction; the intent is closed.
    #[error("the gateway did not answer: {0}")]
    GatewayDown(String),
    /// Anything else.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// Starts the payment of `amount_vnd` (what is due) on `view`'s dossier through `channel`, once
/// per `form_token`.
pub async fn start(
    app: &App,
    view: &DossierView,
    channel: PaymentChannel,
    amount_vnd: Option<i64>,
    form_token: &str,
    payer: &Payer<'_>,
) -> Result<Started, StartError> {
    let gateway = app
        .gateways
        .get(channel)
        .cloned()
        .ok_or(StartError::NotConfigured)?;
    let amount_vnd = amount_vnd.ok_or(StartError::NothingDue)?;
    // The token is scoped to the dossier, so a token copied from another form pays nothing else.
    let intent_token = format!("{}:{form_token}", view.stored.code);
    let recorded = app
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
        .await
        .map_err(ServiceError::from)?;
    let payment = match recorded {
        Recorded::Existing(p) => return Ok(Started::Again(Box::new(p))),
        Recorded::New(p) => p,
    };
    let order = PaymentOrder {
        reference: payment.reference.clone(),
        amount_vnd,
        description: format!("Thanh toan phi, le phi ho so {}", view.stored.code),
        dossier_code: view.stored.code.clone(),
        procedure_code: view.state.procedure_code.clone(),
        agency_code: view.stored.agency_code.clone(),
        payer_name: view.stored.applicant_name.clone(),
        payer_ip: payer.ip.to_owned(),
        return_url: format!("{}/payments/{}/return", payer.public_url, channel.as_str()),
        callback_url: format!(
            "{}/payments/{}/callback",
            payer.public_url,
            channel.as_str()
        ),
        created_at: payment.created_at,
        language: payer.language.to_owned(),
    };
    match gateway.start(&order).await {
        Ok(started) => {
            app.db
                .payment_started(
                    &payment.reference,
                    started.gateway_transaction.as_deref(),
                    &started.redirect_url,
                )
                .await
                .map_err(ServiceError::from)?;
            ledger::log(
                &app.db,
                Some(&payment.reference),
                channel,
                "start",
                "applied",
                format!("amount={amount_vnd}"),
            )
            .await;
            Ok(Started::Gateway(started.redirect_url))
        }
        Err(e) => {
            // The gateway never opened the transaction: the intent is closed so the next click
            // (with a new form) starts afresh; nothing was paid.
            app.db
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
                .await
                .map_err(ServiceError::from)?;
            ledger::log(
                &app.db,
                Some(&payment.reference),
                channel,
                "start",
                "error",
                e.to_string(),
            )
            .await;
            Err(StartError::GatewayDown(e.to_string()))
        }
    }
}

/// Where a payment a form started before has got to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resumed {
    /// Paid: its receipt.
    Paid(Box<StoredPayment>),
    /// Open on the gateway's payment page, at this address.
    AtGateway(String),
    /// Ended without either (the first click's gateway failed).
    Ended,
}

/// Where a payment a form started before has got to, once the first click has reached the
/// gateway (waiting up to five seconds for it).
pub async fn resume(app: &App, mut payment: StoredPayment) -> Result<Resumed, ServiceError> {
    for _ in 0..20 {
        if payment.status.is_paid() {
            return Ok(Resumed::Paid(Box::new(payment)));
        }
        if let Some(url) = payment
            .gateway_url
            .clone()
            .filter(|_| payment.status.is_open())
        {
            return Ok(Resumed::AtGateway(url));
        }
        if payment.status != PaymentStatus::Created {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        payment = app
            .db
            .payment(&payment.reference)
            .await?
            .ok_or(ServiceError::NotFound)?;
    }
    Ok(Resumed::Ended)
}

/// The payments of a dossier, oldest first.
pub async fn of_dossier(app: &App, code: &str) -> Result<Vec<StoredPayment>, ServiceError> {
    Ok(app.db.payments_of(code).await?)
}

/// The payment with this reference.
pub async fn by_reference(
    app: &App,
    reference: &str,
) -> Result<Option<StoredPayment>, ServiceError> {
    Ok(app.db.payment(reference).await?)
}
