//! The report of look-ups in the national population database ("số lượng truy cập CSDL dân
//! cư"): per month and agency, how many look-ups and with which result, for the province's
//! reports (the source figure: 18,468 look-ups in five months). Read by the officers who read
//! reports (`domain::access::Request::ReadReports`).

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::AppState;
use crate::edge::officer::Officer;
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;

/// The results, in the order of the columns.
const RESULTS: [&str; 5] = [
    "verified",
    "mismatch",
    "not_found",
    "unavailable",
    "timeout",
];

/// One line: a month and an agency.
struct Line {
    month: String,
    agency: String,
    /// Counts in the order of [`RESULTS`].
    counts: Vec<i64>,
    total: i64,
}

#[derive(Template)]
#[template(path = "back_office/registry_lookups.html")]
struct ReportPage {
    ui: Ui,
    officer: Officer,
    results: Vec<&'static str>,
    lines: Vec<Line>,
    total: i64,
    year: i32,
    years: Vec<i32>,
}

/// Look-up counts of a year under way, shared by the requests that ask meanwhile.
pub type LookupYears = crate::in_flight::InFlight<i32, Arc<Vec<app::reports::LookupCount>>>;

/// `GET /back-office/reports/registry-lookups?year=YYYY`: one year (this year when absent), so
/// the page reads a year's index entries however many years the province has kept.
pub async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Query(q): Query<crate::params::YearQuery>,
) -> Result<Response, AppError> {
    if !officer.may(&domain::access::Request::ReadReports) {
        return Err(AppError::Forbidden);
    }
    let this_year = state.today().year();
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => this_year,
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2020..=this_year).contains(y))
            .ok_or_else(|| AppError::BadRequest(ui.t("registry.report.bad_year").to_owned()))?,
    };
    // Sixteen screens asking for the same year at once share one count (`in_flight`).
    let counts = state
        .lookup_years
        .share(year, || async {
            Ok::<_, AppError>(Arc::new(
                app::reports::registry_lookup_counts(&state.db, None, Some(year)).await?,
            ))
        })
        .await?;
    let data = state.reference.get();
    let mut lines: Vec<Line> = Vec::new();
    for c in counts.iter() {
        let agency = data.agency(&c.agency_code).map_or_else(
            || c.agency_code.clone(),
            |a| ui.pick(&a.name, &a.name_en).to_owned(),
        );
        let month = match c.month.split_once('-') {
            Some((y, m)) if ui.is_en() => format!("{y}-{m}"),
            Some((y, m)) => format!("{m}/{y}"),
            None => c.month.clone(),
        };
        let index = RESULTS.iter().position(|r| *r == c.result);
        // The counts come sorted by month and agency, so a line's results are consecutive:
        // only the last line can be this one (searching every line was quadratic in the
        // months times the agencies, two years of a province's 54 agencies).
        let at = match lines
            .last()
            .filter(|l| l.month == month && l.agency == agency)
            .map(|_| lines.len() - 1)
        {
            Some(at) => at,
            None => {
                lines.push(Line {
                    month,
                    agency,
                    counts: vec![0; RESULTS.len()],
                    total: 0,
                });
                lines.len() - 1
            }
        };
        let line = &mut lines[at];
        if let Some(i) = index {
            line.counts[i] += c.lookups;
        }
        line.total += c.lookups;
    }
    let total = lines.iter().map(|l| l.total).sum();
    render(&ReportPage {
        year,
        years: (2020..=this_year).rev().collect(),
        results: RESULTS.to_vec(),
        lines,
        total,
        ui,
        officer,
    })
}
