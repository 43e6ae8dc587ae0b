//! The officers' morning digest: each working day from 07:00, an e-mail to every handling
//! officer of the dossiers assigned to them, and to every unit leader of the dossiers their unit
//! holds, that are overdue, due today or due on the next working day — the same "overdue" and
//! "due soon" the inbox shows (`domain::dossier::RecordedTimeliness`, `DUE_SOON_WORKING_DAYS`),
//! so that an apology (Form 04) can still be sent at least a day before the deadline (Decree
//! 118/2025/NĐ-CP, which carried this rule over from Decree 61/2018/NĐ-CP). Nothing due, no e-mail. It goes through the
//! same deliveries as the applicants' notices, once a day per address.

use domain::dossier::{DUE_SOON_WORKING_DAYS, OfficerRole, Status, due_at_close_of};
use storage::deliveries::NewDelivery;
use storage::inbox::InboxQuery;
use storage::officers::AlertedOfficer;
use time::{OffsetDateTime, Time};
use uuid::Uuid;

use super::EMAIL;
use super::texts::{self, Language};
use crate::{App, ServiceError};

/// The stable name of the digest's deliveries.
pub const NOTICE: &str = "officer_digest";

/// When the digest goes out, Vietnam time: before the offices open at 07:30; after
/// [`SEND_UNTIL`] a day's digest is not sent (a "morning" digest in the evening only confuses).
const SEND_FROM: Time = time::macros::time!(07:00);
/// The end of the morning window.
const SEND_UNTIL: Time = time::macros::time!(11:00);

/// Most dossiers a digest lists (the inbox has the rest).
const LISTED: i64 = 30;

/// Sends the day's digest to every officer who has not had it yet, when it is a working day
/// from 07:00 in Vietnam; how many were written.
pub async fn send_digests(app: &App, now: OffsetDateTime) -> Result<usize, ServiceError> {
    if app.notifier.mailer.is_none() {
        return Ok(0);
    }
    let data = app.reference.get();
    let Some(local) = domain::calendar::to_vietnam_local(now) else {
        return Ok(0);
    };
    if !data.calendar.is_working_day(local.date())
        || local.time() < SEND_FROM
        || local.time() >= SEND_UNTIL
    {
        return Ok(0);
    }
    // In UTC, as every stored time: SQLite compares the text.
    let start_of_day = local
        .date()
        .midnight()
        .assume_offset(domain::calendar::VIETNAM_OFFSET)
        .to_offset(time::UtcOffset::UTC);
    let due_by = data
        .calendar
        .add_working_days(local.date(), DUE_SOON_WORKING_DAYS.unsigned_abs() as u32)
        .map(|day| due_at_close_of(data.calendar.office_hours(), day));
    let today_ends = due_at_close_of(data.calendar.office_hours(), local.date());
    let mut sent = 0;
    for officer in app.db.officers_with_email().await? {
        let leader = match OfficerRole::parse(&officer.role) {
            Some(OfficerRole::Leader) => true,
            Some(OfficerRole::Handling) => false,
            _ => continue,
        };
        if app
            .db
            .delivered_since(NOTICE, &officer.email, start_of_day)
            .await?
        {
            continue;
        }
        let query = InboxQuery {
            holder_agency_code: officer.agency_code.clone(),
            assigned_officer: (!leader).then(|| officer.id.clone()),
            statuses: Status::OPEN.iter().map(|s| s.as_str().to_owned()).collect(),
            due_by,
            overdue_at: None,
            limit: LISTED,
            offset: 0,
        };
        let dossiers = app.db.inbox_items(&query).await?;
        if dossiers.is_empty() {
            continue;
        }
        let total = app
            .db
            .inbox_count(&InboxQuery {
                limit: 0,
                ..query.clone()
            })
            .await?;
        let mut lines = Vec::new();
        for d in &dossiers {
            let overdue = d.index.overdue_after.is_some_and(|t| t < now);
            let label = if overdue {
                "overdue"
            } else if d.index.due_at.is_some_and(|t| t <= today_ends) {
                "due_today"
            } else {
                "due_soon"
            };
            let procedure = data
                .procedure(&d.procedure_code)
                .map_or(d.procedure_code.as_str(), |p| p.name.as_str());
            let due = d.index.due_at.map(super::local_date).unwrap_or_default();
            lines.push((label, format!("{} · {procedure} · {due}", d.code)));
        }
        let email = render(app, &officer, leader, &lines, total);
        app.db
            .fan_out(
                Uuid::now_v7(),
                None,
                &[NewDelivery {
                    id: Uuid::now_v7(),
                    dossier_id: None,
                    channel: EMAIL.to_owned(),
                    recipient: officer.email.clone(),
                    notice: NOTICE.to_owned(),
                    lang: Language::Vi.code().to_owned(),
                    subject: email.0,
                    body: email.1,
                    html: Some(email.2),
                    give_up_at: now + time::Duration::hours(12),
                }],
                now,
            )
            .await?;
        sent += 1;
    }
    Ok(sent)
}

/// Subject, text and HTML of one officer's digest. Officers read the back office in
/// Vietnamese, so the digest is in Vietnamese.
fn render(
    app: &App,
    officer: &AlertedOfficer,
    leader: bool,
    lines: &[(&str, String)],
    total: i64,
) -> (String, String, String) {
    let t = |part: &str| texts::text(Language::Vi, "officer_digest", part);
    let count = total.to_string();
    let inbox = format!(
        "{}/back-office/inbox?show=due_soon{}",
        app.notifier.public_url.trim_end_matches('/'),
        if leader { "" } else { "&scope=mine" }
    );
    let values = [
        ("name", officer.full_name.as_str()),
        ("count", count.as_str()),
        ("link", inbox.as_str()),
    ];
    let subject = texts::fill(t("subject"), &values);
    let mut paragraphs = vec![
        texts::fill(t("greeting"), &values),
        texts::fill(t(if leader { "intro_unit" } else { "intro_mine" }), &values),
    ];
    for group in ["overdue", "due_today", "due_soon"] {
        let items: Vec<&str> = lines
            .iter()
            .filter(|(label, _)| *label == group)
            .map(|(_, line)| line.as_str())
            .collect();
        if !items.is_empty() {
            paragraphs.push(format!("{}\n- {}", t(group), items.join("\n- ")));
        }
    }
    paragraphs.push(texts::fill(t("footer"), &values));
    let html = texts::html_of(Language::Vi, &paragraphs);
    (subject, paragraphs.join("\n\n"), html)
}
