//! Delivery of what the outbox became: each delivery is handed to its channel's transport (the
//! mail server, the SMS gateway, a connected system's webhook endpoint) at least once, in order
//! per dossier, channel and recipient, tried again later and later (exponential back-off with
//! jitter) while the transport fails, and given up — a dead letter an operator can put back —
//! when it fails for good or for longer than its notice is worth. Each delivery's id goes with
//! it (the e-mail's Message-ID, the SMS gateway's request id, the webhook-id), so a delivery
//! sent twice, when a process died between sending and recording, is recognised as one by its
//! receiver. Delivered outbox messages are pruned after
//! a retention period, in small batches.

use std::sync::Arc;
use std::time::Duration;

use integrations::notify::{Email, Mailer, SendError, Sms, SmsSender};
use integrations::webhook::{WebhookRequest, WebhookSender};
use storage::deliveries::{
    ChannelCounts, DeliveryFilter, DeliveryOutcome, ReceiverAnswer, StoredDelivery, TopicBacklog,
};

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, ServiceError};
/// A delivery as stored (named here so the web edge needs no storage crate).
pub use storage::deliveries::StoredDelivery as Delivery;

/// Where notices go and how long they are worth sending.
#[derive(Clone)]
pub struct Notifier {
    /// The mail server, when configured.
    pub mailer: Option<Arc<dyn Mailer>>,
    /// The SMS gateway, when configured.
    pub sms: Option<Arc<dyn SmsSender>>,
    /// The portal's public address, for links in the notices.
    pub public_url: String,
    /// How long a notice is tried before it is given up (dead); a change older than this
    /// when first composed sends nothing (a "received" notice days late only confuses).
    pub give_up_after: Duration,
}

impl Default for Notifier {
    fn default() -> Self {
        Notifier {
            mailer: None,
            sms: None,
            public_url: "http://127.0.0.1:8080".into(),
            give_up_after: Duration::from_secs(48 * 3600),
        }
    }
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("email", &self.mailer.is_some())
            .field("sms", &self.sms.is_some())
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl Notifier {
    /// Whether any channel is configured.
    pub fn configured(&self) -> bool {
        self.mailer.is_some() || self.sms.is_some()
    }

    /// The channels configured, by their delivery names.
    pub fn channels(&self) -> Vec<&'static str> {
        let mut channels = Vec::new();
        if self.mailer.is_some() {
            channels.push(EMAIL);
        }
        if self.sms.is_some() {
            channels.push(SMS);
        }
        channels
    }

    /// How long a notice is tried, as a span of time.
    pub fn give_up_window(&self) -> time::Duration {
        time::Duration::try_from(self.give_up_after).unwrap_or(time::Duration::days(2))
    }
}

/// Outbox topic of a dossier's changes that may tell its applicant something
/// (`notifications`).
pub const NOTIFY_APPLICANT: &str = "notify.applicant";

/// Delivery channel name of e-mail.
pub const EMAIL: &str = "email";
/// Delivery channel name of SMS.
pub const SMS: &str = "sms";

/// Delivery channel name of connected systems' webhooks (`crate::webhooks`).
pub const WEBHOOK: &str = "webhook";

/// Outbox topic of a dossier's changes for the national public service portal.
pub const DVCQG_SYNC: &str = "dvcqg.sync";

/// Outbox topic of a dossier's changes for connected systems' webhooks (`crate::webhooks`).
pub const WEBHOOK_EVENTS: &str = "webhook.events";

/// The outbox's topics: the applicant's notices, the national portal's sync (consumed once
/// that connection is built), connected systems' webhooks, and population look-ups to try
/// again.
pub const TOPICS: [&str; 4] = [
    NOTIFY_APPLICANT,
    DVCQG_SYNC,
    WEBHOOK_EVENTS,
    storage::registry_lookups::RETRY_TOPIC,
];

/// Deliveries one claim takes on, sent together: few enough that the lease below outlasts their
/// sends even at the transports' time-outs.
const BATCH: i64 = 32;

/// Most batches one round of one channel sends.
const MAX_BATCHES: usize = 250;

/// How long a claim holds its deliveries: far longer than one batch of sends, made together,
/// takes at the transports' time-outs. A process that dies lets them go to another after this, or at once to a process
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
    let mut channels = app.notifier.channels();
    if app.webhooks.sender.is_some() {
        channels.push(WEBHOOK);
    }
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
    let (email, sms, webhook) = tokio::join!(round_of(EMAIL), round_of(SMS), round_of(WEBHOOK));
    let rounds = [email?, sms?, webhook?];
    Ok(Round {
        delivered: rounds.iter().map(|r| r.delivered).sum(),
        postponed: rounds.iter().map(|r| r.postponed).sum(),
        dead: rounds.iter().map(|r| r.dead).sum(),
    })
}

/// How many deliveries a `Db::fan_out_many` of `composed` wrote: those of the messages it kept.
pub(crate) fn written(
    composed: &[(Uuid, Vec<storage::deliveries::NewDelivery>)],
    kept: &[bool],
) -> usize {
    composed
        .iter()
        .zip(kept)
        .filter(|(_, kept)| **kept)
        .map(|((_, deliveries), _)| deliveries.len())
        .sum()
}

/// Transient failures in a row (whole batches failing) after which a channel's round stops: its
/// transport is down; the next round tries again.
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
        // A webhook goes to its endpoint's address, signed with its secret: read once a claim.
        let mut requests = if channel == WEBHOOK {
            crate::webhooks::requests_for(app, &claimed).await?
        } else {
            std::collections::HashMap::new()
        };
        // One delivery per dossier, channel and recipient in a claim (the order rule), so its
        // sends may go together; what they did is written in one transaction.
        let mut sends = tokio::task::JoinSet::new();
        for (n, delivery) in claimed.iter().enumerate() {
            let transports = Transports {
                notifier: app.notifier.clone(),
                webhooks: app.webhooks.sender.clone(),
            };
            let (delivery, request) = (delivery.clone(), requests.remove(&delivery.id));
            sends.spawn(async move { (n, transports.send(&delivery, request).await) });
        }
        let mut results: Vec<Option<Attempt>> = vec![None; claimed.len()];
        while let Some(joined) = sends.join_next().await {
            if let Ok((n, outcome)) = joined {
                results[n] = Some(outcome);
            }
        }
        let at = clock();
        let mut outcomes = Vec::with_capacity(claimed.len());
        let mut transient_in_batch = 0;
        for (delivery, outcome) in claimed.iter().zip(results) {
            let Some(outcome) = outcome else {
                // The send's task failed (a panic in a transport): let the delivery go.
                outcomes.push(DeliveryOutcome::Released { id: delivery.id });
                continue;
            };
            if matches!(outcome.outcome, Err(SendError::Transient(_))) {
                transient_in_batch += 1;
            }
            outcomes.push(decide(delivery, outcome, at, &mut round));
        }
        app.db.record_deliveries(&outcomes).await?;
        if channel == WEBHOOK {
            crate::webhooks::remove_gone(app, &claimed, &outcomes, at).await?;
        }
        failing = if transient_in_batch == claimed.len() {
            failing + transient_in_batch
        } else {
            0
        };
        if failing >= FAILURES_IN_A_ROW {
            tracing::warn!(channel, "the transport keeps failing; this round stops");
            break;
        }
    }
    Ok(round)
}

/// What one attempt did, and what the receiver answered when it answers (webhooks).
#[derive(Debug, Clone)]
struct Attempt {
    outcome: Result<(), SendError>,
    answer: Option<ReceiverAnswer>,
}

impl From<Result<(), SendError>> for Attempt {
    fn from(outcome: Result<(), SendError>) -> Self {
        Attempt {
            outcome,
            answer: None,
        }
    }
}

/// The transports, as one send task holds them.
struct Transports {
    notifier: Notifier,
    webhooks: Option<Arc<dyn WebhookSender>>,
}

impl Transports {
    /// Hands one delivery to its channel's transport; a webhook with its request (or why there
    /// is none).
    async fn send(
        &self,
        delivery: &StoredDelivery,
        request: Option<Result<WebhookRequest, String>>,
    ) -> Attempt {
        if delivery.channel != WEBHOOK {
            return send_notice(&self.notifier, delivery).await.into();
        }
        let Some(sender) = &self.webhooks else {
            return Err(SendError::Transient("webhooks are not configured".into())).into();
        };
        let request = match request {
            Some(Ok(request)) => request,
            Some(Err(why)) => return Err(SendError::Permanent(why)).into(),
            None => return Err(SendError::Permanent("no request was prepared".into())).into(),
        };
        let attempt = sender.send(&request).await;
        Attempt {
            outcome: attempt.outcome,
            answer: attempt.response.map(|r| ReceiverAnswer {
                status: i32::from(r.status),
                body: r.body,
            }),
        }
    }
}

/// Hands one notice to its channel's transport.
async fn send_notice(notifier: &Notifier, delivery: &StoredDelivery) -> Result<(), SendError> {
    match delivery.channel.as_str() {
        EMAIL => match &notifier.mailer {
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
        SMS => match &notifier.sms {
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

/// What a send did, to record: delivered, put off with back-off, or given up when the failure
/// is permanent or the next try would come after the delivery's give-up time.
fn decide(
    delivery: &StoredDelivery,
    attempt: Attempt,
    now: OffsetDateTime,
    round: &mut Round,
) -> DeliveryOutcome {
    let Attempt { outcome, answer } = attempt;
    let error = match outcome {
        Ok(()) => {
            round.delivered += 1;
            return DeliveryOutcome::Sent {
                id: delivery.id,
                at: now,
                answer,
            };
        }
        Err(e) => e,
    };
    let attempts = u32::try_from(delivery.attempts.saturating_add(1)).unwrap_or(u32::MAX);
    let pause = pause_after(attempts, rand::random::<f64>());
    let next = now + time::Duration::try_from(pause).unwrap_or(time::Duration::HOUR);
    let text = truncate(&error.to_string(), 500);
    match error {
        SendError::Transient(_) if next <= delivery.give_up_at => {
            round.postponed += 1;
            DeliveryOutcome::Failed {
                id: delivery.id,
                error: text,
                next,
                answer,
            }
        }
        _ => {
            round.dead += 1;
            tracing::warn!(delivery = %delivery.id, channel = %delivery.channel, error = %text, "delivery given up");
            DeliveryOutcome::Dead {
                id: delivery.id,
                error: text,
                at: now,
                answer,
            }
        }
    }
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
    let webhook = app
        .db
        .delivery(id)
        .await?
        .is_some_and(|d| d.channel == WEBHOOK);
    let window = if webhook {
        app.webhooks.give_up_window()
    } else {
        app.notifier.give_up_window()
    };
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
