//! Proving a dossier with its code and the last four digits of the applicant's phone or
//! personal ID: the checks of the two fields, the limits on failed guesses, and the one "not
//! found" for an unknown code and for wrong digits. Public tracking asks it, and so does paying
//! from tracking (the pay form posts the code and digits again), with the same rules and limits.

use domain::dossier::tracking::proves_applicant;
use domain::dossier::{DossierCode, Event};

use crate::AppState;
use crate::error::AppError;
use crate::limits::{ClientAddr, minutes};
use crate::ui::Ui;
use app::ServiceError;
use app::dossiers::{DossierService, DossierView};

/// Why a look-up found nothing to show.
pub(crate) enum LookupError {
    /// A field is missing or malformed: (field id, message key).
    Invalid(Vec<(&'static str, &'static str)>),
    /// No dossier with this code and these digits.
    NotFound,
    /// Too many failed look-ups from this client or for this code: minutes to wait.
    Limited(u64),
    /// The look-up itself failed (database unavailable, corrupt data).
    Failed(AppError),
}

/// Checks the form and finds the dossier; `Ok(None)` means the visitor has not asked yet.
pub(crate) async fn lookup(
    state: &AppState,
    client: &ClientAddr,
    code: &str,
    digits: &str,
) -> Result<Option<(DossierView, Vec<Event>)>, LookupError> {
    let (code, digits) = (code.trim(), digits.trim());
    if code.is_empty() && digits.is_empty() {
        return Ok(None);
    }
    let mut invalid = Vec::new();
    if code.is_empty() {
        invalid.push(("code", "tracking.error.code_missing"));
    } else if DossierCode::parse(code).is_err() {
        invalid.push(("code", "tracking.error.code_shape"));
    }
    let digit_count = digits.chars().filter(char::is_ascii_digit).count();
    if digits.is_empty() {
        invalid.push(("digits", "tracking.error.digits_missing"));
    } else if digit_count < 4
        || !digits
            .chars()
            .all(|c| c.is_ascii_digit() || " +.-".contains(c))
    {
        invalid.push(("digits", "tracking.error.digits_shape"));
    }
    if !invalid.is_empty() {
        return Err(LookupError::Invalid(invalid));
    }
    // Four digits are 10,000 guesses: failures are limited per code and client, per client and
    // per code (`limits`), so guessing one dossier's digits takes days from any number of
    // addresses (DESIGN §8) while its owner can still look from their own.
    let limits = &state.limits;
    let code_key = DossierCode::parse(code).map_or_else(|_| code.to_owned(), |c| c.to_string());
    if let Err(wait) = limits.tracking_allowed(&code_key, client) {
        return Err(LookupError::Limited(minutes(wait)));
    }
    let failed = || {
        limits.tracking_failed(&code_key, client);
        LookupError::NotFound
    };
    let data = state.reference.get();
    let service = DossierService::new(&state.db, &state.vault, &data);
    let view = match service.get(code).await {
        Ok(view) => view,
        Err(ServiceError::NotFound) => return Err(failed()),
        Err(ServiceError::Storage(e)) => return Err(LookupError::Failed(e.into())),
        Err(e) => return Err(LookupError::Failed(AppError::Internal(e.to_string()))),
    };
    if !proves_applicant(
        digits,
        view.stored.phone_last4.as_deref(),
        view.stored.id_last4.as_deref(),
    ) {
        return Err(failed());
    }
    let timeline = service
        .timeline(&view)
        .await
        .map_err(|e| LookupError::Failed(AppError::Internal(e.to_string())))?;
    Ok(Some((view, timeline)))
}

/// Finds a dossier for someone who proves it with its code and the four digits (the pay form
/// posts them again): the same rules, limits and "not found" as the tracking page.
pub(crate) async fn prove(
    state: &AppState,
    ui: &Ui,
    client: &ClientAddr,
    code: &str,
    digits: &str,
) -> Result<DossierView, AppError> {
    match lookup(state, client, code, digits).await {
        Ok(Some((view, _))) => Ok(view),
        Ok(None) | Err(LookupError::Invalid(_)) | Err(LookupError::NotFound) => {
            Err(AppError::NotFound)
        }
        Err(LookupError::Limited(wait)) => Err(AppError::Limited(
            ui.t_n("tracking.error.limited", wait),
            wait * 60,
        )),
        Err(LookupError::Failed(e)) => Err(e),
    }
}
