//! The inbox: the dossiers a unit holds (or one officer is assigned), soonest due first, each
//! marked overdue, due soon, in time or clock stopped by the rules of `domain::dossier`, with
//! filters an officer uses every morning.

use app::dossiers::InboxQuery;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::dossier::{DUE_SOON_WORKING_DAYS, DossierState, Status, Urgency, urgency};
use time::OffsetDateTime;

use super::field as param;
use crate::AppState;
use crate::edge::officer::Officer;
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;
use crate::views::{SelectOption, local_datetime};

const PER_PAGE: i64 = 50;

/// Inbox counts under way, by inbox (its page aside), shared by the requests that ask for the
/// same one while it is read.
pub type InboxCounts = crate::in_flight::InFlight<InboxQuery, i64>;

struct Row {
    code: String,
    procedure: String,
    applicant: String,
    status: &'static str,
    due: String,
    mark: Option<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "desk/inbox.html")]
struct InboxPage {
    ui: Ui,
    officer: Officer,
    unit_name: String,
    scopes: Vec<SelectOption>,
    shows: Vec<SelectOption>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

pub(super) fn mark(ui: &Ui, u: Urgency) -> (&'static str, &'static str) {
    match u {
        Urgency::Overdue => ("overdue", ui.t("desk.urgency.overdue")),
        Urgency::DueSoon => ("due-soon", ui.t("desk.urgency.due_soon")),
        Urgency::InTime => ("in-time", ui.t("desk.urgency.in_time")),
        Urgency::ClockStopped => ("stopped", ui.t("desk.urgency.clock_stopped")),
    }
}

/// The inbox page.
pub async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let scope = match param(&pairs, "scope") {
        "" | "unit" => "unit",
        "mine" => "mine",
        other => return Err(AppError::BadRequest(ui.t_s("desk.inbox.bad_scope", other))),
    };
    let show = match param(&pairs, "show") {
        "" | "open" => "open",
        s @ ("new" | "overdue" | "due_soon" | "supplement") => s,
        other => return Err(AppError::BadRequest(ui.t_s("desk.inbox.bad_show", other))),
    };
    let page: i64 = match param(&pairs, "page") {
        "" => 1,
        p => p
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| AppError::BadRequest(ui.t_s("desk.inbox.bad_page", p)))?,
    };
    let now = OffsetDateTime::now_utc();
    let calendar = &data.calendar;
    let statuses: Vec<Status> = match show {
        "new" => vec![Status::Submitted],
        "supplement" => vec![Status::SupplementRequested],
        _ => Status::OPEN.to_vec(),
    };
    // Overdue as the domain recorded it (`RecordedTimeliness`): past the moment it stopped
    // being in time, which a supplement pause within the deadline suspends.
    let overdue_at = (show == "overdue").then_some(now);
    let due_by = match show {
        "due_soon" => domain::calendar::to_vietnam_local(now)
            .and_then(|local| calendar.add_working_days(local.date(), DUE_SOON_WORKING_DAYS as u32))
            .map(|day| domain::dossier::due_at_close_of(calendar.office_hours(), day)),
        _ => None,
    };
    let query = InboxQuery {
        holder_agency_code: officer.unit.clone(),
        assigned_officer: (scope == "mine").then(|| officer.id.clone()),
        statuses: statuses.iter().map(|s| s.as_str().to_owned()).collect(),
        due_by,
        overdue_at,
        limit: PER_PAGE,
        offset: (page - 1) * PER_PAGE,
    };
    // The page is read for every request; the count, which reads every open entry of the unit,
    // is shared by the requests for the same inbox that arrive while it is being read
    // (`in_flight`): sixteen officers of a commune with 15,000 open dossiers opening their inbox
    // together read it once (docs/PERFORMANCE.md).
    let counted = InboxQuery {
        limit: 0,
        offset: 0,
        ..query.clone()
    };
    let (items, total) = tokio::try_join!(
        app::dossiers::inbox_items(&state.db, &query),
        state
            .inbox_counts
            .share(counted, || app::dossiers::inbox_count(&state.db, &query)),
    )?;
    let rows = items
        .into_iter()
        .map(|d| {
            let decoded: Option<DossierState> = serde_json::from_str(&d.state).ok();
            let status = Status::parse(&d.index.status);
            Row {
                procedure: data.procedure(&d.procedure_code).map_or_else(
                    || d.procedure_code.clone(),
                    |p| ui.pick(&p.name, &p.name_en).to_owned(),
                ),
                applicant: d.applicant_name.clone(),
                status: status.map_or("", |s| ui.t(&format!("dossier_status.{}", s.as_str()))),
                due: d
                    .index
                    .due_at
                    .map(|t| local_datetime(&ui, t))
                    .unwrap_or_else(|| ui.t("desk.inbox.not_received").to_owned()),
                mark: decoded
                    .as_ref()
                    .and_then(|s| urgency(calendar, s, now))
                    .map(|u| mark(&ui, u)),
                code: d.code,
            }
        })
        .collect();
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let href = |p: i64| format!("/back-office/inbox?scope={scope}&show={show}&page={p}");
    render(&InboxPage {
        unit_name: data.agency(&officer.unit).map_or_else(
            || officer.unit.clone(),
            |a| ui.pick(&a.name, &a.name_en).to_owned(),
        ),
        scopes: ["unit", "mine"]
            .iter()
            .map(|s| SelectOption::new(s, ui.t(&format!("desk.inbox.scope.{s}")), Some(scope)))
            .collect(),
        shows: ["open", "new", "overdue", "due_soon", "supplement"]
            .iter()
            .map(|s| SelectOption::new(s, ui.t(&format!("desk.inbox.show.{s}")), Some(show)))
            .collect(),
        rows,
        total,
        page,
        pages,
        prev_href: (page > 1).then(|| href(page - 1)),
        next_href: (page < pages).then(|| href(page + 1)),
        ui,
        officer,
    })
}
