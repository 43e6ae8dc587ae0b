//! The notices sent to applicants, as people see them: the back-office page where a unit
//! administrator (the province's, for every unit) watches what waits and what was given up and
//! sends a given-up notice again, and the rows of notices that the officer's and the citizen's
//! dossier pages show. Sending itself is `app::outbox`'s job.

use app::outbox::{Delivery, Listing};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::edge::officer::{Officer, is_province_admin};
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;
use crate::views::local_datetime;

/// The page's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/back-office/outbox", get(page))
        .route("/back-office/outbox/{id}/retry", post(retry))
}

/// A notice as a row of a table.
pub struct NoticeRow {
    /// When it was written.
    pub at: String,
    /// Which notice.
    pub what: &'static str,
    /// E-mail or SMS.
    pub channel: &'static str,
    /// Where it went, as the reader may see it ([`Reader`]).
    pub to: String,
    /// Its state.
    pub status: &'static str,
    /// When it was sent, the last error, who sent it again.
    pub detail: String,
    /// The dossier's code.
    pub dossier: String,
    /// The delivery's id, for the retry form.
    pub id: String,
}

/// Who reads the rows: what each may see of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The applicant on their own dossier: their address, the state; not the transport's
    /// errors nor who sent it again.
    Applicant,
    /// An officer on the dossier's page: everything (the applicant's contact is on the page).
    Officer,
    /// An administrator's list: addresses masked but for notices given up, which they may
    /// need to check.
    Operator,
}

/// `0912 *** 678`-like: enough to tell two recipients apart, not to reach them.
fn masked(recipient: &str) -> String {
    match recipient.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => {
            let chars: Vec<char> = recipient.chars().collect();
            let n = chars.len();
            if n <= 6 {
                "***".to_owned()
            } else {
                let head: String = chars[..3].iter().collect();
                let tail: String = chars[n - 3..].iter().collect();
                format!("{head}****{tail}")
            }
        }
    }
}

/// Rows for `deliveries` in `ui`'s language, as `reader` may see them.
pub fn notice_rows(ui: &Ui, deliveries: &[Delivery], reader: Reader) -> Vec<NoticeRow> {
    deliveries
        .iter()
        .map(|d| {
            let status_code = match d.status.as_str() {
                "delivered" => "delivered",
                "dead" => "dead",
                _ => "pending",
            };
            let mut detail = Vec::new();
            if let Some(at) = d.delivered_at.or(d.dead_at) {
                detail.push(local_datetime(ui, at));
            }
            if reader != Reader::Applicant {
                if d.attempts > 0 {
                    detail.push(ui.t_n("notice.attempts", d.attempts));
                }
                if let (Some(error), false) = (&d.last_error, status_code == "delivered") {
                    detail.push(error.clone());
                }
                if let Some(by) = &d.retried_by {
                    detail.push(ui.t_s("notice.retried_by", by));
                }
            }
            let to = if reader == Reader::Operator && status_code != "dead" {
                masked(&d.recipient)
            } else {
                d.recipient.clone()
            };
            NoticeRow {
                at: local_datetime(ui, d.created_at),
                what: ui.t(&format!("notice.kind.{}", d.notice)),
                channel: ui.t(&format!("notice.channel.{}", d.channel)),
                to,
                status: ui.t(&format!("notice.status.{status_code}")),
                detail: detail.join(" · "),
                dossier: d.dossier_code.clone().unwrap_or_default(),
                id: d.id.simple().to_string(),
            }
        })
        .collect()
}

/// One channel's figures.
struct CountRow {
    channel: &'static str,
    pending: i64,
    delivered: i64,
    dead: i64,
    failures: i64,
    oldest: String,
}

#[derive(Template)]
#[template(path = "back_office/outbox.html")]
struct OutboxPage {
    ui: Ui,
    officer: Officer,
    every_unit: bool,
    configured: bool,
    listing: &'static str,
    tabs: Vec<(&'static str, &'static str)>,
    counts: Vec<CountRow>,
    notices: Vec<NoticeRow>,
    page: u32,
    more: bool,
    message: Option<&'static str>,
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    done: Option<String>,
}

const PER_PAGE: u32 = 50;

/// The unit an officer sees the notices of: `None` for the province's administrator (every
/// unit), their own for a unit administrator; refused for anyone else.
fn scope(state: &AppState, officer: &Officer) -> Result<Option<String>, AppError> {
    if !officer.may_operate_deliveries() {
        return Err(AppError::Forbidden);
    }
    Ok((!is_province_admin(state, officer)).then(|| officer.unit.clone()))
}

async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let unit = scope(&state, &officer)?;
    let listing = query
        .status
        .as_deref()
        .and_then(Listing::parse)
        .unwrap_or(Listing::Dead);
    let page = query.page.unwrap_or(1).clamp(1, 10_000);
    let mut deliveries =
        app::outbox::list(&state, listing, unit.as_deref(), page, PER_PAGE + 1).await?;
    let more = deliveries.len() > PER_PAGE as usize;
    deliveries.truncate(PER_PAGE as usize);
    // The figures are the province's: shown to its administrator only.
    let channels = if unit.is_none() {
        app::outbox::overview(&state).await?.channels
    } else {
        Vec::new()
    };
    let counts = channels
        .into_iter()
        .map(|c| CountRow {
            channel: ui.t(&format!("notice.channel.{}", c.channel)),
            pending: c.pending,
            delivered: c.delivered,
            dead: c.dead,
            failures: c.failures,
            oldest: c
                .oldest_pending
                .map(|t| local_datetime(&ui, t))
                .unwrap_or_default(),
        })
        .collect();
    let message = match query.done.as_deref() {
        Some("retried") => Some("outbox.retried"),
        Some("not_dead") => Some("outbox.not_dead"),
        _ => None,
    };
    let tabs = [Listing::Dead, Listing::Pending, Listing::Delivered]
        .into_iter()
        .map(|l| (l.as_str(), ui.t(&format!("notice.status.{}", l.as_str()))))
        .collect();
    let notices = notice_rows(&ui, &deliveries, Reader::Operator);
    let response = render(&OutboxPage {
        every_unit: unit.is_none(),
        configured: state.notifier.configured(),
        listing: listing.as_str(),
        tabs,
        counts,
        notices,
        page,
        more,
        message,
        ui,
        officer,
    })?;
    Ok(crate::edge::render::no_store(response))
}

/// Puts a given-up notice back in the queue, on the administrator's word (recorded on it).
async fn retry(
    State(state): State<AppState>,
    officer: Officer,
    Path(id): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let unit = scope(&state, &officer)?;
    let id = Uuid::try_parse(&id).map_err(|_| AppError::NotFound)?;
    let delivery = app::outbox::get(&state, id).await?;
    // Another unit's notice is not found, as an unknown one; nor is a connected system's
    // webhook, which its client's page sends again (`api_clients::webhooks`).
    if unit.is_some()
        && (delivery.agency_code != unit || delivery.channel == app::webhooks::WEBHOOK)
    {
        return Err(AppError::NotFound);
    }
    let done = match app::outbox::retry(&state, id, &officer.id).await {
        Ok(()) => "retried",
        Err(app::ServiceError::Refused { .. }) => "not_dead",
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/back-office/outbox?status=dead&done={done}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_recipient_can_be_told_apart_but_not_reached() {
        assert_eq!(masked("0912345678"), "091****678");
        assert_eq!(masked("lan.nguyen@example.vn"), "l***@example.vn");
        assert_eq!(masked("12345"), "***");
    }
}
