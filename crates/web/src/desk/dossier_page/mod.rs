//! The dossier as an officer sees it: the key facts and deadlines, the applicant, the papers,
//! the workflow steps with their due times, the full timeline, the forms issued, and a form for
//! each action the rules would accept from this officer now.
//!
//! This module reads the dossier and assembles the page; each section is built by its own
//! module: [`facts`] (key facts, fees, applicant, steps, papers, forms issued), [`payments`],
//! [`history`] (the timeline) and [`forms`] (the action forms).

mod facts;
mod forms;
mod history;
mod payments;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::dossier::{ActionKind, DossierState, urgency};
use time::OffsetDateTime;

use crate::AppState;
use crate::edge::officer::Officer;
use crate::error::AppError;
use crate::ui::Ui;
use app::ReferenceData;
use app::dossiers::{DossierService, DossierView};
use facts::{Fact, FormLink, PaperRow, StepRow};
use forms::{ActionForm, FieldKind};
use history::TimelineRow;
use payments::PaymentRow;

/// What an officer typed into an action form that was refused, to show it again.
#[derive(Debug, Default, Clone)]
pub struct Attempt {
    /// The action tried.
    pub action: String,
    /// Every field as typed.
    pub fields: Vec<(String, String)>,
    /// Errors: (field id, message).
    pub errors: Vec<(String, String)>,
    /// The officer asked to see the applicant's personal ID whole, and it was recorded.
    pub reveal_personal_id: bool,
}

impl Attempt {
    fn value(&self, action: &str, name: &str) -> String {
        if self.action != action {
            return String::new();
        }
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn values(&self, action: &str, name: &str) -> Vec<String> {
        if self.action != action {
            return Vec::new();
        }
        super::fields_named(&self.fields, name)
    }
}

#[derive(Template)]
#[template(path = "desk/dossier.html")]
struct DossierPage {
    ui: Ui,
    officer: Officer,
    code: String,
    version: i64,
    procedure: String,
    status: &'static str,
    mark: Option<(&'static str, &'static str)>,
    facts: Vec<Fact>,
    applicant: Vec<Fact>,
    papers: Vec<PaperRow>,
    steps: Vec<StepRow>,
    timeline: Vec<TimelineRow>,
    documents: Vec<FormLink>,
    actions: Vec<ActionForm>,
    errors: Vec<(String, String)>,
    done: Option<&'static str>,
    payments: Vec<PaymentRow>,
    /// The notices sent to the applicant.
    notices: Vec<crate::outbox::NoticeRow>,
    /// The personal-ID panel, when the applicant gave one.
    identity: Option<super::personal_id::Panel>,
    /// The rating page in its kiosk form, for the applicant at the counter once the dossier has
    /// ended; offered to the officers who act on it.
    kiosk_href: Option<String>,
}

/// The officer may see the dossier (the policy: their unit received it or holds it now).
pub fn may_see(officer: &Officer, view: &DossierView) -> bool {
    officer.may(&domain::access::Request::ReadDossier(view.facts()))
}

/// The officer may act on the dossier at all (an acting role of a unit that reaches it); which
/// action is then the rules' question.
pub fn may_act(officer: &Officer, view: &DossierView) -> Result<(), AppError> {
    if officer.may(&domain::access::Request::ActOnDossier(view.facts())) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Reads a dossier for an officer; `NotFound` when it does not exist or is not theirs to see, so
/// that codes of other units' dossiers are not confirmed.
pub async fn load(
    state: &AppState,
    data: &ReferenceData,
    officer: &Officer,
    code: &str,
) -> Result<DossierView, AppError> {
    let service = DossierService::new(&state.db, &state.vault, data);
    let view = service
        .get(code)
        .await
        .map_err(crate::error::AppError::from)?;
    if !may_see(officer, &view) {
        return Err(AppError::NotFound);
    }
    Ok(view)
}

/// Renders the dossier page, with a refused attempt's answers and errors when there is one.
pub async fn render_page(
    state: &AppState,
    ui: Ui,
    officer: Officer,
    code: &str,
    attempt: Attempt,
    done: Option<&'static str>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let view = load(state, &data, &officer, code).await?;
    let service = DossierService::new(&state.db, &state.vault, &data);
    let events = service
        .timeline(&view)
        .await
        .map_err(crate::error::AppError::from)?;
    let procedure = data.procedure(&view.state.procedure_code);
    let now = OffsetDateTime::now_utc();
    let s: &DossierState = &view.state;
    let workflow = data
        .catalogue
        .workflows
        .iter()
        .find(|w| w.code == s.workflow_code && w.version == s.workflow_version);
    let offered = forms::offered(&data, procedure, workflow, s, &officer, now);
    let assessed = procedure.map(|p| facts::catalogue_fees(p, &view));
    let key_facts = facts::key_facts(&ui, &data, &view, assessed.as_ref());
    let applicant = facts::applicant_facts(&ui, &view, attempt.reveal_personal_id);
    let identity = if facts::has_personal_id(&view) {
        Some(
            super::personal_id::panel(state, &ui, &view.stored.code, attempt.reveal_personal_id)
                .await?,
        )
    } else {
        None
    };
    let steps = facts::step_rows(&ui, workflow, &view);
    let timeline = history::timeline(&ui, &events);
    let documents = facts::document_links(&ui, &view);
    let papers = facts::paper_rows(state, &ui, &view).await?;
    let actions = forms::action_forms(
        state,
        &ui,
        &data,
        procedure,
        &officer,
        &offered,
        &attempt,
        assessed
            .as_ref()
            .map(|a| a.total_vnd)
            .filter(|amount| *amount > 0),
        super::result::file_required(&view),
    )
    .await?;
    let payments = payments::payment_rows(state, &ui, &officer, &view).await?;
    let notices = crate::outbox::notice_rows(
        &ui,
        &app::outbox::of_dossier(state, view.stored.id).await?,
        crate::outbox::Reader::Officer,
    );
    // Offered to the counter (reception) of a unit that acts on it, for an hour after the end:
    // the applicant rates while there, never the officers being rated on their behalf.
    let kiosk_href = (officer.role == domain::dossier::OfficerRole::Reception
        && may_act(&officer, &view).is_ok()
        && app::ratings::kiosk_offered(s, now))
    .then(|| crate::edge::links::rating_href(&state.vault, &view, app::ratings::Door::Kiosk))
    .flatten();
    let status = ui.t(&format!("dossier_status.{}", s.status.as_str()));
    let mark = urgency(&data.calendar, s, now).map(|u| super::inbox::mark(&ui, u));
    let page = DossierPage {
        code: view.stored.code.clone(),
        version: view.stored.event_count,
        procedure: procedure.map_or_else(
            || s.procedure_code.clone(),
            |p| ui.pick(&p.name, &p.name_en).to_owned(),
        ),
        status,
        mark,
        facts: key_facts,
        applicant,
        papers,
        steps,
        timeline,
        documents,
        actions,
        errors: attempt.errors.clone(),
        done: done.map(|action| ui.t(&format!("desk.done.{action}"))),
        payments,
        notices,
        identity,
        kiosk_href,
        ui,
        officer,
    };
    let html = page.render()?;
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, axum::response::Html(html)).into_response())
}

/// The dossier page.
pub async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let done =
        q.iter()
            .find(|(k, _)| k == "done")
            .and_then(|(_, v)| match ActionKind::from_name(v) {
                Some(kind) if !kind.opens_dossier() => Some(kind.name()),
                // Registering at the counter and refunding a payment have their own forms.
                _ => ["receive", "refund"].into_iter().find(|n| *n == v.as_str()),
            });
    render_page(&state, ui, officer, &code, Attempt::default(), done).await
}
