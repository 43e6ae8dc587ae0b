//! The ratings report in the back office: for a month, the applicants' ratings per receiving
//! unit, procedure and handling officer — shares of each level, each criterion's average — and
//! indicator 5.4 of Decision 766/QĐ-TTg per unit. No figure is shown from fewer than five
//! ratings, and no rating is ever shown with its dossier or its applicant. Read by the officers
//! who read reports (`domain::access::Request::ReadReports`).

use app::ratings::{GroupRatings, ratings_report};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::rating::{Criterion, Level, MIN_RATINGS_SHOWN, RatingTally};

use crate::AppState;
use crate::edge::officer::Officer;
use crate::edge::period::{percent, report_month};
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;

/// The month asked for.
#[derive(Debug, serde::Deserialize)]
pub(super) struct MonthQuery {
    /// `YYYY-MM`; this month when absent.
    #[serde(default)]
    month: Option<String>,
}

/// One group's line: its name and, when it has enough ratings, its figures.
struct Line {
    name: String,
    ratings: u64,
    figures: Option<Figures>,
}

struct Figures {
    /// Share of each level, in `Level::ALL` order.
    levels: Vec<String>,
    /// Each criterion's average points out of 2 ("–" where it never applied).
    criteria: Vec<String>,
}

/// Indicator 5.4 of one unit.
struct Indicator {
    name: String,
    dossiers: u64,
    late: u64,
    /// "–" when the unit has one to four ratings.
    not_satisfied: String,
    score: String,
}

#[derive(Template)]
#[template(path = "ratings/report.html")]
struct ReportPage {
    ui: Ui,
    officer: Officer,
    month: String,
    month_label: String,
    total: Line,
    units: Vec<Line>,
    procedures: Vec<Line>,
    officers: Vec<Line>,
    indicators: Vec<Indicator>,
    min_shown: u64,
    too_few: String,
    total_hidden: bool,
    criteria: Vec<String>,
    levels: Vec<String>,
}

fn average(points: u64, rated: u64) -> String {
    match (points * 100).checked_div(rated) {
        None => "–".to_owned(),
        Some(hundredths) => format!("{},{:02}", hundredths / 100, hundredths % 100),
    }
}

fn line(name: String, tally: &RatingTally) -> Line {
    let as_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    Line {
        name,
        ratings: tally.ratings,
        figures: tally.shown().map(|t| Figures {
            levels: Level::ALL
                .iter()
                .map(|l| percent(as_i64(t.at(*l)), as_i64(t.ratings)))
                .collect(),
            criteria: t
                .criteria
                .iter()
                .map(|c| average(c.points, c.rated))
                .collect(),
        }),
    }
}

/// `GET /back-office/reports/ratings?month=YYYY-MM`.
pub(super) async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    if !officer.may(&domain::access::Request::ReadReports) {
        return Err(AppError::Forbidden);
    }
    let period = report_month(&ui, state.today(), q.month.as_deref())?;
    let report = ratings_report(&state.db, period.from, period.to).await?;
    let data = state.reference.get();
    let agency_name = |code: &str| {
        data.agency(code).map_or_else(
            || code.to_owned(),
            |a| ui.pick(&a.name, &a.name_en).to_owned(),
        )
    };
    let indicators = report
        .indicators
        .iter()
        .map(|i| Indicator {
            name: agency_name(&i.agency_code),
            dossiers: i.dossiers,
            late: i.late,
            not_satisfied: i
                .scored
                .map_or_else(|| "–".to_owned(), |(n, _)| n.to_string()),
            score: i.scored.map_or_else(
                || "–".to_owned(),
                |(_, score)| format!("{:.2}", score.score).replace('.', ","),
            ),
        })
        .collect();
    let lines = |groups: &[GroupRatings], name: &dyn Fn(&str) -> String| -> Vec<Line> {
        groups
            .iter()
            .map(|g| line(name(&g.key), &g.tally))
            .collect()
    };
    let officer_names = app::accounts::officers::directory(&state.db, None).await?;
    let mut total = line(ui.t("rating.report.total").to_owned(), &report.total);
    if !report.total_shown {
        total.figures = None;
    }
    render(&ReportPage {
        month: period.value,
        month_label: period.label,
        total_hidden: !report.total_shown,
        total,
        units: lines(&report.units, &agency_name),
        procedures: lines(&report.procedures, &|code: &str| {
            data.procedure(code).map_or_else(
                || code.to_owned(),
                |p| ui.pick(&p.name, &p.name_en).to_owned(),
            )
        }),
        officers: lines(&report.officers, &|id: &str| {
            officer_names
                .iter()
                .find(|o| o.id == id)
                .map_or_else(|| id.to_owned(), |o| o.full_name.clone())
        }),
        indicators,
        min_shown: MIN_RATINGS_SHOWN,
        too_few: ui.t_n("rating.report.too_few", MIN_RATINGS_SHOWN),
        criteria: Criterion::ALL
            .iter()
            .map(|c| format!("rating.criterion.{}", c.as_str()))
            .collect(),
        levels: Level::ALL
            .iter()
            .map(|l| format!("rating.level.{}", l.as_str()))
            .collect(),
        officer,
        ui,
    })
}
