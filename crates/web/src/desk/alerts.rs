//! The officer's alerts page: the e-mail address their morning digest of dossiers overdue, due
//! today and due on the next working day goes to (`app::notifications::digest`), or none.

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

#[derive(Template)]
#[template(path = "desk/alerts.html")]
struct AlertsPage {
    ui: Ui,
    officer: Officer,
    /// The address in force, or what was typed when it was refused.
    email: String,
    /// Whether the officer's role receives a digest (handling officers and leaders).
    receives: bool,
    /// Whether e-mail is configured at all.
    configured: bool,
    error: Option<&'static str>,
    saved: bool,
}

fn receives(officer: &Officer) -> bool {
    matches!(
        officer.role,
        domain::dossier::OfficerRole::Handling | domain::dossier::OfficerRole::Leader
    )
}

/// The page.
pub(crate) async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let email = app::accounts::officers::digest_email(&state.db, &officer.id)
        .await?
        .unwrap_or_default();
    render(&AlertsPage {
        email,
        receives: receives(&officer),
        configured: state.notifier.mailer.is_some(),
        error: None,
        saved: field(&q, "done") == "saved",
        ui,
        officer,
    })
}

/// Records the address (empty: no digest).
pub(crate) async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let typed = field(&fields, "email");
    match app::accounts::officers::set_digest_email(&state.db, &officer.id, typed).await {
        Ok(()) => Ok(Redirect::to("/back-office/alerts?done=saved").into_response()),
        Err(app::ServiceError::Refused { .. }) => {
            let mut response = render(&AlertsPage {
                email: typed.to_owned(),
                receives: receives(&officer),
                configured: state.notifier.mailer.is_some(),
                error: Some("alerts.error_email"),
                saved: false,
                ui,
                officer,
            })?;
            *response.status_mut() = StatusCode::BAD_REQUEST;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}
