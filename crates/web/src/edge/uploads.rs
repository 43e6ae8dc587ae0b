//! Uploaded papers, as every feature that takes or shows them handles them: reading a form with
//! files, checking a file by its content and storing it durably under its hash, the size in
//! words, the account's earlier papers, and serving a stored paper as a download. The online
//! application, the citizen's supplement, the officer's result and the API's applications all
//! take files the same way, and citizens and officers open them the same way.

use app::PaperStore;
use app::accounts::citizens::AccountPaper;
use axum::extract::Multipart;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::paper::{PaperProblem, check, safe_file_name};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::AppError;
use crate::ui::Ui;

/// Earlier papers of an account offered at most.
const LISTED: i64 = 200;

/// A paper checked and stored: what a draft offers again, and what a dossier attaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Upload {
    /// SHA-256 of the content (also its name in the store).
    pub sha256: String,
    /// File name as uploaded, made safe.
    pub file_name: String,
    /// Media type found by sniffing.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
}

impl Upload {
    /// The paper to attach to a dossier as `component`, for `purpose`.
    pub fn attach_as(
        &self,
        component: &str,
        purpose: app::dossiers::PaperPurpose,
    ) -> app::dossiers::NewDossierPaper {
        app::dossiers::NewDossierPaper {
            component: component.to_owned(),
            sha256: self.sha256.clone(),
            file_name: self.file_name.clone(),
            media_type: self.media_type.clone(),
            size_bytes: self.size_bytes,
            purpose,
        }
    }
}

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
fn problem_key(problem: PaperProblem) -> &'static str {
    match problem {
        PaperProblem::Empty => "apply.error.file_empty",
        PaperProblem::TooLarge => "apply.error.file_too_large",
        PaperProblem::WrongType => "apply.error.file_type",
    }
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

/// The account's papers, each content once (the newest hand-in of it), newest first.
pub(crate) async fn of_account(
    state: &AppState,
    account: &str,
) -> Result<Vec<AccountPaper>, AppError> {
    let mut seen = std::collections::HashSet::new();
    Ok(
        app::accounts::citizens::papers_of(&state.db, account, LISTED)
            .await?
            .into_iter()
            .filter(|p| seen.insert(p.sha256.clone()))
            .collect(),
    )
}

/// The attachment store (`AppState::attachments_dir`, `<data_dir>/attachments` in `motcua serve`).
pub(crate) fn paper_store(state: &AppState) -> PaperStore {
    PaperStore::new(&state.attachments_dir)
}

/// An uploaded paper as a download: its sniffed media type, its safe name, never cached or
/// run in the portal's origin. Shared by officers' and citizens' views of their papers.
pub(crate) async fn paper_file(
    state: &AppState,
    sha256: &str,
    media_type: &str,
    file_name: &str,
) -> Result<Response, AppError> {
    let store = app::PaperStore::new(&state.attachments_dir);
    let sha = sha256.to_owned();
    let bytes = tokio::task::spawn_blocking(move || store.open(&sha))
        .await
        .map_err(|e| AppError::Internal(format!("paper task: {e}")))??
        .ok_or_else(|| AppError::Internal(format!("paper {sha256} missing from the store")))?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(media_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    // The stored name is already made safe; quotes are the only thing left to keep out.
    let name = file_name.replace('"', "");
    let disposition = format!(
        "inline; filename*=UTF-8''{}",
        crate::ui::percent_encode(&name)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // An uploaded PDF must not run script in the portal's origin.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(response)
}
