//! The officer's own security page: enrolling an authenticator app for the second factor
//! (scan a QR code, confirm with a code), or removing it with a current code. The secret
//! travels in the confirmation form, inside the officer's own session and CSRF-checked, so
//! nothing is stored until the officer proves the app shows the right codes.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::field;
use crate::AppState;
use crate::edge::officer::Officer;
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;
use app::accounts::second_factor::{self, DIGITS, STEP_SECONDS, grouped, new_secret};

/// Issuer shown in the authenticator app.
const ISSUER: &str = "motcua";

#[derive(Template)]
#[template(path = "desk/security.html")]
struct SecurityPage {
    ui: Ui,
    officer: Officer,
    /// The officer must enrol before anything else (the configuration requires it).
    required: bool,
    /// A secret offered for enrolment (when not enrolled).
    secret: String,
    /// The same in groups of four.
    secret_grouped: String,
    /// Its QR code as inline SVG.
    qr_svg: String,
    error: Option<String>,
    /// What just changed ("enabled", "disabled").
    done: Option<String>,
}

fn page_with(
    state: &AppState,
    ui: Ui,
    officer: Officer,
    secret: Option<String>,
    error: Option<String>,
    done: Option<String>,
) -> Result<Response, AppError> {
    let secret = secret.unwrap_or_else(new_secret);
    // The account id is the sign-in name, which the app shows beside the codes.
    let uri = enrolment_uri(ISSUER, &officer.id, &secret);
    let qr_svg = documents::qr_svg(&uri)
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?
        // The XML declaration has no place inside HTML.
        .split_once("<svg")
        .map(|(_, rest)| {
            format!("<svg role=\"img\" aria-hidden=\"true\" focusable=\"false\"{rest}")
        })
        .unwrap_or_default();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut response = render(&SecurityPage {
        required: state.officer_second_factor_required && !officer.second_factor,
        secret_grouped: grouped(&secret),
        secret,
        qr_svg,
        ui,
        officer,
        error,
        done,
    })?;
    *response.status_mut() = status;
    // The secret is on this page.
    Ok(crate::edge::render::no_store(response))
}

/// The page.
pub(crate) async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let done = Some(field(&q, "done"))
        .filter(|d| matches!(*d, "enabled" | "disabled"))
        .map(str::to_owned);
    page_with(&state, ui, officer, None, None, done)
}

/// Enrols (`action=enable`, with the offered secret and a code from the app) or removes
/// (`action=disable`, with a current code) the second factor.
pub(crate) async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let code = field(&fields, "code");
    match field(&fields, "action") {
        "enable" if !officer.second_factor => {
            let secret = field(&fields, "secret").replace(' ', "").to_uppercase();
            if secret.len() != 32 || !secret.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(AppError::BadRequest(
                    ui.t("desk.security.error_secret").to_owned(),
                ));
            }
            if !second_factor::enrol(&state.db, &state.vault, &officer.id, &secret, code, now)
                .await?
            {
                let error = ui.t("desk.security.error_code").to_owned();
                return page_with(&state, ui, officer, Some(secret), Some(error), None);
            }
            Ok(Redirect::to("/back-office/security?done=enabled").into_response())
        }
        "disable" if officer.second_factor => {
            if !second_factor::remove_own(&state.db, &state.vault, &officer.id, code, now).await? {
                let error = ui.t("desk.security.error_code").to_owned();
                return page_with(&state, ui, officer, None, Some(error), None);
            }
            Ok(Redirect::to("/back-office/security?done=disabled").into_response())
        }
        _ => Err(AppError::BadRequest(
            ui.t("desk.security.error_action").to_owned(),
        )),
    }
}

/// The `otpauth://` address an authenticator app reads from the QR code (the Key Uri Format of
/// Google Authenticator, which the other apps follow).
pub fn enrolment_uri(issuer: &str, account: &str, secret: &str) -> String {
    let enc = |s: &str| crate::ui::percent_encode(s);
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_enrolment_address_names_the_issuer_account_and_secret() {
        let uri = enrolment_uri("motcua Bắc Ninh", "tiepnhan.xa", "ABCD");
        assert!(uri.starts_with("otpauth://totp/motcua%20B"));
        assert!(uri.contains(":tiepnhan.xa?secret=ABCD&issuer=motcua%20B"));
        assert!(uri.ends_with("&digits=6&period=30"));
    }
}
