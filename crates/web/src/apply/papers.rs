//! The paper pages of an application: one per paper the procedure requires, with a file upload
//! (`multipart/form-data`, no JavaScript), the choice of a file already uploaded in this draft,
//! and, for optional papers, "I do not hand this in". Files are checked by their content, stored
//! durably under their hash, then recorded; a refused file changes nothing already accepted.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::catalogue::{Component, Procedure};
use domain::paper::{PaperProblem, check, safe_file_name};
use storage::papers::AccountPaper;

use super::draft::{Draft, PaperAnswer, Step, Upload};
use super::questions::back_href;
use super::{ErrorItem, draft_id, paper_store, render_with, see_other};
use crate::AppState;
use crate::account::Viewer;
use crate::error::AppError;
use crate::forms;
use crate::ui::Ui;
use crate::views;

/// A form post with files: the text fields and the files, in order.
pub(crate) struct Posted {
    /// Text fields.
    pub fields: Vec<(String, String)>,
    /// Files: (field name, file name as sent, bytes); empty file inputs are left out.
    pub files: Vec<(String, String, Vec<u8>)>,
    /// The body was larger than the route accepts.
    pub too_large: bool,
}

/// Reads a multipart form. A body over the limit is reported, not failed, so the page can say
/// so in words.
pub(crate) async fn read_multipart(mut multipart: Multipart) -> Result<Posted, AppError> {
    let mut posted = Posted {
        fields: Vec::new(),
        files: Vec::new(),
        too_large: false,
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                posted.too_large = true;
                break;
            }
            Err(e) => return Err(AppError::BadRequest(e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                posted.too_large = true;
                break;
            }
            Err(e) => return Err(AppError::BadRequest(e.body_text())),
        };
        match file_name {
            // A file input left empty sends an empty part with an empty name.
            Some(file_name) if file_name.is_empty() && bytes.is_empty() => {}
            Some(file_name) => posted.files.push((name, file_name, bytes.to_vec())),
            None => posted.fields.push((
                name,
                String::from_utf8_lossy(&bytes).chars().take(2000).collect(),
            )),
        }
    }
    Ok(posted)
}

/// Message key of a refused file.
pub(crate) fn problem_key(problem: PaperProblem) -> &'static str {
    match problem {
        PaperProblem::Empty => "apply.error.file_empty",
        PaperProblem::TooLarge => "apply.error.file_too_large",
        PaperProblem::WrongType => "apply.error.file_type",
    }
}

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
    state
        .db
        .record_paper_blob(&upload.sha256, &upload.media_type, upload.size_bytes)
        .await?;
    Ok(Ok(upload))
}

/// Checks a file by its content and stores it durably, without recording it: for a paper
/// attached in the same request (an API submission, a supplement, a result), whose transaction
/// records it (one write per request instead of one more per paper).
pub(crate) async fn store_file(
    state: &AppState,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Result<Upload, &'static str>, AppError> {
    let kind = match check(&bytes) {
        Ok(kind) => kind,
        Err(problem) => return Ok(Err(problem_key(problem))),
    };
    let store = paper_store(state);
    let put = tokio::task::spawn_blocking(move || store.put(&bytes))
        .await
        .map_err(|e| AppError::Internal(format!("paper store task: {e}")))??;
    Ok(Ok(Upload {
        sha256: put.sha256,
        file_name: safe_file_name(file_name, kind),
        media_type: kind.media_type().to_owned(),
        size_bytes: put.size_bytes,
    }))
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

/// Size in words: "1,2 MB", "35 KB".
pub(crate) fn size_text(ui: &Ui, bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        let tenths = bytes * 10 / (1024 * 1024);
        let sep = if ui.is_en() { '.' } else { ',' };
        format!("{}{sep}{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", u64::try_from(bytes).unwrap_or(0).div_ceil(1024))
    }
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
        Some(account) => crate::account::papers::of_account(state, account).await,
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
