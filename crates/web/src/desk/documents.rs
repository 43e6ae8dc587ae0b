//! The forms a dossier's decisions produce (Circular 03/2025/TT-VPCP, Annex I, Forms 01–05), built
//! from the dossier and its log and rendered as PDF by the `documents` crate. Officers open them
//! from the dossier page; the applicant opens them through the verification link printed in
//! their QR code. Forms are legal documents, so they are always in Vietnamese.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use documents::{Applicant, Document, Letterhead, Paper, Signatory};
use domain::applicant::ApplicantField;
use domain::calendar::VIETNAM_OFFSET;
use domain::dossier::{Actor, Change, Event, ReturnMethod, Status};
use time::OffsetDateTime;

use super::Officer;
use super::dossier_page::load;
use super::verify::verification_url;
use crate::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::ui::Ui;
use crate::views;
use app::ReferenceData;
use app::dossiers::{ContactRecord, DossierService, DossierView, requested_return};

/// "08 giờ 30 phút, ngày 27 tháng 11 năm 2026", as the forms write a moment.
pub(crate) fn moment_vi(at: OffsetDateTime) -> String {
    let t = at.to_offset(VIETNAM_OFFSET);
    format!(
        "{:02} giờ {:02} phút, ngày {:02} tháng {:02} năm {}",
        t.hour(),
        t.minute(),
        t.day(),
        u8::from(t.month()),
        t.year()
    )
}

/// "ngày 27 tháng 11 năm 2026".
fn day_vi(at: OffsetDateTime) -> String {
    let t = at.to_offset(VIETNAM_OFFSET);
    format!(
        "ngày {:02} tháng {:02} năm {}",
        t.day(),
        u8::from(t.month()),
        t.year()
    )
}

pub(crate) fn vi() -> Ui {
    Ui {
        lang: Lang::Vi,
        path: "/".into(),
        path_and_query: "/".into(),
        back_office: true,
    }
}

/// The province's short name for "Bắc Ninh, ngày …": the provincial committee's name after
/// "tỉnh" or "thành phố".
fn place(data: &ReferenceData) -> String {
    data.catalogue
        .agencies
        .iter()
        .find(|a| a.parent.is_none())
        .map(|a| {
            let name = a.name.as_str();
            name.rsplit_once(" tỉnh ")
                .or_else(|| name.rsplit_once(" thành phố "))
                .map_or(name, |(_, p)| p)
                .to_owned()
        })
        .unwrap_or_default()
}

pub(crate) fn letterhead(
    data: &ReferenceData,
    agency_code: &str,
    at: OffsetDateTime,
) -> Letterhead {
    let agency = data.agency(agency_code);
    let parent = agency
        .and_then(|a| a.parent.as_deref())
        .and_then(|p| data.agency(p));
    Letterhead {
        parent_agency: parent.map_or_else(String::new, |p| p.name.to_uppercase()),
        agency: agency.map_or_else(|| agency_code.to_owned(), |a| a.name.to_uppercase()),
        number: None,
        place_and_date: format!("{}, {}", place(data), day_vi(at)),
    }
}

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
        Some(Actor::Officer { officer_id, .. }) => state
            .db
            .officer_by_username(officer_id)
            .await
            .ok()
            .flatten()
            .map_or_else(|| officer_id.clone(), |o| o.full_name),
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
        let attached = state
            .db
            .dossier_papers(view.stored.id)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "listing a dossier's papers for its receipt");
                Vec::new()
            });
        names = attached
            .into_iter()
            .filter(|p| p.purpose == storage::papers::PaperPurpose::Application)
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

/// Renders a form as a PDF response; typesetting is CPU work, so it runs off the async threads.
pub(crate) async fn pdf_response(
    document: Document,
    code: &str,
    form: &str,
) -> Result<Response, AppError> {
    let bytes = tokio::task::spawn_blocking(move || documents::render(&document))
        .await
        .map_err(|e| AppError::Internal(format!("render task: {e}")))?
        .map_err(|e| AppError::Internal(format!("render: {e}")))?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{code}-{form}.pdf\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
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
    let papers = state.db.dossier_papers(view.stored.id).await?;
    Ok(papers
        .into_iter()
        .map(|p| {
            let purpose = match p.purpose {
                storage::papers::PaperPurpose::Application => ui.t("desk.paper.application"),
                storage::papers::PaperPurpose::Supplement => ui.t("desk.paper.supplement"),
                storage::papers::PaperPurpose::Result => ui.t("desk.paper.result"),
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
    let paper = state
        .db
        .dossier_papers(view.stored.id)
        .await?
        .into_iter()
        .find(|p| p.position == position)
        .ok_or(AppError::NotFound)?;
    paper_file(&state, &paper.sha256, &paper.media_type, &paper.file_name).await
}

/// An uploaded paper as a download: its sniffed media type, its safe name, never cached or
/// run in the portal's origin. Shared by officers' and citizens' views of their papers.
pub(crate) async fn paper_file(
    state: &AppState,
    sha256: &str,
    media_type: &str,
    file_name: &str,
) -> Result<Response, AppError> {
    let store = storage::PaperStore::new(&state.attachments_dir);
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
