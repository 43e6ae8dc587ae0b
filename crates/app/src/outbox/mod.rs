//! Delivery of what the outbox became: each delivery is handed to its channel's transport (the
//! mail server, the SMS gateway) at least once, in order per dossier and channel, tried again
//! later and later (exponential back-off with jitter) while the transport fails, and given up —
//! a dead letter an operator can put back — when it fails for good or for longer than its
//! notice is worth. Each delivery's id goes with it (the e-mail's Message-ID, the SMS
//! gateway's request id), so a delivery sent twice, when a process died between sending and
//! recording, is recognised as one by its receiver. Delivered outbox messages are pruned after
//! a retention period, in small batches.

use std::time::Duration;

use integrations::notify::{Email, SendError, Sms};
use storage::deliveries::{ChannelCounts, DeliveryFilter, StoredDelivery, TopicBacklog};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, ServiceError};
/// A delivery as stored (named here so the web edge needs no storage crate).
pub use storage::deliveries::StoredDelivery as Delivery;

/// Outbox topic of a dossier's changes that may tell its applicant something
/// (`notifications`).
pub const NOTIFY_APPLICANT: &str = "notify.applicant";

/// Delivery channel name of e-mail.
pub const EMAIL: &str = "email";
/// Delivery channel name of SMS.
pub const SMS: &str = "sms";

/// Outbox topic of a dossier's changes for the national public service portal.
pub const DVCQG_SYNC: &str = "dvcqg.sync";

/// The outbox's topics: the applicant's notices, the national portal's sync (consumed once
/// that connection is built), and population look-ups to try again.
pub const TOPICS: [&str; 3] = [
    NOTIFY_APPLICANT,
    DVCQG_SYNC,
    storage::registry_lookups::RETRY_TOPIC,
];

/// Deliveries one claim takes on: few, so that the lease below outlasts their sends even at the
/// transports' time-outs.
const BATCH: i64 = 20;

/// Most batches one round of one channel sends.
const MAX_BATCHES: usize = 250;

/// How long a claim holds its deliveries: longer than twenty sends take at the transports'
/// time-outs. A process that dies lets them go to another after this, or at once to a process
/// restarted on the same host (`leases::release_dead_holders`).
const LEASE: time::Duration = time::Duration::minutes(10);

/// First pause after a failure; each further failure doubles it, up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_secs(30);

/// Longest pause between two attempts.
const MAX_PAUSE: Duration = Duration::from_secs(3600);

/// The pause after `attempts` failures: `FIRST_PAUSE × 2^(attempts−1)` capped at
/// [`MAX_PAUSE`], then scaled by `jitter` in [0, 1) to between half and all of it ("equal
/// jitter"), so deliveries that failed together do not all come back at the same second.
pub fn pause_after(attempts: u32, jitter: f64) -> Duration {
    let exponent = attempts.saturating_sub(1).min(16);
    let full = FIRST_PAUSE
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(MAX_PAUSE);
    full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// What one round of delivery did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Handed over.
    pub delivered: usize,
    /// Failed and put off.
    pub postponed: usize,
    /// Given up.
    pub dead: usize,
}

/// Delivers every due delivery of every configured channel once, as this process.
pub async fn deliver_due(app: &App) -> Result<Round, ServiceError> {
    deliver_due_as(app, crate::leases::process_holder()).await
}

/// [`deliver_due`] holding the claimed deliveries as `holder`: two processes never send the
/// same delivery at once.
pub async fn deliver_due_as(app: &App, holder: &str) -> Result<Round, ServiceError> {
    deliver_due_at(app, holder, OffsetDateTime::now_utc()).await
}

/// [`deliver_due_as`] as if it were `now`: deliveries due by then are sent, and failures are
/// put off from then (tests move the clock forward instead of waiting). Each channel goes on
/// its own, so a mail relay that is down does not hold the SMS back.
pub async fn deliver_due_at(
    app: &App,
    holder: &str,
    now: OffsetDateTime,
) -> Result<Round, ServiceError> {
    let started = std::time::Instant::now();
    let channels = app.notifier.channels();
    let round_of = |channel: &'static str| {
        let configured = channels.contains(&channel);
        async move {
            if configured {
                deliver_channel(app, holder, channel, now, started).await
            } else {
                Ok(Round::default())
            }
        }
    };
    let (email, sms) = tokio::join!(round_of(EMAIL), round_of(SMS));
    let (email, sms) = (email?, sms?);
    Ok(Round {
        delivered: email.delivered + sms.delivered,
        postponed: email.postponed + sms.postponed,
        dead: email.dead + sms.dead,
    })
}

/// Transient failures in a row after which a channel's round stops: its transport is down, and
/// the deliveries still claimed are let go without counting an attempt.
const FAILURES_IN_A_ROW: usize = 5;

/// One channel's round: claims and sends until nothing is left, the round's bound is reached,
/// or the transport fails [`FAILURES_IN_A_ROW`] times in a row. Times move on with the round
/// (`now` plus the time spent), so the leases and pauses of later claims are not stale.
async fn deliver_channel(
    app: &App,
    holder: &str,
    channel: &'static str,
    now: OffsetDateTime,
    started: std::time::Instant,
) -> Result<Round, ServiceError> {
    let clock = || now + started.elapsed();
    let mut round = Round::default();
    let mut failing = 0;
    // A claim holds one delivery per dossier; the next claim takes the ones that waited
    // behind them, so a round goes on until nothing is left to claim (or, under a backlog,
    // for a bounded number of batches, leaving the rest to the next round).
    for _ in 0..MAX_BATCHES {
        let at = clock();
        let claimed = app
            .db
            .claim_deliveries(channel, holder, at, at + LEASE, BATCH)
            .await?;
        if claimed.is_empty() {
            break;
        }
        let mut claimed = claimed.into_iter();
        for delivery in claimed.by_ref() {
            let outcome = send(app, &delivery).await;
            let transient = matches!(outcome, Err(SendError::Transient(_)));
            record(app, &delivery, outcome, clock(), &mut round).await?;
            failing = if transient { failing + 1 } else { 0 };
            if failing >= FAILURES_IN_A_ROW {
                break;
            }
        }
        if failing >= FAILURES_IN_A_ROW {
            for rest in claimed {
                app.db.release_delivery(rest.id).await?;
            }
            tracing::warn!(channel, "the transport keeps failing; this round stops");
            break;
        }
    }
    Ok(round)
}

/// Hands one delivery to its channel's transport.
async fn send(app: &App, delivery: &StoredDelivery) -> Result<(), SendError> {
    match delivery.channel.as_str() {
        EMAIL => match &app.notifier.mailer {
            Some(mailer) => {
                mailer
                    .send(&Email {
                        id: delivery.id,
                        to: delivery.recipient.clone(),
                        subject: delivery.subject.clone(),
                        text: delivery.body.clone(),
                        html: delivery.html.clone().unwrap_or_default(),
                    })
                    .await
            }
            None => Err(SendError::Transient("e-mail is not configured".into())),
        },
        SMS => match &app.notifier.sms {
            Some(sms) => {
                sms.send(&Sms {
                    id: delivery.id,
                    to: delivery.recipient.clone(),
                    text: delivery.body.clone(),
                })
                .await
            }
            None => Err(SendError::Transient("SMS is not configured".into())),
        },
        other => Err(SendError::Permanent(format!("unknown channel {other}"))),
    }
}

/// Records what a send did: delivered, put off with back-off, or given up when the failure is
/// permanent or the next attempt would come after the delivery's give-up time.
async fn record(
    app: &App,
    delivery: &StoredDelivery,
    outcome: Result<(), SendError>,
    now: OffsetDateTime,
    round: &mut Round,
) -> Result<(), ServiceError> {
    let error = match outcome {
        Ok(()) => {
            app.db.delivery_sent(delivery.id, now).await?;
            round.delivered += 1;
            return Ok(());
        }
        Err(e) => e,
    };
    let attempts = u32::try_from(delivery.attempts.saturating_add(1)).unwrap_or(u32::MAX);
    let pause = pause_after(attempts, rand::random::<f64>());
    let next = now + time::Duration::try_from(pause).unwrap_or(time::Duration::HOUR);
    let text = truncate(&error.to_string(), 500);
    match error {
        SendError::Permanent(_) => {
            app.db.delivery_dead(delivery.id, &text, now).await?;
            round.dead += 1;
            tracing::warn!(delivery = %delivery.id, channel = %delivery.channel, error = %text, "delivery refused for good");
        }
        SendError::Transient(_) if next > delivery.give_up_at => {
            app.db.delivery_dead(delivery.id, &text, now).await?;
            round.dead += 1;
            tracing::warn!(delivery = %delivery.id, channel = %delivery.channel, error = %text, "delivery given up");
        }
        SendError::Transient(_) => {
            app.db.delivery_failed(delivery.id, &text, next).await?;
            round.postponed += 1;
        }
    }
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// How long delivered outbox messages are kept (for investigation) before they are pruned.
pub const RETENTION: time::Duration = time::Duration::days(7);

/// Messages one pruning statement deletes.
const PRUNE_BATCH: i64 = 500;

/// Most statements one pruning round runs, so a large backlog after an upgrade is worked off
/// over several rounds rather than in one long burst.
const PRUNE_STATEMENTS: usize = 40;

/// Deletes delivered outbox messages older than [`RETENTION`], in small batches; how many.
pub async fn prune(app: &App) -> Result<u64, ServiceError> {
    prune_before(app, OffsetDateTime::now_utc() - RETENTION).await
}

/// Deletes outbox messages delivered before `before`, in small batches; how many.
pub async fn prune_before(app: &App, before: OffsetDateTime) -> Result<u64, ServiceError> {
    let mut pruned = 0;
    for _ in 0..PRUNE_STATEMENTS {
        let n = app.db.prune_outbox(before, PRUNE_BATCH).await?;
        pruned += n;
        if n < PRUNE_BATCH.unsigned_abs() {
            break;
        }
        // Let the submissions' writes in between two batches.
        tokio::task::yield_now().await;
    }
    Ok(pruned)
}

/// The state of delivery for operators and `/metrics`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overview {
    /// Per channel.
    pub channels: Vec<ChannelCounts>,
    /// Outbox messages not yet consumed, per topic.
    pub backlog: Vec<TopicBacklog>,
}

/// Counts per channel and the outbox's backlog per topic.
pub async fn overview(app: &App) -> Result<Overview, ServiceError> {
    Ok(Overview {
        channels: app.db.delivery_counts().await?,
        backlog: app.db.outbox_backlog().await?,
    })
}

/// Which deliveries an operator lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Waiting to be handed over.
    Pending,
    /// Given up.
    Dead,
    /// Handed over.
    Delivered,
}

impl Listing {
    /// Stable name, as stored and in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Listing::Pending => "pending",
            Listing::Dead => "dead",
            Listing::Delivered => "delivered",
        }
    }

    /// The listing named `name`.
    pub fn parse(name: &str) -> Option<Listing> {
        [Listing::Pending, Listing::Dead, Listing::Delivered]
            .into_iter()
            .find(|l| l.as_str() == name)
    }
}

/// One page of deliveries about dossiers received by `unit` (every unit when `None`), newest
/// first.
pub async fn list(
    app: &App,
    listing: Listing,
    unit: Option<&str>,
    page: u32,
    per_page: u32,
) -> Result<Vec<StoredDelivery>, ServiceError> {
    let per_page = i64::from(per_page.clamp(1, 200));
    let offset = i64::from(page.max(1) - 1) * per_page;
    Ok(app
        .db
        .deliveries(
            DeliveryFilter::Status(listing.as_str()),
            unit,
            per_page,
            offset,
        )
        .await?)
}

/// One delivery.
pub async fn get(app: &App, id: Uuid) -> Result<StoredDelivery, ServiceError> {
    app.db.delivery(id).await?.ok_or(ServiceError::NotFound)
}

/// The deliveries about one dossier, oldest first (its pages show them).
pub async fn of_dossier(app: &App, dossier_id: Uuid) -> Result<Vec<StoredDelivery>, ServiceError> {
    Ok(app.db.deliveries_of_dossier(dossier_id).await?)
}

/// Puts dead delivery `id` back in the queue on `operator`'s word: tried at once, and given up
/// again after the notices' window. Recorded with the operator's id and the time on the row.
pub async fn retry(app: &App, id: Uuid, operator: &str) -> Result<(), ServiceError> {
    let now = OffsetDateTime::now_utc();
    let window =
        time::Duration::try_from(app.notifier.give_up_after).unwrap_or(time::Duration::days(2));
    if app
        .db
        .retry_delivery(id, operator, now, now + window)
        .await?
    {
        tracing::info!(delivery = %id, operator = %operator, "dead delivery put back in the queue");
        Ok(())
    } else {
        Err(ServiceError::Refused {
            code: "not_dead",
            message: "only a delivery that was given up can be retried".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_doubles_with_each_failure_up_to_an_hour() {
        assert!(pause_after(1, 0.999).as_secs_f64() < 30.0);
        assert_eq!(pause_after(1, 0.0), Duration::from_secs(15));
        assert_eq!(pause_after(2, 0.0), Duration::from_secs(30));
        assert_eq!(pause_after(3, 0.0), Duration::from_secs(60));
        assert_eq!(pause_after(30, 0.0), Duration::from_secs(1800));
        assert!(pause_after(30, 0.999) <= MAX_PAUSE);
    }

    #[test]
    fn jitter_spreads_the_pause_between_half_and_all_of_it() {
        for attempts in 1..12 {
            let low = pause_after(attempts, 0.0);
            let high = pause_after(attempts, 0.999_999);
            assert!(high > low);
            assert!(high <= low * 2);
        }
    }

    #[test]
    fn a_long_error_is_cut_at_a_character_boundary() {
        let text = "lỗi ".repeat(300);
        let cut = truncate(&text, 500);
        assert_eq!(cut.chars().count(), 501);
        assert!(cut.ends_with('…'));
    }
}
