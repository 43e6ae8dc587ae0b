//! The electronic result (kết quả điện tử): the signed decision, certificate or licence the
//! agency issues, attached as a file when the officer marks the result ready. It is kept with
//! the dossier and in the applicant's "my papers" (their data warehouse, Decree 45/2020/NĐ-CP),
//! where they open it and reuse it in later applications, and it is what a result returned
//! online consists of. The form is `multipart/form-data`; the file and the state change are
//! recorded in one transaction, so a refused file or a refused action attaches nothing (the
//! content store keeps the bytes under their hash, as for any upload).

use app::dossiers::PaperPurpose;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::dossier::{Action, ActionKind, ReturnMethod};
use time::OffsetDateTime;

use super::dossier_page::{Attempt, load, may_act, render_page};
use crate::AppState;
use crate::edge::officer::Officer;
use crate::edge::uploads::{read_multipart, store_file};
use crate::error::AppError;
use crate::forms;
use crate::ui::Ui;
use app::ServiceError;
use app::dossiers::{DossierService, DossierView, Outcome};

/// The form's action name, as the other action forms name theirs.
const ACTION: &str = ActionKind::MarkResultReady.name();
/// The file field.
const FILE_FIELD: &str = "result_file";
/// Longest component label kept from the procedure's description of its result.
const MAX_LABEL: usize = 200;

/// Whether this dossier's result must come with its file: the applicant asked for it online
/// (the service refuses it otherwise; the form marks the field required).
pub(super) fn file_required(view: &DossierView) -> bool {
    app::dossiers::requested_return(view.stored.applicant_contact.as_deref())
        .is_some_and(ReturnMethod::needs_electronic_result)
}

/// Marks the result ready, with its electronic file when one is sent.
pub(crate) async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(code): Path<String>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let posted = read_multipart(multipart).await?;
    officer.check_csrf(&posted.fields)?;
    let data = state.reference.get();
    // Not one's unit: the same "not found" as a code that does not exist.
    let view = load(&state, &data, &officer, &code).await?;
    may_act(&officer, &view)?;
    let refuse = |key: &str| Attempt {
        action: ACTION.to_owned(),
        fields: posted.fields.clone(),
        errors: vec![(format!("{ACTION}-{FILE_FIELD}"), ui.t(key).to_owned())],
        reveal_personal_id: false,
    };
    if posted.too_large {
        let attempt = refuse("apply.error.file_too_large");
        return render_page(&state, ui, officer, &code, attempt, None).await;
    }
    let file = posted
        .files
        .into_iter()
        .find(|(name, _, _)| name == FILE_FIELD);
    let mut papers = Vec::new();
    if let Some((_, file_name, bytes)) = file {
        match store_file(&state, &file_name, bytes).await? {
            Ok(upload) => {
                let label: String = data
                    .procedure(&view.state.procedure_code)
                    .map(|p| p.result.trim().chars().take(MAX_LABEL).collect())
                    .filter(|l: &String| !l.is_empty())
                    .unwrap_or_else(|| ui.t("desk.paper.result").to_owned());
                papers.push(upload.attach_as(&label, PaperPurpose::Result));
            }
            Err(key) => {
                let attempt = refuse(key);
                return render_page(&state, ui, officer, &code, attempt, None).await;
            }
        }
    }
    let location = format!("/back-office/dossiers/{}?done={ACTION}", view.stored.code);
    let idempotency = forms::token_of(&posted.fields).and_then(|token| {
        forms::idempotency(
            &format!("form:action:{}", view.stored.code),
            token,
            &posted.fields,
        )
    });
    let answer_location = location.clone();
    let answer = move |_: &DossierView| forms::redirect_answer(&answer_location);
    let version = super::field(&posted.fields, "version").parse::<i64>().ok();
    let service = DossierService::new(&state.db, &state.vault, &data);
    let outcome = service
        .act_with_papers(
            &view.stored.code,
            version,
            &officer.actor(),
            &Action::MarkResultReady,
            OffsetDateTime::now_utc(),
            idempotency
                .as_ref()
                .map(|i| (i, &answer as &app::dossiers::Answer<'_>)),
            &papers,
        )
        .await;
    match outcome {
        Ok(Outcome::Done(_)) => Ok(Redirect::to(&location).into_response()),
        Ok(Outcome::Replayed(answer)) => Ok(forms::replay(&answer)),
        // Said at the file field, where the officer attaches it.
        Err(ServiceError::Refused {
            code: "result_file_missing",
            ..
        }) => {
            let attempt = refuse("desk.error.result_file_missing");
            render_page(&state, ui, officer, &code, attempt, None).await
        }
        Err(ServiceError::Refused { code: reason, .. }) => {
            let mut attempt = refuse("desk.error.conflict");
            attempt.errors = vec![(
                format!("{ACTION}-action"),
                ui.t(&format!("desk.refusal.{reason}")).to_owned(),
            )];
            render_page(&state, ui, officer, &code, attempt, None).await
        }
        Err(ServiceError::Conflict) => {
            let mut attempt = refuse("desk.error.conflict");
            attempt.errors[0].0 = format!("{ACTION}-action");
            render_page(&state, ui, officer, &code, attempt, None).await
        }
        Err(ServiceError::KeyReused) => Err(AppError::BadRequest(
            ui.t("desk.error.key_reused").to_owned(),
        )),
        Err(e) => Err(crate::error::AppError::from(e)),
    }
}
