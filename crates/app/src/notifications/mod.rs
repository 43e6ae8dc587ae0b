//! Notices to applicants: each change of a dossier that concerns its applicant
//! (`domain::notice`) becomes an e-mail and an SMS in their language, to the address and phone
//! they gave, as their account's preferences allow. The dossier's transaction wrote an outbox
//! message ([`TOPIC`]); [`compose_due`] turns each into deliveries and closes it in one
//! transaction, and [`crate::outbox`] hands the deliveries to the mail server and the SMS
//! gateway, retrying until they are taken or given up.

pub mod digest;
pub mod texts;

use domain::catalogue::Channel;
use domain::dossier::{Change, ReturnMethod};
use domain::notice::{NoticeKind, sms_text};
use serde::Deserialize;
use storage::citizens::NotificationPreferences;
use storage::deliveries::NewDelivery;
use storage::jobs::ClaimedMessage;
use time::OffsetDateTime;
use uuid::Uuid;

pub use texts::Language;

use crate::dossiers::{ContactRecord, DossierService, DossierView};
use crate::{App, ServiceError};

/// Outbox topic of the messages that may tell the applicant something.
pub use crate::outbox::NOTIFY_APPLICANT as TOPIC;
pub use crate::outbox::{EMAIL, SMS};

/// Messages one round composes.
const BATCH: i64 = 200;

/// How long a round holds the messages it claimed.
const LEASE: time::Duration = time::Duration::minutes(2);

pub use crate::outbox::Notifier;

/// How a citizen with an account wants to be told about their dossiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preferences {
    /// By e-mail.
    pub email: bool,
    /// By SMS.
    pub sms: bool,
    /// In which language.
    pub language: Language,
}

impl Default for Preferences {
    /// Both channels, in Vietnamese: what an applicant without an account gets.
    fn default() -> Self {
        Preferences {
            email: true,
            sms: true,
            language: Language::Vi,
        }
    }
}

impl Preferences {
    /// Whether the notices are in English.
    pub fn in_english(&self) -> bool {
        self.language == Language::En
    }

    fn stored(row: Option<NotificationPreferences>) -> Preferences {
        row.map_or_else(Preferences::default, |p| Preferences {
            email: p.notify_email,
            sms: p.notify_sms,
            language: Language::parse(&p.notify_lang),
        })
    }
}

/// The preferences of account `account` (the defaults for an account that is not a citizen's).
pub async fn preferences(app: &App, account: &str) -> Result<Preferences, ServiceError> {
    Ok(Preferences::stored(
        app.db.notification_preferences(account).await?,
    ))
}

/// Records the preferences of citizen account `account`.
pub async fn set_preferences(
    app: &App,
    account: &str,
    preferences: &Preferences,
) -> Result<(), ServiceError> {
    app.db
        .set_notification_preferences(
            account,
            &NotificationPreferences {
                notify_email: preferences.email,
                notify_sms: preferences.sms,
                notify_lang: preferences.language.code().to_owned(),
            },
        )
        .await?;
    Ok(())
}

/// What a dossier's outbox message carries (written by `dossiers::service`).
#[derive(Debug, Deserialize)]
struct Payload {
    code: String,
    /// Absent in messages written before notices existed: those send nothing.
    #[serde(default)]
    changes: Vec<Change>,
    /// When the change happened (Unix seconds).
    #[serde(default)]
    at: Option<i64>,
}

/// Composes the notices of every waiting message once, as this process; how many deliveries
/// were written.
pub async fn compose_due(app: &App) -> Result<usize, ServiceError> {
    compose_due_as(app, crate::leases::process_holder()).await
}

/// [`compose_due`] holding the claimed messages as `holder`.
pub async fn compose_due_as(app: &App, holder: &str) -> Result<usize, ServiceError> {
    let mut written = 0;
    loop {
        let now = OffsetDateTime::now_utc();
        let messages = app
            .db
            .claim_outbox(TOPIC, holder, now, now + LEASE, BATCH)
            .await?;
        let count = messages.len();
        // Composed one by one, written together: one durable commit for the whole batch.
        let mut composed = Vec::with_capacity(count);
        for message in messages {
            match deliveries_of(app, &message, now).await {
                Ok(deliveries) => composed.push((message.id, deliveries)),
                // One message that cannot be composed now (a dossier that does not read back,
                // the database failing a moment) is put off on its own; the others go on.
                Err(e) => {
                    tracing::warn!(message = %message.id, error = %e, "a notice could not be composed; tried again later");
                    let attempts =
                        u32::try_from(message.attempts.saturating_add(1)).unwrap_or(u32::MAX);
                    let pause = crate::outbox::pause_after(attempts, rand::random::<f64>());
                    let next =
                        now + time::Duration::try_from(pause).unwrap_or(time::Duration::HOUR);
                    app.db.postpone_outbox(message.id, next).await?;
                }
            }
        }
        let kept = app.db.fan_out_many(Some(holder), &composed, now).await?;
        written += crate::outbox::written(&composed, &kept);
        if count < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            return Ok(written);
        }
    }
}

/// The deliveries one message becomes: none for a dossier gone, a message from before notices,
/// a change too old, no notice-worthy change, or no channel to reach the applicant.
async fn deliveries_of(
    app: &App,
    message: &ClaimedMessage,
    now: OffsetDateTime,
) -> Result<Vec<NewDelivery>, ServiceError> {
    let notifier = &app.notifier;
    if !notifier.configured() {
        return Ok(Vec::new());
    }
    let Ok(payload) = serde_json::from_str::<Payload>(&message.payload) else {
        tracing::warn!(message = %message.id, "an outbox message to the applicant does not parse; closed");
        return Ok(Vec::new());
    };
    let at = payload
        .at
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or(now);
    if now - at > notifier.give_up_window() {
        return Ok(Vec::new());
    }
    // Most changes tell the applicant nothing (assignments, proposals, approvals): known
    // without reading the dossier, whatever the channel.
    if !payload
        .changes
        .iter()
        .any(|c| NoticeKind::for_change(c, Channel::Online).is_some())
    {
        return Ok(Vec::new());
    }
    let data = app.reference.get();
    let service = DossierService::new(&app.db, &app.vault, &data);
    let view = match service.get(&payload.code).await {
        Ok(view) => view,
        Err(ServiceError::NotFound) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let notices: Vec<(NoticeKind, &Change)> = payload
        .changes
        .iter()
        .filter_map(|c| NoticeKind::for_change(c, view.state.channel).map(|k| (k, c)))
        .collect();
    if notices.is_empty() {
        return Ok(Vec::new());
    }
    let recipients = recipients_of(app, &view).await?;
    let give_up_at = now + notifier.give_up_window();
    let mut deliveries = Vec::new();
    for (kind, change) in notices {
        for recipient in &recipients {
            deliveries.push(delivery(
                app, &data, &view, kind, change, recipient, give_up_at,
            ));
        }
    }
    Ok(deliveries)
}

/// Results one reminder round looks at.
const REMINDER_BATCH: i64 = 200;

/// How far back a waiting result is still worth a reminder.
const REMIND_WITHIN: time::Duration = time::Duration::days(30);

/// Reminds the applicants whose result has waited at the counter
/// [`domain::notice::REMIND_AFTER_WORKING_DAYS`] working days, once each, during office hours
/// of a working day (never at night); how many deliveries were written. A reminder comes from
/// no outbox message: its deliveries are written with an id of their own in place of the
/// message's.
pub async fn remind_waiting(app: &App, now: OffsetDateTime) -> Result<usize, ServiceError> {
    if !app.notifier.configured() {
        return Ok(0);
    }
    let data = app.reference.get();
    let Some(local) = domain::calendar::to_vietnam_local(now) else {
        return Ok(0);
    };
    let hours = data.calendar.office_hours();
    if !data.calendar.is_working_day(local.date())
        || local.time() < hours.opening()
        || local.time() >= hours.closing()
    {
        return Ok(0);
    }
    let service = DossierService::new(&app.db, &app.vault, &data);
    let give_up_at = now + app.notifier.give_up_window();
    let mut written = 0;
    let mut after = None;
    loop {
        let waiting = app
            .db
            .results_waiting(
                now - REMIND_WITHIN,
                now - time::Duration::days(i64::from(domain::notice::REMIND_AFTER_WORKING_DAYS)),
                after.as_ref(),
                REMINDER_BATCH,
            )
            .await?;
        let full = waiting.len() == usize::try_from(REMINDER_BATCH).unwrap_or(usize::MAX);
        for result in &waiting {
            let view = match service.get(&result.code).await {
                Ok(view) => view,
                Err(ServiceError::NotFound) => continue,
                Err(e) => return Err(e),
            };
            let ready = result
                .finished_at
                .to_offset(domain::calendar::VIETNAM_OFFSET)
                .date();
            if !domain::notice::reminder_due(
                &data.calendar,
                ready,
                local.date(),
                return_method(&view) == ReturnMethod::Counter,
            ) {
                continue;
            }
            let mut deliveries = Vec::new();
            for recipient in recipients_of(app, &view).await? {
                deliveries.push(delivery(
                    app,
                    &data,
                    &view,
                    NoticeKind::CollectReminder,
                    &Change::ResultReady,
                    &recipient,
                    give_up_at,
                ));
            }
            written += deliveries.len();
            app.db
                .fan_out(Uuid::now_v7(), None, &deliveries, now)
                .await?;
        }
        after = waiting.into_iter().last();
        if !full {
            return Ok(written);
        }
    }
}

/// How the applicant asked for the result, else how it was returned, else at the counter.
fn return_method(view: &DossierView) -> ReturnMethod {
    ContactRecord::read(view.stored.applicant_contact.as_deref())
        .and_then(|c| c.details.return_method)
        .or(view.state.return_method)
        .unwrap_or(ReturnMethod::Counter)
}

/// Notice `kind` about `change` of `view`, rendered for `recipient`.
fn delivery(
    app: &App,
    data: &crate::ReferenceData,
    view: &DossierView,
    kind: NoticeKind,
    change: &Change,
    recipient: &Recipient,
    give_up_at: OffsetDateTime,
) -> NewDelivery {
    let values = Values::of(app, data, view, change, recipient.lang);
    let rendered = texts::render(kind, recipient.lang, &values.pairs());
    let (body, html) = match recipient.channel {
        EMAIL => (rendered.text, Some(rendered.html)),
        _ => (sms_text(&rendered.sms), None),
    };
    NewDelivery {
        id: Uuid::now_v7(),
        dossier_id: Some(view.stored.id),
        channel: recipient.channel.to_owned(),
        recipient: recipient.address.clone(),
        notice: kind.as_str().to_owned(),
        lang: recipient.lang.code().to_owned(),
        subject: rendered.subject,
        body,
        html,
        give_up_at,
    }
}

/// One way to reach the applicant.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Recipient {
    channel: &'static str,
    address: String,
    lang: Language,
}

/// The applicant's e-mail address and mobile number as the dossier recorded them, each on when
/// its channel is configured and the account (if the dossier has a citizen's) has not turned it
/// off. Without an account: both, in Vietnamese.
async fn recipients_of(app: &App, view: &DossierView) -> Result<Vec<Recipient>, ServiceError> {
    let preferences = match view.stored.applicant_account.as_deref() {
        Some(account) => preferences(app, account).await?,
        None => Preferences::default(),
    };
    let lang = preferences.language;
    let Some(contact) = ContactRecord::read(view.stored.applicant_contact.as_deref()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    if let (Some(email), true, true) = (
        contact.details.email.as_ref(),
        preferences.email,
        app.notifier.mailer.is_some(),
    ) {
        out.push(Recipient {
            channel: EMAIL,
            address: email.as_str().to_owned(),
            lang,
        });
    }
    if let (Some(phone), true, true) = (
        contact.details.phone.as_ref(),
        preferences.sms,
        app.notifier.sms.is_some(),
    ) && phone.takes_sms()
    {
        out.push(Recipient {
            channel: SMS,
            address: phone.as_str().to_owned(),
            lang,
        });
    }
    Ok(out)
}

/// The values a notice's texts are filled with.
struct Values {
    pairs: Vec<(&'static str, String)>,
}

impl Values {
    fn of(
        app: &App,
        data: &crate::ReferenceData,
        view: &DossierView,
        change: &Change,
        lang: Language,
    ) -> Values {
        let en = lang == Language::En;
        let procedure = data
            .procedure(&view.stored.procedure_code)
            .map(|p| if en { &p.name_en } else { &p.name })
            .cloned()
            .unwrap_or_else(|| view.stored.procedure_code.clone());
        let agency = data
            .agency(&view.stored.agency_code)
            .map(|a| if en { &a.name_en } else { &a.name })
            .cloned()
            .unwrap_or_else(|| view.stored.agency_code.clone());
        let base = app.notifier.public_url.trim_end_matches('/');
        let code = view.stored.code.clone();
        let mut pairs = vec![
            ("name", view.stored.applicant_name.clone()),
            ("code", code.clone()),
            ("procedure", procedure),
            ("agency", agency.clone()),
            // Only the code: the digits that open the dossier never travel in a link.
            ("link", format!("{base}/tracking?code={code}")),
        ];
        let date = local_date;
        if let Some(due) = view.state.appointment.or(view.state.due) {
            pairs.push(("appointment", date(due)));
        }
        let form = |name: &str| crate::dossiers::links::verification_url(base, view, Some(name));
        match change {
            Change::Accepted { appointment, .. } => {
                pairs.retain(|(k, _)| *k != "appointment");
                pairs.push(("appointment", date(*appointment)));
                pairs.push(("form_link", form("receipt")));
            }
            Change::SupplementRequested {
                reasons, papers, ..
            } => {
                pairs.push(("reasons", reasons.clone()));
                let listed = if papers.is_empty() {
                    if en { "see the reasons" } else { "xem lý do" }.to_owned()
                } else {
                    papers.join("; ")
                };
                pairs.push(("papers", listed));
                // The SMS counts them: the list alone can take three messages.
                pairs.push(("paper_count", papers.len().max(1).to_string()));
                pairs.push(("form_link", form("supplement")));
            }
            Change::Refused { reasons } => {
                pairs.push(("reasons", reasons.clone()));
                pairs.push(("form_link", form("refusal")));
            }
            Change::Stopped { reasons } => {
                pairs.push(("reasons", reasons.clone()));
                pairs.push(("form_link", form("stop")));
            }
            Change::Apologised { reasons, new_due } => {
                pairs.push(("reasons", reasons.clone()));
                pairs.push(("new_date", date(*new_due)));
                pairs.push(("form_link", form("apology")));
            }
            Change::FeesRequested { amount_vnd, .. } | Change::FeesPaid { amount_vnd, .. } => {
                pairs.push(("amount", amount(*amount_vnd, lang)));
            }
            _ => {}
        }
        if matches!(
            change,
            Change::ResultReturned { .. } | Change::Refused { .. } | Change::Stopped { .. }
        ) && let Some(window) = domain::rating::RatingWindow::of(&view.state)
        {
            // The applicant is asked to rate what they received (Decree 61/2018/NĐ-CP Art. 32.2);
            // the link opens the rating page without the digits or a sign-in.
            let link = crate::ratings::RatingLink::new(
                &app.vault,
                &code,
                crate::ratings::Door::Notice,
                window.ended_at,
            );
            pairs.push(("rate_link", format!("{base}{}", link.path())));
        }
        let method = return_method(view);
        let collect = texts::fill(
            texts::text(
                lang,
                "common",
                match method {
                    ReturnMethod::Counter => "counter",
                    ReturnMethod::Post => "post",
                    ReturnMethod::Online => "online",
                },
            ),
            &[("agency", agency.as_str())],
        );
        pairs.push(("collect", collect));
        Values { pairs }
    }

    fn pairs(&self) -> Vec<(&str, &str)> {
        self.pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }
}

/// A date as the applicant reads it, in Vietnam's time: `15/12/2026`.
fn local_date(at: OffsetDateTime) -> String {
    let local = at.to_offset(domain::calendar::VIETNAM_OFFSET);
    format!(
        "{:02}/{:02}/{}",
        local.day(),
        u8::from(local.month()),
        local.year()
    )
}

/// An amount of đồng with its thousands grouped: `1.250.000` in Vietnamese, `1,250,000` in
/// English.
fn amount(vnd: i64, lang: Language) -> String {
    let digits = vnd.unsigned_abs().to_string();
    let separator = if lang == Language::En { ',' } else { '.' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    if vnd < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_by_thousands_in_each_language() {
        assert_eq!(amount(1_250_000, Language::Vi), "1.250.000");
        assert_eq!(amount(1_250_000, Language::En), "1,250,000");
        assert_eq!(amount(500, Language::Vi), "500");
        assert_eq!(amount(0, Language::En), "0");
    }

    #[test]
    fn dates_are_written_in_vietnam_time() {
        let late_evening_utc = time::macros::datetime!(2026-12-14 18:00 UTC);
        assert_eq!(local_date(late_evening_utc), "15/12/2026");
    }
}
