//! The back office's shell and its reference-data views for officers and administrators: an
//! overview of the catalogue, a dense procedure table, the agency tree and the legal calendar.
//! Dossier inboxes join this module's navigation as their features land.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::calendar::DayKind;
use domain::catalogue::{AgencyKind, Level, ServiceMode};
use domain::search::ProcedureFilter;
use time::{Date, OffsetDateTime};

use crate::AppState;
use crate::edge::render::render;
use crate::error::AppError;
use crate::params;
use crate::ui::Ui;
use crate::views::{self, Figures, SelectOption};

/// Routes of the back office.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/back-office", get(overview))
        .route("/back-office/procedures", get(procedures))
        .route("/back-office/agencies", get(agencies))
        .route("/back-office/calendar", get(calendar))
}

struct LevelRow {
    label: &'static str,
    total: usize,
    full_online: usize,
    partial_online: usize,
    information_only: usize,
}

#[derive(Template)]
#[template(path = "back_office/overview.html")]
struct OverviewPage {
    ui: Ui,
    figures: Figures,
    online_share: String,
    priority_count: usize,
    by_level: Vec<LevelRow>,
    today_text: String,
}

fn weekday_label(ui: &Ui, date: Date) -> &'static str {
    ui.t(&format!(
        "weekday.{}",
        date.weekday().number_days_from_monday()
    ))
}

fn date_text(ui: &Ui, date: Date) -> String {
    if ui.is_en() {
        format!(
            "{} {:04}-{:02}-{:02}",
            weekday_label(ui, date),
            date.year(),
            u8::from(date.month()),
            date.day()
        )
    } else {
        format!(
            "{}, {:02}/{:02}/{:04}",
            weekday_label(ui, date),
            date.day(),
            u8::from(date.month()),
            date.year()
        )
    }
}

async fn overview(State(state): State<AppState>, ui: Ui) -> Result<Response, AppError> {
    let data = state.reference.get();
    let figures = views::figures(&data);
    let procedures = &data.catalogue.procedures;
    // Decision 766/QĐ-TTg indicator 3.1: procedures offered online (full or partial) over all
    // procedures under the province's authority; full points from 80 %.
    let online = figures.full_online + figures.partial_online;
    let online_share = if figures.procedures == 0 {
        "–".to_owned()
    } else {
        format!("{:.1} %", online as f64 * 100.0 / figures.procedures as f64)
    };
    let by_level = Level::ALL
        .iter()
        .map(|&level| {
            let of_level = |mode: Option<ServiceMode>| {
                procedures
                    .iter()
                    .filter(|p| p.level == level && mode.is_none_or(|m| p.service_mode == m))
                    .count()
            };
            LevelRow {
                label: views::level_label(&ui, level),
                total: of_level(None),
                full_online: of_level(Some(ServiceMode::FullOnline)),
                partial_online: of_level(Some(ServiceMode::PartialOnline)),
                information_only: of_level(Some(ServiceMode::InformationOnly)),
            }
        })
        .collect();
    let today = state.today();
    let today_text = if data.calendar.is_working_day(today) {
        ui.t_s("back_office.overview.today_working", &date_text(&ui, today))
    } else {
        let next = data
            .calendar
            .next_working_day(today)
            .map(|d| date_text(&ui, d))
            .unwrap_or_default();
        ui.t_s("back_office.overview.today_off", &date_text(&ui, today))
            .replace("{next}", &next)
    };
    render(&OverviewPage {
        priority_count: procedures.iter().filter(|p| p.priority).count(),
        figures,
        online_share,
        by_level,
        today_text,
        ui,
    })
}

struct ProcedureRow {
    code: String,
    name: String,
    priority: bool,
    field_name: String,
    level_label: &'static str,
    mode_label: &'static str,
    duration_text: String,
    fee_text: String,
    agency_count: usize,
    workflow: String,
}

#[derive(Template)]
#[template(path = "back_office/procedures.html")]
struct ProceduresPage {
    ui: Ui,
    query: String,
    field_options: Vec<SelectOption>,
    rows: Vec<ProcedureRow>,
}

async fn procedures(
    State(state): State<AppState>,
    ui: Ui,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let query = params::CatalogueQuery::parse(&pairs, &data, &ui, usize::MAX)
        .map_err(AppError::BadRequest)?;
    let filter = ProcedureFilter {
        field: query.filter.field.clone(),
        ..ProcedureFilter::default()
    };
    let rows = data
        .search(&query.q, &filter)
        .into_iter()
        .map(|p| ProcedureRow {
            code: p.code.clone(),
            name: ui.pick(&p.name, &p.name_en).to_owned(),
            priority: p.priority,
            field_name: data
                .field(&p.field)
                .map(|f| ui.pick(&f.name, &f.name_en).to_owned())
                .unwrap_or_default(),
            level_label: views::level_label(&ui, p.level),
            mode_label: views::mode_label(&ui, p.service_mode),
            duration_text: views::duration_text(&ui, p.duration),
            fee_text: views::fee_summary(&ui, &p.fees),
            agency_count: p.agencies.len(),
            workflow: p.workflow.clone(),
        })
        .collect();
    render(&ProceduresPage {
        field_options: views::field_options(&ui, &data, query.filter.field.as_deref()),
        query: query.q,
        rows,
        ui,
    })
}

struct AgencyRow {
    code: String,
    name: String,
    parent: String,
    procedures: usize,
    contact: String,
}

struct AgencyGroup {
    label: &'static str,
    rows: Vec<AgencyRow>,
}

#[derive(Template)]
#[template(path = "back_office/agencies.html")]
struct AgenciesPage {
    ui: Ui,
    groups: Vec<AgencyGroup>,
}

async fn agencies(State(state): State<AppState>, ui: Ui) -> Result<Response, AppError> {
    let data = state.reference.get();
    let kinds = [
        AgencyKind::ProvincialCommittee,
        AgencyKind::Department,
        AgencyKind::DepartmentUnit,
        AgencyKind::Commune,
    ];
    let groups = kinds
        .iter()
        .map(|&kind| AgencyGroup {
            label: ui.t(&format!("agency_kind.{}", kind.as_str())),
            rows: data
                .catalogue
                .agencies
                .iter()
                .filter(|a| a.kind == kind)
                .map(|a| AgencyRow {
                    code: a.code.clone(),
                    name: ui.pick(&a.name, &a.name_en).to_owned(),
                    parent: a
                        .parent
                        .as_deref()
                        .and_then(|p| data.agency(p))
                        .map(|p| ui.pick(&p.name, &p.name_en).to_owned())
                        .unwrap_or_else(|| "–".into()),
                    procedures: data
                        .catalogue
                        .procedures
                        .iter()
                        .filter(|p| p.agencies.contains(&a.code))
                        .count(),
                    contact: [a.address.as_deref(), a.phone.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" · "),
                })
                .collect(),
        })
        .filter(|g| !g.rows.is_empty())
        .collect();
    render(&AgenciesPage { ui, groups })
}

struct DayRow {
    date: String,
    weekday: &'static str,
    kind: &'static str,
    name: String,
    source: &'static str,
}

#[derive(Template)]
#[template(path = "back_office/calendar.html")]
struct CalendarPage {
    ui: Ui,
    year: i32,
    years: Vec<i32>,
    working_days: usize,
    days_off: usize,
    days: Vec<DayRow>,
}

async fn calendar(
    State(state): State<AppState>,
    ui: Ui,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let years: Vec<i32> = app::reports::CALENDAR_YEARS.collect();
    let year =
        params::parse_year(&pairs, &ui, state.today().year()).map_err(AppError::BadRequest)?;
    let (first, last) = params::year_bounds(year)
        .ok_or_else(|| AppError::BadRequest(ui.t_s("query_error.year", &year.to_string())))?;
    let stored = app::reports::calendar_days(&state.db, first, last).await?;
    let data = state.reference.get();
    let mut working_days = 0;
    let mut day = first;
    loop {
        if data.calendar.is_working_day(day) {
            working_days += 1;
        }
        match day.next_day() {
            Some(next) if next <= last => day = next,
            _ => break,
        }
    }
    let days_off = stored
        .iter()
        .filter(|(d, _)| d.kind != DayKind::WorkingDay)
        .count();
    let days = stored
        .into_iter()
        .map(|(d, source)| DayRow {
            date: if ui.is_en() {
                d.date.to_string()
            } else {
                format!(
                    "{:02}/{:02}/{:04}",
                    d.date.day(),
                    u8::from(d.date.month()),
                    d.date.year()
                )
            },
            weekday: weekday_label(&ui, d.date),
            kind: ui.t(&format!("day_kind.{}", d.kind.as_str())),
            name: ui.pick(&d.name, &d.name_en).to_owned(),
            source: ui.t(&format!("day_source.{}", source.as_str())),
        })
        .collect();
    render(&CalendarPage {
        ui,
        year,
        years,
        working_days,
        days_off,
        days,
    })
}

/// Today's date in Vietnam.
pub fn vietnam_today() -> Date {
    OffsetDateTime::now_utc()
        .to_offset(domain::calendar::VIETNAM_OFFSET)
        .date()
}
