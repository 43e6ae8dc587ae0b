//! The applicant's personal ID on the dossier page: masked until an officer who may read the
//! dossier asks to see it whole and says why; each such view is recorded (who, dossier, reason,
//! when) and the latest are listed on the page for the unit and its inspectors to see (Law
//! 91/2025/QH15; Decree 13/2023/NĐ-CP, Art. 27). The number itself never reaches the logs.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use time::OffsetDateTime;

use super::dossier_page::{Attempt, render_page};
use super::field;
use crate::AppState;
use crate::edge::officer::Officer;
use crate::error::AppError;
use crate::ui::Ui;
use crate::views::local_datetime;

/// The reasons an officer may give, as stored codes.
pub const REASONS: [&str; 4] = ["verify_papers", "registry", "result", "inspection"];

/// How many recorded views the page lists.
const LISTED: i64 = 5;

/// One recorded view, as the page lists it.
pub struct ViewRow {
    /// Who.
    pub who: String,
    /// When.
    pub at: String,
    /// Why.
    pub reason: &'static str,
}

/// The panel under the applicant's details.
pub struct Panel {
    /// Whether the number is shown whole on this page.
    pub revealed: bool,
    /// The reasons offered: (code, label).
    pub reasons: Vec<(&'static str, &'static str)>,
    /// The latest recorded views.
    pub views: Vec<ViewRow>,
}

/// The panel of a dossier whose contact details hold a personal ID.
pub async fn panel(
    state: &AppState,
    ui: &Ui,
    code: &str,
    revealed: bool,
) -> Result<Panel, AppError> {
    let views = app::personal_data::views_of(&state.db, code, LISTED)
        .await?
        .into_iter()
        .map(|v| ViewRow {
            who: v.officer_name,
            at: local_datetime(ui, v.viewed_at),
            reason: ui.t(&format!("desk.personal_id.reason.{}", v.reason)),
        })
        .collect();
    Ok(Panel {
        revealed,
        reasons: REASONS
            .iter()
            .map(|r| (*r, ui.t(&format!("desk.personal_id.reason.{r}"))))
            .collect(),
        views,
    })
}

/// Shows the number whole, after recording who asked and why.
pub(crate) async fn reveal(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let reason = field(&fields, "reason");
    // Reading the dossier is what the policy decides; the page's own load refuses others (404).
    let data = state.reference.get();
    let view = super::dossier_page::load(&state, &data, &officer, &code).await?;
    drop(data);
    if !REASONS.contains(&reason) {
        return render_page(
            &state,
            ui.clone(),
            officer,
            &code,
            Attempt {
                action: "reveal_personal_id".into(),
                errors: vec![(
                    "reveal-reason".into(),
                    ui.t("desk.personal_id.error_reason").to_owned(),
                )],
                ..Attempt::default()
            },
            None,
        )
        .await;
    }
    app::personal_data::record_view(
        &state.db,
        &officer.id,
        &view.stored.code,
        reason,
        OffsetDateTime::now_utc(),
    )
    .await?;
    let response = render_page(
        &state,
        ui,
        officer,
        &code,
        Attempt {
            reveal_personal_id: true,
            ..Attempt::default()
        },
        None,
    )
    .await?;
    // The number is on this page.
    Ok(crate::edge::render::no_store(response))
}
