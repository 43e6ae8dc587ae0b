//! The national population database at the web edge: what an officer reads about an
//! applicant's identity, and the monthly report of look-ups. The look-up itself, its log and its
//! retry are `app::registry`.

pub(crate) mod report;

use crate::AppState;

/// Routes of the look-up report.
pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/back-office/reports/registry-lookups",
        axum::routing::get(report::page),
    )
}

/// What the officer reads about the applicant's identity: verified against the database, by an
/// officer (with the reasons), not verified, the database's disagreement, or no answer yet (the
/// system will ask again).
pub(crate) fn status_text(
    ui: &crate::ui::Ui,
    check: Option<&domain::dossier::IdentityCheck>,
) -> String {
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
pub(crate) fn lookup_error(ui: &crate::ui::Ui, e: app::ServiceError) -> crate::error::AppError {
    match e {
        app::ServiceError::Limited { wait } => crate::error::AppError::Limited(
            ui.t_n("registry.error.limited", app::limits::minutes(wait)),
        ),
        other => crate::error::AppError::from(other),
    }
}
