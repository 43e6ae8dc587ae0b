//! The national population database's answers about an applicant's identity, in the words of
//! the page that shows them: the status of the check on the officer's dossier page, and a
//! look-up's failure on the pages that look up (the online application and the counter intake).

use crate::error::AppError;
use crate::ui::Ui;

/// What the officer reads about the applicant's identity: verified against the database, by an
/// officer (with the reasons), not verified, the database's disagreement, or no answer yet (the
/// system will ask again).
pub(crate) fn status_text(ui: &Ui, check: Option<&domain::dossier::IdentityCheck>) -> String {
    use domain::dossier::{IdentityMethod, IdentityResult};
    let Some(check) = check else {
        return ui.t("registry.status.none").to_owned();
    };
    match (check.method, check.result) {
        (IdentityMethod::Manual, _) => format!(
            "{}: {}",
            ui.t("registry.status.manual"),
            check.reasons.as_deref().unwrap_or_default()
        ),
        (_, IdentityResult::Verified) => ui.t("registry.status.verified").to_owned(),
        (_, IdentityResult::Mismatch) => ui.t("registry.status.mismatch").to_owned(),
        (_, IdentityResult::NotFound) => ui.t("registry.status.not_found").to_owned(),
        (_, IdentityResult::Unavailable) => ui.t("registry.status.unavailable").to_owned(),
    }
}

/// A look-up's failure as the visitor reads it: too many look-ups lately (with the minutes to
/// wait, in their language), or what the application layer says otherwise.
pub(crate) fn lookup_error(ui: &Ui, e: app::ServiceError) -> AppError {
    match e {
        app::ServiceError::Limited { wait } => AppError::Limited(
            ui.t_n("registry.error.limited", app::limits::minutes(wait)),
            wait.as_secs(),
        ),
        other => AppError::from(other),
    }
}
