//! The monthly dossier report in the back office (DESIGN §2 "reporting", the seed's table): for
//! a month, per receiving agency, the dossiers received by channel with the online share, and
//! those whose processing ended, on time or late (Decision 766/QĐ-TTg judges a result by its
//! due date). The database counts; this page only names and lays out. Read by the officers who
//! read reports (`domain::access::Request::ReadReports`).

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::calendar::VIETNAM_OFFSET;
use serde::Deserialize;
use time::{Date, Month, OffsetDateTime, Time};

use crate::AppState;
use crate::desk::Officer;
use crate::error::AppError;
use crate::portal::render;
use crate::ui::Ui;

/// Routes of the report.
pub fn router() -> Router<AppState> {
    Router::new().route("/back-office/reports/monthly", get(page))
}

/// The month asked for.
#[derive(Debug, Deserialize)]
pub struct MonthQuery {
    /// `YYYY-MM`; this month when absent.
    #[serde(default)]
    pub month: Option<String>,
}

/// One agency's line (or the total).
#[derive(Default)]
struct Line {
    agency: String,
    online: i64,
    counter: i64,
    post: i64,
    received: i64,
    online_share: String,
    on_time: i64,
    late: i64,
    undated: i64,
    on_time_share: String,
}

impl Line {
    fn add(&mut self, other: &Line) {
        self.online += other.online;
        self.counter += other.counter;
        self.post += other.post;
        self.received += other.received;
        self.on_time += other.on_time;
        self.late += other.late;
        self.undated += other.undated;
    }

    fn shares(&mut self) {
        self.online_share = percent(self.online, self.received);
        self.on_time_share = percent(self.on_time, self.on_time + self.late);
    }
}

fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        "–".to_owned()
    } else {
        let per_mille = part * 1000 / whole;
        format!("{},{} %", per_mille / 10, per_mille % 10)
    }
}

#[derive(Template)]
#[template(path = "back_office/monthly_report.html")]
struct ReportPage {
    ui: Ui,
    officer: Officer,
    month: String,
    month_label: String,
    lines: Vec<Line>,
    total: Line,
}

fn month_start(year: i32, month: Month) -> Option<OffsetDateTime> {
    Date::from_calendar_date(year, month, 1)
        .ok()
        .map(|d| d.with_time(Time::MIDNIGHT).assume_offset(VIETNAM_OFFSET))
}

/// `GET /back-office/reports/monthly?month=YYYY-MM`.
pub async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    if !officer.may(&domain::access::Request::ReadReports) {
        return Err(AppError::Forbidden);
    }
    let today = state.today();
    let bad = || AppError::BadRequest(ui.t("report.monthly.bad_month").to_owned());
    let (year, month) = match q.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => (today.year(), today.month()),
        Some(text) => {
            let (y, m) = text.split_once('-').ok_or_else(bad)?;
            let year = y
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=today.year() + 1).contains(y))
                .ok_or_else(bad)?;
            let month = m
                .parse::<u8>()
                .ok()
                .and_then(|m| Month::try_from(m).ok())
                .ok_or_else(bad)?;
            (year, month)
        }
    };
    let next = if month == Month::December {
        month_start(year + 1, Month::January)
    } else {
        month_start(year, month.next())
    };
    let (Some(from), Some(to)) = (month_start(year, month), next) else {
        return Err(bad());
    };
    let figures = state.db.monthly_figures(from, to).await?;
    let mut by_agency: BTreeMap<String, Line> = BTreeMap::new();
    for r in &figures.received {
        let line = by_agency.entry(r.agency_code.clone()).or_default();
        match r.channel.as_str() {
            "online" => line.online += r.dossiers,
            "post" => line.post += r.dossiers,
            _ => line.counter += r.dossiers,
        }
        line.received += r.dossiers;
    }
    for f in &figures.finished {
        let line = by_agency.entry(f.agency_code.clone()).or_default();
        line.on_time += f.on_time;
        line.late += f.late;
        line.undated += f.undated;
    }
    let data = state.reference.get();
    let mut total = Line {
        agency: ui.t("report.monthly.total").to_owned(),
        ..Line::default()
    };
    let lines = by_agency
        .into_iter()
        .map(|(code, mut line)| {
            total.add(&line);
            line.agency = data
                .agency(&code)
                .map_or(code, |a| ui.pick(&a.name, &a.name_en).to_owned());
            line.shares();
            line
        })
        .collect();
    total.shares();
    let number = u8::from(month);
    render(&ReportPage {
        month: format!("{year:04}-{number:02}"),
        month_label: if ui.is_en() {
            format!("{year:04}-{number:02}")
        } else {
            format!("{number:02}/{year:04}")
        },
        lines,
        total,
        officer,
        ui,
    })
}
