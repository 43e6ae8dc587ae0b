//! "My papers" (giấy tờ của tôi): every paper the signed-in citizen has handed in with their
//! dossiers, to open again and to reuse in a new application without uploading it twice
//! (Decree 45/2020/NĐ-CP, Art. 9: a citizen is not asked again for papers the system already
//! holds). Ownership is the account stored with the dossier; a paper of anyone else answers
//! "not found".

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::AppState;
use crate::edge::citizen::Citizen;
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;
use crate::views::local_datetime;

/// Most papers listed (and offered for reuse).
struct PaperRow {
    href: String,
    component: String,
    file_name: String,
    size: String,
    dossier_code: String,
    added: String,
    /// An electronic result the agency issued, not a paper the citizen handed in.
    result: bool,
}

#[derive(Template)]
#[template(path = "account/papers.html")]
struct PapersPage {
    ui: Ui,
    papers: Vec<PaperRow>,
}

/// The list.
pub async fn page(
    State(state): State<AppState>,
    ui: Ui,
    citizen: Citizen,
) -> Result<Response, AppError> {
    let papers = crate::edge::uploads::of_account(&state, &citizen.id)
        .await?
        .into_iter()
        .map(|p| PaperRow {
            href: format!("/account/papers/{}", p.sha256),
            size: crate::edge::uploads::size_text(&ui, p.size_bytes),
            added: local_datetime(&ui, p.added_at),
            result: p.purpose == app::dossiers::PaperPurpose::Result.as_str(),
            component: p.component,
            file_name: p.file_name,
            dossier_code: p.dossier_code,
        })
        .collect();
    render(&PapersPage { ui, papers })
}

/// One paper, if it is the account's.
pub async fn open(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(sha256): Path<String>,
) -> Result<Response, AppError> {
    let paper = app::accounts::citizens::paper_of(&state.db, &citizen.id, &sha256)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::edge::uploads::paper_file(&state, &paper.sha256, &paper.media_type, &paper.file_name)
        .await
}
