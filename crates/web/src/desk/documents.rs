//! The forms a dossier's decisions produce (Circular 03/2025/TT-VPCP, Annex I, Forms 01–05), built
//! from the dossier and its log and rendered as PDF by the `documents` crate. Officers open them
//! from the dossier page; the applicant opens them through the verification link printed in
//! their QR code. Forms are legal documents, so they are always in Vietnamese.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use documents::{Applicant, Document, Paper, Signatory};
use domain::applicant::ApplicantField;
use domain::dossier::{Actor, Change, Event, ReturnMethod, Status};

use super::dossier_page::load;
use crate::AppState;
use crate::edge::links::verification_url;
use crate::edge::officer::Officer;
use crate::edge::pdf::{day_vi, letterhead, moment_vi, pdf_response, vi};
use crate::error::AppError;
use crate::ui::Ui;
use crate::views;
use app::ReferenceData;
use app::dossiers::{ContactRecord, DossierService, DossierView, requested_return};

fn applicant(view: &DossierView) -> Applicant {
    let record = ContactRecord::read(view.stored.applicant_contact.as_deref()).unwrap_or_default();
    Applicant {
        name: view.stored.applicant_name.clone(),
        address: record.text(ApplicantField::Address).unwrap_or_default(),
        phone: record.text(ApplicantField::Phone),
        email: record.text(ApplicantField::Email),
    }
}

/// The last event of a kind, with the officer who recorded it.
fn last<'e>(events: &'e [Event], kind: &str) -> Option<&'e Event> {
    events.iter().rev().find(|e| e.kind() == kind)
}

async fn signatory(state: &AppState, event: Option<&Event>, title: &str) -> Signatory {
    let name = match event.map(|e| &e.actor) {
        Some(Actor::Officer { officer_id, .. }) => {
            app::accounts::officers::by_username(&state.db, officer_id)
                .await
                .ok()
                .flatten()
                .map_or_else(|| officer_id.clone(), |o| o.full_name)
        }
        _ => String::new(),
    };
    Signatory {
        title: title.to_owned(),
        name,
    }
}

fn reasons_of(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn paper_of(ui: &Ui, c: &domain::catalogue::Component) -> Paper {
    Paper {
        name: c.name.clone(),
        form: views::paper_form_text(ui, c.form, c.count),
        count: c.count,
    }
}

/// The papers the receipt (Form 01, item 1) lists: those ticked at the counter, or for an
/// online dossier those uploaded with the application; for a dossier registered before papers
/// were recorded, the procedure's required papers.
async fn received_papers(
    state: &AppState,
    procedure: Option<&domain::catalogue::Procedure>,
    view: &DossierView,
    events: &[Event],
    ui: &Ui,
) -> Vec<Paper> {
    let Some(procedure) = procedure else {
        return Vec::new();
    };
    let mut names: Vec<String> = match events.first().map(|e| &e.change) {
        Some(Change::Submitted { papers, .. }) => papers.clone(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        // A listing failure prints the procedure's list rather than no receipt at all.
        let attached = app::dossiers::papers_of(&state.db, view.stored.id)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "listing a dossier's papers for its receipt");
                Vec::new()
            });
        names = attached
            .into_iter()
            .filter(|p| p.purpose == app::dossiers::PaperPurpose::Application)
            .map(|p| p.component)
            .collect();
    }
    let listed: Vec<Paper> = procedure
        .components
        .iter()
        .filter(|c| names.contains(&c.name))
        .map(|c| paper_of(ui, c))
        .collect();
    if listed.is_empty() {
        procedure
            .components
            .iter()
            .filter(|c| c.required)
            .map(|c| paper_of(ui, c))
            .collect()
    } else {
        listed
    }
}

/// The form `form` of a dossier, when the dossier has reached the point that issues it.
async fn build(
    state: &AppState,
    data: &ReferenceData,
    view: &DossierView,
    events: &[Event],
    form: &str,
) -> Option<Document> {
    let ui = vi();
    let s = &view.state;
    let procedure = data.procedure(&s.procedure_code);
    let procedure_name = procedure.map_or_else(|| s.procedure_code.clone(), |p| p.name.clone());
    let url = verification_url(&state.public_url, view, Some(form));
    let holder = &view.stored.agency_code;
    match form {
        "receipt" => {
            let accepted = last(events, "accepted")?;
            let appointment = s.appointment?;
            let papers = received_papers(state, procedure, view, events, &ui).await;
            let delivery = match requested_return(view.stored.applicant_contact.as_deref()) {
                Some(ReturnMethod::Post) => "Dịch vụ bưu chính công ích",
                Some(ReturnMethod::Online) => "Trả kết quả điện tử trên Cổng dịch vụ công",
                Some(ReturnMethod::Counter) | None => "Bộ phận Một cửa",
            };
            Some(Document::Receipt(documents::Receipt {
                letterhead: letterhead(data, holder, accepted.at),
                dossier_code: view.stored.code.clone(),
                applicant: applicant(view),
                procedure: procedure_name,
                papers,
                dossier_sets: 1,
                processing_time: procedure
                    .map(|p| views::duration_text(&ui, p.duration))
                    .unwrap_or_default(),
                received_at: moment_vi(s.received_at.unwrap_or(accepted.at)),
                appointment_at: moment_vi(appointment),
                result_delivery: delivery.to_owned(),
                officer: signatory(state, Some(accepted), "NGƯỜI TIẾP NHẬN").await,
                verification_url: url,
            }))
        }
        "supplement" => {
            let event = last(events, "supplement_requested")?;
            let Change::SupplementRequested { reasons, .. } = &event.change else {
                return None;
            };
            let agency = data.agency(holder);
            Some(Document::SupplementRequest(documents::SupplementRequest {
                letterhead: letterhead(data, holder, event.at),
                dossier_code: Some(view.stored.code.clone()),
                applicant: applicant(view),
                procedure: procedure_name,
                papers_to_add: match (&event.change, procedure) {
                    (Change::SupplementRequested { papers, .. }, Some(p)) => papers
                        .iter()
                        .filter_map(|name| p.component(name))
                        .map(|c| paper_of(&ui, c))
                        .collect(),
                    _ => Vec::new(),
                },
                reasons: reasons_of(reasons),
                contact: agency
                    .and_then(|a| a.phone.clone())
                    .map_or_else(String::new, |p| format!("điện thoại {p}")),
                officer: signatory(state, Some(event), "NGƯỜI HƯỚNG DẪN").await,
                verification_url: url,
            }))
        }
        "refusal" if s.status == Status::Refused => {
            let event = last(events, "refused")?;
            let Change::Refused { reasons } = &event.change else {
                return None;
            };
            Some(Document::Refusal(documents::Refusal {
                letterhead: letterhead(data, holder, event.at),
                dossier_code: Some(view.stored.code.clone()),
                applicant: applicant(view),
                procedure: procedure_name,
                reasons: reasons_of(reasons),
                officer: signatory(state, Some(event), "NGƯỜI TIẾP NHẬN").await,
                verification_url: url,
            }))
        }
        "apology" => {
            let apology = s.apology.as_ref()?;
            let event = last(events, "apologised");
            Some(Document::Apology(documents::Apology {
                letterhead: letterhead(data, &s.holder, apology.issued_at),
                dossier_code: view.stored.code.clone(),
                applicant: applicant(view),
                procedure: procedure_name,
                received_at: day_vi(s.received_at?),
                appointment_at: day_vi(s.appointment?),
                reasons: reasons_of(&apology.reasons),
                new_appointment_at: day_vi(apology.new_due),
                recipients: vec!["Như trên".into(), "Lưu: VT".into()],
                signatory: signatory(state, event, "THỦ TRƯỞNG CƠ QUAN").await,
                verification_url: url,
            }))
        }
        "stop" if s.status == Status::Stopped => {
            let event = last(events, "stopped")?;
            let Change::Stopped { reasons } = &event.change else {
                return None;
            };
            Some(Document::StopNotice(documents::StopNotice {
                letterhead: letterhead(data, &s.holder, event.at),
                dossier_code: view.stored.code.clone(),
                applicant: applicant(view),
                procedure: procedure_name,
                received_at: day_vi(s.received_at.unwrap_or(view.stored.submitted_at)),
                reasons: reasons_of(reasons),
                recipients: vec!["Như trên".into(), "Lưu: VT".into()],
                signatory: signatory(state, Some(event), "THỦ TRƯỞNG CƠ QUAN").await,
                verification_url: url,
            }))
        }
        _ => None,
    }
}

async fn document_of(
    state: &AppState,
    data: &ReferenceData,
    view: &DossierView,
    form: &str,
) -> Result<Response, AppError> {
    let service = DossierService::new(&state.db, &state.vault, data);
    let events = service
        .timeline(view)
        .await
        .map_err(crate::error::AppError::from)?;
    let document = build(state, data, view, &events, form)
        .await
        .ok_or(AppError::NotFound)?;
    pdf_response(document, &view.stored.code, form).await
}

/// A form of a dossier, for an officer who may see it.
pub async fn officer_pdf(
    State(state): State<AppState>,
    officer: Officer,
    Path((code, form)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let view = load(&state, &data, &officer, &code).await?;
    document_of(&state, &data, &view, &form).await
}

/// A form of a dossier, for whoever holds the key printed with it (the applicant).
pub async fn public_pdf(
    State(state): State<AppState>,
    Path((code, form)): Path<(String, String)>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let view = super::verify::load_with_key(&state, &data, &code, &q).await?;
    document_of(&state, &data, &view, &form).await
}

/// The dossier's papers for the dossier page: (name, download link, detail).
pub async fn paper_rows(
    state: &AppState,
    ui: &Ui,
    view: &DossierView,
) -> Result<Vec<(String, String, String)>, AppError> {
    let papers = app::dossiers::papers_of(&state.db, view.stored.id).await?;
    Ok(papers
        .into_iter()
        .map(|p| {
            let purpose = match p.purpose {
                app::dossiers::PaperPurpose::Application => ui.t("desk.paper.application"),
                app::dossiers::PaperPurpose::Supplement => ui.t("desk.paper.supplement"),
                app::dossiers::PaperPurpose::Result => ui.t("desk.paper.result"),
            };
            // Supplements are not tied to one paper of the procedure.
            let component = if p.component == "supplement" {
                ui.t("desk.paper.supplement").to_owned()
            } else {
                p.component.clone()
            };
            (
                format!("{component} – {}", p.file_name),
                format!(
                    "/back-office/dossiers/{}/papers/{}",
                    view.stored.code, p.position
                ),
                format!(
                    "{purpose} · {} · {} KB · {}",
                    p.media_type,
                    p.size_bytes.max(0).unsigned_abs().div_ceil(1024),
                    views::local_datetime(ui, p.added_at)
                ),
            )
        })
        .collect())
}

/// One paper of a dossier, for an officer who may see the dossier. The bytes are checked against
/// their SHA-256 on the way out, so a file changed on disk is refused rather than served.
pub async fn officer_paper(
    State(state): State<AppState>,
    officer: Officer,
    Path((code, position)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let view = load(&state, &data, &officer, &code).await?;
    let paper = app::dossiers::papers_of(&state.db, view.stored.id)
        .await?
        .into_iter()
        .find(|p| p.position == position)
        .ok_or(AppError::NotFound)?;
    crate::edge::uploads::paper_file(&state, &paper.sha256, &paper.media_type, &paper.file_name)
        .await
}
