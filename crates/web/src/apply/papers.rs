//! The paper pages of an application: one per paper the procedure requires, with a file upload
//! (`multipart/form-data`, no JavaScript), the choice of a file already uploaded in this draft,
//! and, for optional papers, "I do not hand this in". Files are checked by their content, stored
//! durably under their hash, then recorded; a refused file changes nothing already accepted.

use app::accounts::citizens::AccountPaper;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::catalogue::{Component, Procedure};

use super::draft::{Draft, PaperAnswer, Step};
use super::questions::back_href;
use super::{ErrorItem, draft_id, render_with, see_other};
use crate::AppState;
use crate::edge::citizen::Viewer;
use crate::edge::uploads::{self, Upload, read_multipart, size_text, store_file};
use crate::error::AppError;
use crate::forms;
use crate::ui::Ui;
use crate::views;

/// Checks a file by its content, stores it durably and records it; the refusal's message key
/// when it is not acceptable.
pub(crate) async fn accept_file(
    state: &AppState,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Result<Upload, &'static str>, AppError> {
    let upload = match store_file(state, file_name, bytes).await? {
        Ok(upload) => upload,
        Err(key) => return Ok(Err(key)),
    };
    app::drafts::record_paper(
        &state.db,
        &upload.sha256,
        &upload.media_type,
        upload.size_bytes,
    )
    .await?;
    Ok(Ok(upload))
}

/// A file uploaded earlier, offered again.
struct Earlier {
    sha256: String,
    file_name: String,
    size_text: String,
    checked: bool,
    /// The earlier dossier it comes from, for a paper from "my papers".
    from_dossier: Option<String>,
}

#[derive(Template)]
#[template(path = "apply/paper.html")]
struct PaperPage {
    ui: Ui,
    procedure_name: String,
    heading: String,
    form_text: String,
    paper_template: Option<String>,
    note: Option<String>,
    optional: bool,
    current: Option<String>,
    earlier: Vec<Earlier>,
    back_href: String,
    action: String,
    token: String,
    errors: Vec<ErrorItem>,
    error: Option<&'static str>,
    progress: String,
}

fn component<'a>(procedure: &'a Procedure, n: &str) -> Result<(usize, &'a Component), AppError> {
    let n: usize = n.parse().map_err(|_| AppError::NotFound)?;
    let index = n.checked_sub(1).ok_or(AppError::NotFound)?;
    procedure
        .components
        .get(index)
        .map(|c| (index, c))
        .ok_or(AppError::NotFound)
}

/// What a page offers besides a new upload: this draft's uploads, then the papers of the
/// signed-in account's earlier dossiers ("my papers") not among them.
struct Offered<'a> {
    chosen: Option<&'a str>,
    mine: &'a [AccountPaper],
}

fn paper_page(
    ui: &Ui,
    draft: &Draft,
    procedure: &Procedure,
    index: usize,
    c: &Component,
    offered: Offered<'_>,
    error: Option<&'static str>,
) -> PaperPage {
    let chosen = offered.chosen;
    let current = match draft.answers.papers.get(index) {
        Some(Some(PaperAnswer::File { sha256 })) => Some(sha256.clone()),
        _ => None,
    };
    let selected = chosen.map(str::to_owned).or_else(|| current.clone());
    PaperPage {
        ui: ui.clone(),
        procedure_name: ui.pick(&procedure.name, &procedure.name_en).to_owned(),
        heading: c.name.clone(),
        form_text: views::paper_form_text(ui, c.form, c.count),
        paper_template: c.template.clone(),
        note: c.note.clone(),
        optional: !c.required,
        current: current
            .as_deref()
            .and_then(|s| draft.answers.upload(s))
            .map(|u| u.file_name.clone()),
        earlier: draft
            .answers
            .uploads
            .iter()
            .map(|u| Earlier {
                sha256: u.sha256.clone(),
                file_name: u.file_name.clone(),
                size_text: size_text(ui, u.size_bytes),
                checked: selected.as_deref() == Some(u.sha256.as_str()),
                from_dossier: None,
            })
            .chain(
                offered
                    .mine
                    .iter()
                    .filter(|p| draft.answers.upload(&p.sha256).is_none())
                    .map(|p| Earlier {
                        sha256: p.sha256.clone(),
                        file_name: p.file_name.clone(),
                        size_text: size_text(ui, p.size_bytes),
                        checked: selected.as_deref() == Some(p.sha256.as_str()),
                        from_dossier: Some(p.dossier_code.clone()),
                    }),
            )
            .collect(),
        back_href: back_href(draft, procedure, Step::Paper(index)),
        action: Step::Paper(index).href(draft.id),
        token: forms::new_token(),
        errors: error
            .map(|message| {
                vec![ErrorItem {
                    field: "file",
                    message,
                }]
            })
            .unwrap_or_default(),
        error,
        progress: ui
            .t("apply.paper.progress")
            .replace("{n}", &(index + 1).to_string())
            .replace("{total}", &procedure.components.len().to_string()),
    }
}

/// Shows a paper page.
pub(crate) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ui: Ui,
    Path((id, n)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let draft = Draft::load(&state, draft_id(&id)?, &viewer).await?;
    if draft.submitted_code.is_some() {
        return Ok(see_other(&draft.done_href()));
    }
    let data = state.reference.get();
    let procedure = draft.procedure(&data)?;
    let (index, c) = component(procedure, &n)?;
    let mine = my_papers(&state, &viewer).await?;
    render_with(
        StatusCode::OK,
        &paper_page(
            &ui,
            &draft,
            procedure,
            index,
            c,
            Offered {
                chosen: None,
                mine: &mine,
            },
            None,
        ),
    )
}

/// The signed-in account's papers; none for a visitor without an account.
async fn my_papers(state: &AppState, viewer: &Viewer) -> Result<Vec<AccountPaper>, AppError> {
    match viewer.account() {
        Some(account) => uploads::of_account(state, account).await,
        None => Ok(Vec::new()),
    }
}

/// Takes a paper: a new file, one uploaded earlier, or (if optional) none.
pub(crate) async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    ui: Ui,
    Path((id, n)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let mut draft = Draft::load(&state, draft_id(&id)?, &viewer).await?;
    if draft.submitted_code.is_some() {
        return Ok(see_other(&draft.done_href()));
    }
    let data = state.reference.get();
    let procedure = draft.procedure(&data)?;
    let (index, c) = component(procedure, &n)?;
    let posted = read_multipart(multipart).await?;
    let mine = my_papers(&state, &viewer).await?;
    let field = |name: &str| {
        posted
            .fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let refuse = |draft: &Draft, chosen: Option<&str>, key: &str| {
        render_with(
            StatusCode::BAD_REQUEST,
            &paper_page(
                &ui,
                draft,
                procedure,
                index,
                c,
                Offered {
                    chosen,
                    mine: &mine,
                },
                Some(ui.t(key)),
            ),
        )
    };
    if posted.too_large {
        return refuse(&draft, None, "apply.error.file_too_large");
    }
    let reuse = field("reuse");
    // The skip button is sent only when pressed: it wins over a file still chosen or a
    // pre-selected earlier upload, so a citizen can always take an optional paper back out.
    let answer = if field("skip") == "1" && !c.required {
        PaperAnswer::Skipped
    } else if let Some((_, file_name, bytes)) =
        posted.files.into_iter().find(|(name, _, _)| name == "file")
    {
        match accept_file(&state, &file_name, bytes).await? {
            Ok(upload) => {
                let sha256 = upload.sha256.clone();
                if draft.answers.upload(&sha256).is_none() {
                    draft.answers.uploads.push(upload);
                }
                PaperAnswer::File { sha256 }
            }
            Err(key) => return refuse(&draft, None, key),
        }
    } else if !reuse.is_empty() && reuse != "new" {
        if draft.answers.upload(&reuse).is_none() {
            // A paper of the account's earlier dossier joins this draft's uploads; anything
            // else (someone else's hash typed into the form) is no paper here.
            let Some(p) = mine.iter().find(|p| p.sha256 == reuse) else {
                return refuse(&draft, None, "apply.error.file_missing");
            };
            draft.answers.uploads.push(Upload {
                sha256: p.sha256.clone(),
                file_name: p.file_name.clone(),
                media_type: p.media_type.clone(),
                size_bytes: p.size_bytes,
            });
        }
        PaperAnswer::File { sha256: reuse }
    } else {
        return refuse(&draft, None, "apply.error.file_missing");
    };
    draft.answers.set_paper(index, answer);
    if !draft.save(&state).await? {
        return Ok(see_other(&draft.done_href()));
    }
    Ok(see_other(&draft.next_href(procedure)))
}
