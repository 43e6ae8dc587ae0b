//! The payment report in the back office: online and counter payments and their sums per month,
//! procedure and agency for a year, and the share of fee-bearing dossiers paid online (the
//! figures the province reports against its target of more online payment). Leaders, unit
//! administrators and auditors read it.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::calendar::VIETNAM_OFFSET;
use domain::payment::ledger::PaymentChannel;
use domain::payment::report::{PaidGroup, Tally, summarise_groups};
use time::{Date, Month, OffsetDateTime, Time};

use crate::AppState;
use crate::edge::officer::Officer;
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;

struct Row {
    label: String,
    online_count: u64,
    online: String,
    counter_count: u64,
    counter: String,
}

impl Row {
    fn new(ui: &Ui, label: String, t: &Tally) -> Row {
        Row {
            label,
            online_count: t.online_count,
            online: ui.money(t.online_vnd),
            counter_count: t.counter_count,
            counter: ui.money(t.counter_vnd),
        }
    }
}

struct Section {
    caption: &'static str,
    id: &'static str,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "back_office/payments_report.html")]
struct ReportPage {
    ui: Ui,
    officer: Officer,
    year: i32,
    years: Vec<i32>,
    sections: Vec<Section>,
    total: Row,
    channels: Vec<(String, u64, String)>,
    share: Option<String>,
    paying_dossiers: u64,
    paid_online_dossiers: u64,
}

/// Midnight in Vietnam on the first of `month` of `year`.
fn start_of_month(year: i32, month: u8) -> Option<OffsetDateTime> {
    Date::from_calendar_date(year, Month::try_from(month).ok()?, 1)
        .ok()
        .map(|d| d.with_time(Time::MIDNIGHT).assume_offset(VIETNAM_OFFSET))
}

/// Midnight in Vietnam on the first of the month after.
fn start_of_month_after(year: i32, month: u8) -> Option<OffsetDateTime> {
    if month == 12 {
        start_of_month(year + 1, 1)
    } else {
        start_of_month(year, month + 1)
    }
}

/// What the database says of a year's payments: the paid groups by month, channel, procedure
/// and agency, and the fee-bearing dossiers paid at all and paid online.
pub struct PaidInYear {
    groups: Vec<PaidGroup>,
    paying: i64,
    paid_online: i64,
}

/// Payment-report reads under way, by year, shared by the requests that ask meanwhile.
pub type PaymentYears = crate::in_flight::InFlight<i32, Arc<PaidInYear>>;

async fn paid_in(
    state: &AppState,
    year: i32,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Arc<PaidInYear>, AppError> {
    // One month at a time, counted and summed by the database, so a year of payments is never
    // read into memory (at a province's scale that was seconds and hundreds of MB a request).
    let mut groups = Vec::new();
    for month in 1..=12u8 {
        let (Some(start), Some(end)) = (
            start_of_month(year, month),
            start_of_month_after(year, month),
        ) else {
            continue;
        };
        for g in app::reports::paid_payment_groups(&state.db, start, end).await? {
            let Some(channel) = PaymentChannel::parse(&g.channel) else {
                continue;
            };
            groups.push(PaidGroup {
                channel,
                month,
                procedure_code: g.procedure_code,
                agency_code: g.agency_code,
                count: u64::try_from(g.payments).unwrap_or(0),
                amount_vnd: g.amount_vnd,
            });
        }
    }
    let online: Vec<&str> = PaymentChannel::ALL
        .into_iter()
        .filter(|c| c.is_online())
        .map(|c| c.as_str())
        .collect();
    let (paying, paid_online) = app::reports::paying_dossiers(&state.db, from, to, &online).await?;
    Ok(Arc::new(PaidInYear {
        groups,
        paying,
        paid_online,
    }))
}

/// Shows the report for a year.
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
            .filter(|y| (2000..=this_year + 1).contains(y))
            .ok_or_else(|| AppError::BadRequest(ui.t("payment.report.bad_year").to_owned()))?,
    };
    let (Some(from), Some(to)) = (start_of_month(year, 1), start_of_month(year + 1, 1)) else {
        return Err(AppError::BadRequest(
            ui.t("payment.report.bad_year").to_owned(),
        ));
    };
    // Sixteen screens asking for the same year at once share one read (`in_flight`).
    let paid = state
        .payment_years
        .share(year, || paid_in(&state, year, from, to))
        .await?;
    let report = summarise_groups(
        &paid.groups,
        u64::try_from(paid.paying).unwrap_or(0),
        u64::try_from(paid.paid_online).unwrap_or(0),
    );
    let data = state.reference.get();
    let months = report
        .by_month
        .iter()
        .map(|(m, t)| Row::new(&ui, ui.t_n("payment.report.month", m), t))
        .collect();
    let procedures = report
        .by_procedure
        .iter()
        .map(|(code, t)| {
            let name = data.procedure(code).map_or_else(
                || code.clone(),
                |p| format!("{} ({code})", ui.pick(&p.name, &p.name_en)),
            );
            Row::new(&ui, name, t)
        })
        .collect();
    let agencies = report
        .by_agency
        .iter()
        .map(|(code, t)| {
            let name = data
                .agency(code)
                .map_or_else(|| code.clone(), |a| ui.pick(&a.name, &a.name_en).to_owned());
            Row::new(&ui, name, t)
        })
        .collect();
    render(&ReportPage {
        sections: vec![
            Section {
                caption: ui.t("payment.report.by_month"),
                id: "by-month",
                rows: months,
            },
            Section {
                caption: ui.t("payment.report.by_procedure"),
                id: "by-procedure",
                rows: procedures,
            },
            Section {
                caption: ui.t("payment.report.by_agency"),
                id: "by-agency",
                rows: agencies,
            },
        ],
        total: Row::new(&ui, ui.t("payment.report.total").to_owned(), &report.total),
        channels: report
            .by_channel
            .iter()
            .map(|(c, n, vnd)| {
                (
                    ui.t(&format!("payment.channel.{}", c.as_str())).to_owned(),
                    *n,
                    ui.money(*vnd),
                )
            })
            .collect(),
        share: report
            .online_share_per_mille()
            .map(|pm| format!("{},{} %", pm / 10, pm % 10)),
        paying_dossiers: report.paying_dossiers,
        paid_online_dossiers: report.paid_online_dossiers,
        years: (2020..=this_year).rev().collect(),
        year,
        officer,
        ui,
    })
}
