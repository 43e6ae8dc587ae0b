//! "My dossiers" (hồ sơ của tôi): what the signed-in account applied for and the drafts it left
//! unfinished, and each of its dossiers in full. Ownership is the account id stored with the
//! dossier; any other dossier answers "not found", exactly like a code that does not exist, so
//! changing the code in the address reveals nothing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use domain::dossier::tracking::open_supplement_request;

use crate::AppState;
use crate::edge::citizen::Citizen;
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;
use crate::views::local_datetime;
use app::ServiceError;
use app::dossiers::DossierService;

/// Most dossiers listed on the account page.
const LISTED: i64 = 100;

struct DossierRow {
    code: String,
    procedure: String,
    status: &'static str,
    submitted: String,
    due: Option<String>,
}

struct DraftRow {
    href: String,
    procedure: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "account/home.html")]
struct HomePage {
    ui: Ui,
    citizen: Citizen,
    welcome: bool,
    dossiers: Vec<DossierRow>,
    drafts: Vec<DraftRow>,
    /// How the citizen wants to be told.
    notify: app::notifications::Preferences,
    /// The preferences were just saved.
    saved: bool,
}

/// The account page: the citizen's dossiers and unfinished drafts.
pub async fn home(
    State(state): State<AppState>,
    ui: Ui,
    citizen: Citizen,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let name_of = |code: &str| {
        data.procedure(code).map_or_else(
            || code.to_owned(),
            |p| ui.pick(&p.name, &p.name_en).to_owned(),
        )
    };
    let dossiers = app::accounts::citizens::dossiers_of(&state.db, &citizen.id, LISTED)
        .await?
        .into_iter()
        .map(|d| DossierRow {
            procedure: name_of(&d.procedure_code),
            status: ui.t(&format!("dossier_status.{}", d.status)),
            submitted: local_datetime(&ui, d.submitted_at),
            due: d.due_at.map(|t| local_datetime(&ui, t)),
            code: d.code,
        })
        .collect();
    let drafts = app::accounts::citizens::drafts_of(&state.db, &citizen.id)
        .await?
        .into_iter()
        .map(|d| DraftRow {
            href: format!("/applications/{}/check", d.id),
            procedure: name_of(&d.procedure_code),
            updated: local_datetime(&ui, d.updated_at),
        })
        .collect();
    let notify = app::notifications::preferences(&state, &citizen.id).await?;
    render(&HomePage {
        welcome: q.iter().any(|(k, _)| k == "welcome"),
        saved: q.iter().any(|(k, _)| k == "saved"),
        notify,
        ui,
        citizen,
        dossiers,
        drafts,
    })
}

struct TimelineRow {
    at: String,
    what: &'static str,
}

#[derive(Template)]
#[template(path = "account/dossier.html")]
struct DossierPage {
    ui: Ui,
    code: String,
    procedure: String,
    status: &'static str,
    appointment: Option<String>,
    timeline: Vec<TimelineRow>,
    asked: Option<Vec<String>>,
    supplement_href: Option<String>,
    forms_href: String,
    /// The rating page, once the dossier has ended.
    rate_href: Option<String>,
    pay: Option<crate::edge::pay_panel::PayPanel>,
    /// The electronic results issued: (link, file name, size).
    results: Vec<(String, String, String)>,
    /// The notices sent about it.
    notices: Vec<crate::outbox::NoticeRow>,
}

/// One of the citizen's dossiers; another account's answers "not found".
pub async fn dossier(
    State(state): State<AppState>,
    ui: Ui,
    citizen: Citizen,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let service = DossierService::new(&state.db, &state.vault, &data);
    let view = match service.get(&code).await {
        Ok(view) => view,
        Err(ServiceError::NotFound) => return Err(AppError::NotFound),
        Err(ServiceError::Storage(e)) => return Err(e.into()),
        Err(e) => return Err(AppError::Internal(e.to_string())),
    };
    if !citizen.may(&domain::access::Request::ReadDossier(view.facts())) {
        return Err(AppError::NotFound);
    }
    let events = service
        .timeline(&view)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let s = &view.state;
    let asked = open_supplement_request(&events).map(|r| {
        r.papers
            .iter()
            .cloned()
            .chain(
                r.reasons
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned),
            )
            .collect()
    });
    let pay =
        crate::edge::pay_panel::pay_panel(&state, &ui, &view, None, Some(citizen.csrf.clone()))
            .await?;
    // The electronic result, opened through "my papers", where ownership is checked again.
    let results = app::dossiers::papers_of(&state.db, view.stored.id)
        .await?
        .into_iter()
        .filter(|p| p.purpose == app::dossiers::PaperPurpose::Result)
        .map(|p| {
            (
                format!("/account/papers/{}", p.sha256),
                p.file_name,
                crate::edge::uploads::size_text(&ui, p.size_bytes),
            )
        })
        .collect();
    let notices = crate::outbox::notice_rows(
        &ui,
        &app::outbox::of_dossier(&state, view.stored.id).await?,
        crate::outbox::Reader::Applicant,
    );
    render(&DossierPage {
        results,
        notices,
        pay,
        procedure: data.procedure(&s.procedure_code).map_or_else(
            || s.procedure_code.clone(),
            |p| ui.pick(&p.name, &p.name_en).to_owned(),
        ),
        status: ui.t(&format!("dossier_status.{}", s.status.as_str())),
        appointment: s.effective_due().map(|t| local_datetime(&ui, t)),
        timeline: events
            .iter()
            .map(|e| TimelineRow {
                at: local_datetime(&ui, e.at),
                what: ui.t(&format!("dossier_event.{}", e.kind())),
            })
            .collect(),
        supplement_href: (s.status == domain::dossier::Status::SupplementRequested).then(|| {
            format!(
                "/tracking/supplement?code={}",
                crate::ui::percent_encode(&view.stored.code)
            )
        }),
        asked,
        forms_href: crate::edge::links::verification_url("", &view, None),
        rate_href: crate::edge::links::rating_href(
            &state.vault,
            &view,
            app::ratings::Door::Account,
        ),
        code: view.stored.code.clone(),
        ui,
    })
}

/// Records how the citizen wants to be told about their dossiers.
pub async fn save_notifications(
    State(state): State<AppState>,
    citizen: Citizen,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    citizen.check_csrf(&fields)?;
    let on = |name: &str| fields.iter().any(|(k, v)| k == name && v == "on");
    let lang = fields
        .iter()
        .find(|(k, _)| k == "lang")
        .map_or("vi", |(_, v)| v.as_str());
    app::notifications::set_preferences(
        &state,
        &citizen.id,
        &app::notifications::Preferences {
            email: on("email"),
            sms: on("sms"),
            language: app::notifications::Language::parse(lang),
        },
    )
    .await?;
    Ok(axum::response::IntoResponse::into_response(
        axum::response::Redirect::to("/account?saved#notify-heading"),
    ))
}
