//! The end of an application: "check your answers" with a Change link per answer, the submission
//! through the dossier service (one dossier per form token, however often the button is
//! pressed), and the confirmation with the dossier code, what happens next and the expected
//! appointment if the dossier is accepted.

use app::dossiers::PaperPurpose;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::applicant::{ApplicantDetails, ApplicantField, ApplicantForm, Intake, PhoneNumber};
use domain::catalogue::Procedure;
use domain::dossier::{Actor, Applicant, ApplicantKind, ReturnMethod};
use time::OffsetDateTime;

use super::draft::{Draft, PaperAnswer, Step};
use super::questions::show_date;
use super::{draft_id, render_with, see_other};
use crate::AppState;
use crate::edge::citizen::Viewer;
use crate::error::AppError;
use crate::forms;
use crate::ui::Ui;
use app::ServiceError;
use app::dossiers::{Application, DossierService, Opening, Outcome};

/// One row of the summary list.
struct Row {
    label: String,
    value: String,
    change_href: String,
}

#[derive(Template)]
#[template(path = "apply/check.html")]
struct CheckPage {
    ui: Ui,
    procedure_name: String,
    rows: Vec<Row>,
    paper_rows: Vec<Row>,
    back_href: String,
    action: String,
    token: String,
    /// What the fees come to for an online application today, with the counter price when the
    /// online one is lower; `None` when the procedure is free.
    fees: Option<(String, Option<String>)>,
}

fn kind_of(text: &str) -> Option<ApplicantKind> {
    match text {
        "citizen" => Some(ApplicantKind::Citizen),
        "business" => Some(ApplicantKind::Business),
        "state_agency" => Some(ApplicantKind::StateAgency),
        "other" => Some(ApplicantKind::Other),
        _ => None,
    }
}

/// Shows every answer with a link to change it.
pub(crate) async fn check(
    State(state): State<AppState>,
    viewer: Viewer,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let draft = Draft::load(&state, draft_id(&id)?, &viewer).await?;
    if draft.submitted_code.is_some() {
        return Ok(see_other(&draft.done_href()));
    }
    let data = state.reference.get();
    let procedure = draft.procedure(&data)?;
    let next = draft.answers.next(procedure);
    if next != Step::Check {
        return Ok(see_other(&next.href(draft.id)));
    }
    let a = &draft.answers;
    let not_given = ui.t("apply.check.not_provided");
    let or_not_given = |v: &Option<String>| {
        v.as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or(not_given)
            .to_owned()
    };
    let mut rows = Vec::new();
    if super::draft::asks_agency(procedure) {
        rows.push(Row {
            label: ui.t("apply.check.agency").to_owned(),
            value: a
                .agency
                .as_deref()
                .and_then(|c| data.agency(c))
                .map(|ag| ui.pick(&ag.name, &ag.name_en).to_owned())
                .unwrap_or_default(),
            change_href: Step::Agency.href(draft.id),
        });
    }
    rows.push(Row {
        label: ui.t("apply.check.applicant_kind").to_owned(),
        value: a
            .applicant_kind
            .as_deref()
            .map(|k| ui.t(&format!("apply.applicant_kind.{k}")).to_owned())
            .unwrap_or_default(),
        change_href: Step::Applicant.href(draft.id),
    });
    let rows_spec: [(&str, String, Step); 6] = [
        (
            "apply.check.full_name",
            or_not_given(&a.full_name),
            Step::Applicant,
        ),
        (
            "apply.check.personal_id",
            or_not_given(&a.personal_id),
            Step::Identity,
        ),
        (
            "apply.check.birth_date",
            a.birth_date.as_deref().map(show_date).unwrap_or_default(),
            Step::Identity,
        ),
        (
            "apply.check.phone",
            a.phone
                .as_deref()
                .and_then(|p| PhoneNumber::parse(p).ok())
                .map_or_else(|| or_not_given(&a.phone), |p| p.grouped()),
            Step::Contact,
        ),
        ("apply.check.email", or_not_given(&a.email), Step::Contact),
        (
            "apply.check.address",
            or_not_given(&a.address),
            Step::Contact,
        ),
    ];
    for (key, value, step) in rows_spec {
        rows.push(Row {
            label: ui.t(key).to_owned(),
            value,
            change_href: step.href(draft.id),
        });
    }
    if !domain::payment::fees::claimable_exemptions(&procedure.fees).is_empty() {
        rows.push(Row {
            label: ui.t("apply.fee_exemption.label").to_owned(),
            value: ui
                .t(&format!(
                    "apply.fee_exemption.{}",
                    a.fee_exemption.as_deref().unwrap_or("none")
                ))
                .to_owned(),
            change_href: Step::Applicant.href(draft.id),
        });
    }
    if let Some(identity) = a.identity {
        rows.push(Row {
            label: ui.t("registry.check.label").to_owned(),
            value: ui
                .t(match identity {
                    super::draft::DraftIdentity::Verified => "registry.check.verified",
                    super::draft::DraftIdentity::Unavailable => "registry.check.unavailable",
                })
                .to_owned(),
            change_href: Step::Identity.href(draft.id),
        });
    }
    rows.push(Row {
        label: ui.t("apply.check.return_method").to_owned(),
        value: a
            .return_method
            .as_deref()
            .map(|m| ui.t(&format!("apply.return_method.{m}")).to_owned())
            .unwrap_or_default(),
        change_href: Step::Return.href(draft.id),
    });
    let paper_rows = procedure
        .components
        .iter()
        .enumerate()
        .filter(|(_, c)| !app::registry::spared(c, a.verified()))
        .map(|(i, c)| Row {
            label: c.name.clone(),
            value: match a.papers.get(i) {
                Some(Some(PaperAnswer::File { sha256 })) => a
                    .upload(sha256)
                    .map(|u| u.file_name.clone())
                    .unwrap_or_default(),
                _ => not_given.to_owned(),
            },
            change_href: Step::Paper(i).href(draft.id),
        })
        .collect();
    render_with(
        StatusCode::OK,
        &CheckPage {
            procedure_name: ui.pick(&procedure.name, &procedure.name_en).to_owned(),
            rows,
            paper_rows,
            back_href: Step::Return.href(draft.id),
            action: format!("/applications/{}/submit", draft.id),
            token: forms::new_token(),
            fees: {
                // Amounts by the catalogue's rules for one page and one copy; the officer asks
                // for the exact amount (status 6) when pages or copies differ.
                let mut basis = domain::payment::fees::FeeBasis::simple(
                    domain::catalogue::Channel::Online,
                    state.today(),
                );
                basis.categories.extend(a.claimed_exemption());
                let assessed = domain::payment::fees::assess(procedure, &basis);
                // A claimed exemption shows its zero, so the applicant sees it was understood.
                (!assessed.is_free() || a.claimed_exemption().is_some()).then(|| {
                    (
                        ui.money(assessed.total_vnd),
                        (assessed.counter_total_vnd > assessed.total_vnd)
                            .then(|| ui.money(assessed.counter_total_vnd)),
                    )
                })
            },
            ui,
        },
    )
}

/// Why a draft cannot be submitted as it stands.
#[derive(Debug)]
enum NotReady {
    /// An answer is missing.
    Incomplete,
    /// An answer saved under earlier rules no longer passes those every door uses
    /// (`domain::applicant`); the page that asks it again.
    Revisit(Step),
}
use NotReady::{Incomplete, Revisit};

/// The application the draft's answers make, with the actor submitting it.
fn application(
    draft: &Draft,
    procedure: &Procedure,
    today: time::Date,
) -> Result<(Actor, Application), NotReady> {
    let a = &draft.answers;
    let agency = a.agency_for(procedure).ok_or(Incomplete)?;
    let text = |answer: &Option<String>| answer.clone().unwrap_or_default();
    let (personal_id, birth_date, phone, email, address) = (
        text(&a.personal_id),
        text(&a.birth_date),
        text(&a.phone),
        text(&a.email),
        text(&a.address),
    );
    let mut details = ApplicantDetails::parse(
        &ApplicantForm {
            personal_id: &personal_id,
            birth_date: &birth_date,
            phone: &phone,
            email: &email,
            address: &address,
        },
        Intake::Online,
        today,
    )
    .map_err(|problems| {
        // Answers saved under earlier rules: the citizen is sent back to the page to correct.
        let identity = problems.iter().any(|p| {
            matches!(
                p.field(),
                ApplicantField::PersonalId | ApplicantField::BirthDate
            )
        });
        Revisit(if identity {
            Step::Identity
        } else {
            Step::Contact
        })
    })?;
    details.return_method = Some(
        a.return_method
            .as_deref()
            .and_then(ReturnMethod::parse)
            .ok_or(Incomplete)?,
    );
    details.fee_exemption = a.claimed_exemption();
    let mut papers = Vec::new();
    for (i, c) in procedure.components.iter().enumerate() {
        // Decree 104/2022/NĐ-CP: not asked for, so not attached, once the database proves it.
        if app::registry::spared(c, a.verified()) {
            continue;
        }
        match a.papers.get(i) {
            Some(Some(PaperAnswer::File { sha256 })) => {
                papers.push(
                    a.upload(sha256)
                        .ok_or(Incomplete)?
                        .attach_as(&c.name, PaperPurpose::Application),
                );
            }
            Some(Some(PaperAnswer::Skipped)) if !c.required => {}
            _ => return Err(Incomplete),
        }
    }
    let actor = Actor::Applicant {
        applicant_id: a.applicant_id.clone(),
    };
    Ok((
        actor,
        Application {
            procedure_code: procedure.code.clone(),
            opening: Opening::Online { agency },
            applicant: Applicant {
                id: a.applicant_id.clone(),
                kind: a
                    .applicant_kind
                    .as_deref()
                    .and_then(kind_of)
                    .ok_or(Incomplete)?,
            },
            applicant_name: a.full_name.clone().ok_or(Incomplete)?,
            applicant_contact: Some(app::dossiers::contact_json(&details)),
            phone: details.phone.as_ref().map(|p| p.as_str().to_owned()),
            personal_id: details.personal_id.as_ref().map(|p| p.as_str().to_owned()),
            papers,
            from_draft: Some(draft.id),
            account: draft.citizen_id.clone(),
        },
    ))
}

/// Submits the application. The form token makes a double click or a retry answer with the same
/// confirmation instead of opening a second dossier.
pub(crate) async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let draft = Draft::load(&state, draft_id(&id)?, &viewer).await?;
    if draft.submitted_code.is_some() {
        return Ok(see_other(&draft.done_href()));
    }
    let data = state.reference.get();
    let procedure = draft.procedure(&data)?;
    let next = draft.answers.next(procedure);
    if next != Step::Check {
        return Ok(see_other(&next.href(draft.id)));
    }
    let (actor, application) = match application(&draft, procedure, state.today()) {
        Ok(made) => made,
        Err(Revisit(step)) => return Ok(see_other(&step.href(draft.id))),
        Err(Incomplete) => {
            return Err(AppError::Internal(format!(
                "draft {} is incomplete",
                draft.id
            )));
        }
    };
    let token = forms::token_of(&fields).unwrap_or_default();
    let idempotency = forms::idempotency(&format!("form:apply:{}", draft.id), token, &fields);
    let done_href = draft.done_href();
    let answer = |_: &app::dossiers::DossierView| forms::redirect_answer(&done_href);
    let service = DossierService::new(&state.db, &state.vault, &data);
    let identity = draft.answers.identity.map(|i| {
        domain::dossier::IdentityCheck::registry(match i {
            super::draft::DraftIdentity::Verified => domain::dossier::IdentityResult::Verified,
            super::draft::DraftIdentity::Unavailable => {
                domain::dossier::IdentityResult::Unavailable
            }
        })
    });
    let outcome = service
        .open_checked(
            &actor,
            &application,
            identity.as_ref(),
            OffsetDateTime::now_utc(),
            idempotency
                .as_ref()
                .map(|i| (i, &answer as &app::dossiers::Answer)),
        )
        .await;
    match outcome {
        Ok(Outcome::Done(_)) => Ok(see_other(&done_href)),
        Ok(Outcome::Replayed(r)) => Ok(forms::replay(&r)),
        Err(ServiceError::Storage(e)) => Err(e.into()),
        Err(ServiceError::KeyReused) => Ok(see_other(&format!("/applications/{}/check", draft.id))),
        Err(e) => Err(AppError::Internal(e.to_string())),
    }
}

#[derive(Template)]
#[template(path = "apply/done.html")]
struct DonePage {
    ui: Ui,
    code: String,
    procedure_name: String,
    agency_name: String,
    appointment: Option<String>,
    tracking_href: String,
    /// The verification page of the dossier, where its receipt can be downloaded once the
    /// agency accepts it; only this page and the printed forms carry its key.
    forms_href: String,
}

/// The confirmation: dossier code, what happens next, expected appointment, tracking link. It
/// keeps working when bookmarked.
pub(crate) async fn done(
    State(state): State<AppState>,
    viewer: Viewer,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let draft = Draft::load(&state, draft_id(&id)?, &viewer).await?;
    let Some(code) = draft.submitted_code.clone() else {
        // Not submitted (yet, or the first attempt's answer was lost before it was noted).
        return Ok(see_other(&Step::Check.href(draft.id)));
    };
    let data = state.reference.get();
    let procedure = draft.procedure(&data)?;
    let stored = app::dossiers::stored_by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    // The appointment the receipt would carry if the dossier is accepted as submitted: legal
    // working time counted from the submission (Decree 45/2020/NĐ-CP: an online dossier received
    // outside office hours counts from the next working day).
    let appointment = data
        .calendar
        .appointment(stored.submitted_at, procedure.duration)
        .map(|t| local_date(&ui, t.date()));
    let view = app::dossiers::DossierService::new(&state.db, &state.vault, &data)
        .get(&code)
        .await
        .map_err(crate::error::AppError::from)?;
    render_with(
        StatusCode::OK,
        &DonePage {
            forms_href: crate::edge::links::verification_url("", &view, None),
            procedure_name: ui.pick(&procedure.name, &procedure.name_en).to_owned(),
            agency_name: data
                .agency(&stored.agency_code)
                .map(|a| ui.pick(&a.name, &a.name_en).to_owned())
                .unwrap_or_else(|| stored.agency_code.clone()),
            tracking_href: "/tracking".to_owned(),
            code,
            appointment,
            ui,
        },
    )
}

fn local_date(ui: &Ui, d: time::Date) -> String {
    if ui.is_en() {
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    } else {
        format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
    }
}
