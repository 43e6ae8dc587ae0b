//! Webhooks of API clients at the web edge: the JSON API a connected system uses with its own
//! key (scope `receive_events`) to register endpoints, list what was sent with the receiver's
//! answers and replay an event ([`api`]), and the back-office page where the unit's
//! administrator does the same for the unit's clients ([`page`]). The rules live in
//! `app::webhooks`.

pub(crate) mod api;
pub(crate) mod page;

use app::ServiceError;

use crate::error::AppError;
use crate::ui::Ui;

/// The answer to a refusal of `app::webhooks`, in the caller's language: each refusal has a
/// message of its own (`webhooks.error.<code>`).
pub(crate) fn refusal(ui: &Ui, e: ServiceError) -> AppError {
    match e {
        ServiceError::Refused { code, .. } => {
            AppError::Unprocessable(ui.t(&format!("webhooks.error.{code}")).to_owned())
        }
        other => AppError::from(other),
    }
}

/// The refusal's message only, for a form (`None` when it is not a refusal).
pub(crate) fn refusal_message(ui: &Ui, e: &ServiceError) -> Option<String> {
    match e {
        ServiceError::Refused { code, .. } => {
            Some(ui.t(&format!("webhooks.error.{code}")).to_owned())
        }
        _ => None,
    }
}
