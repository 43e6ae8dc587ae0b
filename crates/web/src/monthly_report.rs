//! The monthly dossier report in the back office (DESIGN §2 "reporting", the seed's table): for
//! a month, per receiving agency, the dossiers received by channel with the online share, and
//! those whose processing ended, on time or late (Decision 766/QĐ-TTg judges a result by its
//! due date). The database counts; this page only names and lays out. Read by the officers who
//! read reports (`domain::access::Request::ReadReports`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::reports::MonthlyFigures;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::AppState;
use crate::edge::officer::Officer;
use crate::edge::period::{percent, report_month};
use crate::edge::render::render;
use crate::error::AppError;
use crate::recent::Recent;
use crate::ui::Ui;

/// How long the figures of a month that has ended are kept. Nothing the program writes changes
/// them (a dossier is received and ends at the time it is recorded, never in the past); the
/// limit bounds how long an import of historical dossiers (`motcua seed --synthetic`) takes to
/// show.
const CLOSED_MONTH_TTL: Duration = Duration::from_secs(600);
/// A month counts as ended this long after its last instant, so a transaction that began
/// before midnight and committed just after is counted before the figures are kept.
const CLOSING_GRACE: time::Duration = time::Duration::minutes(5);
/// Most months kept (three years); the oldest kept goes first.
const CLOSED_MONTHS_KEPT: usize = 36;

/// Counts of a period under way, shared by the requests that ask for it meanwhile.
pub type MonthlyReads = crate::in_flight::InFlight<(i64, i64), Arc<MonthlyFigures>>;

/// The figures of months that have ended, shared by every request. Reading a month of a
/// province's two years costs about 80 ms of database time (docs/PERFORMANCE.md), and the same
/// few closed months are what leaders and the province's reports read again and again.
#[derive(Clone)]
pub struct ClosedMonths(Recent<i64, Arc<MonthlyFigures>>);

impl Default for ClosedMonths {
    fn default() -> Self {
        ClosedMonths(Recent::new(CLOSED_MONTH_TTL, CLOSED_MONTHS_KEPT))
    }
}

impl ClosedMonths {
    /// Whether the figures of a month ending at `to` may be kept at `now`.
    fn keeps(to: OffsetDateTime, now: OffsetDateTime) -> bool {
        to + CLOSING_GRACE <= now
    }

    /// Kept figures of the month starting at `from`, if fresh.
    fn get(&self, from: OffsetDateTime, at: Instant) -> Option<Arc<MonthlyFigures>> {
        self.0.get(&from.unix_timestamp(), at)
    }

    fn put(&self, from: OffsetDateTime, at: Instant, figures: Arc<MonthlyFigures>) {
        self.0.put(from.unix_timestamp(), figures, at);
    }
}

/// The figures of `[from, to)`: kept ones for a month that has ended, else the database's.
async fn figures_of(
    state: &AppState,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Arc<MonthlyFigures>, AppError> {
    let closed = ClosedMonths::keeps(to, OffsetDateTime::now_utc());
    let at = Instant::now();
    if closed && let Some(kept) = state.closed_months.get(from, at) {
        return Ok(kept);
    }
    // Sixteen screens asking for this month at once share one count (`in_flight`).
    let key = (from.unix_timestamp(), to.unix_timestamp());
    let figures = state
        .monthly_reads
        .share(key, || async {
            Ok::<_, AppError>(Arc::new(
                app::reports::monthly_figures(&state.db, from, to).await?,
            ))
        })
        .await?;
    if closed {
        state.closed_months.put(from, at, figures.clone());
    }
    Ok(figures)
}

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
    let period = report_month(&ui, state.today(), q.month.as_deref())?;
    let (from, to) = (period.from, period.to);
    let figures = figures_of(&state, from, to).await?;
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
    render(&ReportPage {
        month: period.value,
        month_label: period.label,
        lines,
        total,
        officer,
        ui,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edge::period::month_start;
    use time::Month;

    fn figures(n: i64) -> Arc<MonthlyFigures> {
        Arc::new(MonthlyFigures {
            received: vec![app::reports::ReceivedCount {
                agency_code: "X".into(),
                channel: "online".into(),
                dossiers: n,
            }],
            finished: Vec::new(),
        })
    }

    #[test]
    fn only_a_month_that_ended_some_minutes_ago_is_kept() {
        let to = time::macros::datetime!(2026-12-01 00:00 +07:00);
        assert!(
            !ClosedMonths::keeps(to, to - time::Duration::days(3)),
            "this month"
        );
        assert!(
            !ClosedMonths::keeps(to, to + time::Duration::minutes(1)),
            "just ended"
        );
        assert!(ClosedMonths::keeps(to, to + time::Duration::minutes(5)));
    }

    #[test]
    fn kept_figures_expire_and_the_oldest_month_goes_first() {
        let kept = ClosedMonths::default();
        let start = Instant::now();
        let month = |m: u8| month_start(2024, Month::try_from(m).expect("month")).expect("start");
        kept.put(month(1), start, figures(1));
        assert_eq!(
            kept.get(month(1), start + Duration::from_secs(60)),
            Some(figures(1))
        );
        assert_eq!(
            kept.get(month(1), start + CLOSED_MONTH_TTL),
            None,
            "kept too long"
        );
        assert_eq!(kept.get(month(2), start), None);
        for i in 0..CLOSED_MONTHS_KEPT + 1 {
            let from = month_start(
                2020 + (i / 12) as i32,
                Month::try_from((i % 12) as u8 + 1).expect("m"),
            )
            .expect("start");
            kept.put(
                from,
                start + Duration::from_secs(i as u64 + 1),
                figures(i as i64),
            );
        }
        let held = kept.0.len();
        assert_eq!(held, CLOSED_MONTHS_KEPT);
        assert_eq!(
            kept.get(month_start(2020, Month::January).expect("start"), start),
            None
        );
    }
}
