//! Deliveries of the outbox: what each outbox message became for each destination (an
//! applicant's e-mail address or phone), with its attempts, last error and next try, until it
//! is handed over or given up (dead). A consumer turns a message into deliveries and closes the
//! message in one transaction ([`Db::fan_out`]), so a crash between the two neither loses nor
//! doubles a notice; deliverers then claim deliveries with leases ([`Db::claim_deliveries`]),
//! several processes at once on PostgreSQL, in order per dossier and channel.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::StorageError;
use crate::db::{Backend, Db, exec_db, exec_tx, on_db};

/// A delivery to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// Its id, also the id the receiver sees.
    pub id: Uuid,
    /// The dossier it is about.
    pub dossier_id: Option<Uuid>,
    /// `email` or `sms`.
    pub channel: String,
    /// Address or phone number.
    pub recipient: String,
    /// Which notice.
    pub notice: String,
    /// `vi` or `en`.
    pub lang: String,
    /// Subject (e-mail) or a short title.
    pub subject: String,
    /// Plain text.
    pub body: String,
    /// HTML alternative (e-mail).
    pub html: Option<String>,
    /// When to stop trying.
    pub give_up_at: OffsetDateTime,
}

/// A delivery as stored, with the dossier it is about.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredDelivery {
    /// Id.
    pub id: Uuid,
    /// The outbox message it came from.
    pub message_id: Uuid,
    /// The dossier.
    pub dossier_id: Option<Uuid>,
    /// The dossier's code.
    pub dossier_code: Option<String>,
    /// The dossier's receiving agency.
    pub agency_code: Option<String>,
    /// `email` or `sms`.
    pub channel: String,
    /// Address or phone.
    pub recipient: String,
    /// Which notice.
    pub notice: String,
    /// Language.
    pub lang: String,
    /// Subject.
    pub subject: String,
    /// Plain text.
    pub body: String,
    /// HTML alternative.
    pub html: Option<String>,
    /// `pending`, `delivered` or `dead`.
    pub status: String,
    /// Failed attempts.
    pub attempts: i64,
    /// What the last failed attempt said.
    pub last_error: Option<String>,
    /// Written.
    pub created_at: OffsetDateTime,
    /// Next attempt.
    pub next_attempt_at: OffsetDateTime,
    /// Given up after.
    pub give_up_at: OffsetDateTime,
    /// Handed over.
    pub delivered_at: Option<OffsetDateTime>,
    /// Given up.
    pub dead_at: Option<OffsetDateTime>,
    /// The operator who last put it back in the queue.
    pub retried_by: Option<String>,
    /// When.
    pub retried_at: Option<OffsetDateTime>,
    /// The receiver's answer to the last attempt (a webhook's HTTP status).
    pub response_status: Option<i32>,
    /// The start of that answer's body.
    pub response_body: Option<String>,
}

/// Counts of one channel's deliveries.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct ChannelCounts {
    /// The channel.
    pub channel: String,
    /// Waiting to be handed over.
    pub pending: i64,
    /// Handed over.
    pub delivered: i64,
    /// Given up.
    pub dead: i64,
    /// Failed attempts, over every delivery.
    pub failures: i64,
    /// When the oldest pending one was written.
    pub oldest_pending: Option<OffsetDateTime>,
}

/// Counts of one topic's outbox messages not yet consumed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TopicBacklog {
    /// The topic.
    pub topic: String,
    /// Messages waiting.
    pub pending: i64,
    /// When the oldest was written.
    pub oldest: Option<OffsetDateTime>,
}

/// What the receiver answered to one attempt (a webhook's HTTP response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiverAnswer {
    /// The HTTP status.
    pub status: i32,
    /// The start of the body.
    pub body: String,
}

/// What one send of a claimed delivery did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// Handed over at `at`.
    Sent {
        /// The delivery.
        id: Uuid,
        /// When.
        at: OffsetDateTime,
        /// What the receiver answered, when it answers (webhooks).
        answer: Option<ReceiverAnswer>,
    },
    /// Failed for now: one more attempt, the next at `next`.
    Failed {
        /// The delivery.
        id: Uuid,
        /// What the transport said.
        error: String,
        /// When to try again.
        next: OffsetDateTime,
        /// What the receiver answered, if anything.
        answer: Option<ReceiverAnswer>,
    },
    /// Given up (dead letter): one more attempt.
    Dead {
        /// The delivery.
        id: Uuid,
        /// What the transport said.
        error: String,
        /// When.
        at: OffsetDateTime,
        /// What the receiver answered, if anything.
        answer: Option<ReceiverAnswer>,
    },
    /// Not sent (the round stopped early): let go without counting an attempt.
    Released {
        /// The delivery.
        id: Uuid,
    },
}

/// Which deliveries a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryFilter<'a> {
    /// In one state (`pending`, `delivered`, `dead`).
    Status(&'a str),
    /// To one recipient (a webhook endpoint's id), in any state.
    Recipient(&'a str),
}

const COLUMNS: &str = "d.id, d.message_id, d.dossier_id, x.code as dossier_code, \
     x.agency_code, d.channel, d.recipient, d.notice, d.lang, d.subject, d.body, d.html, \
     d.status, d.attempts, d.last_error, d.created_at, d.next_attempt_at, d.give_up_at, \
     d.delivered_at, d.dead_at, d.retried_by, d.retried_at, d.response_status, d.response_body";

impl Db {
    /// Writes the deliveries outbox message `message_id` became and closes the message, in one
    /// transaction: either both happen or neither, so the message is consumed exactly once.
    ///
    /// With `holder`, the message must still be open and held by it: when its lease ran out and
    /// another consumer took it meanwhile, nothing is written and `false` comes back, so a notice
    /// is never composed twice. Without (a reminder or a digest, which come from no message),
    /// `message_id` only orders and groups the deliveries.
    pub async fn fan_out(
        &self,
        message_id: Uuid,
        holder: Option<&str>,
        deliveries: &[NewDelivery],
        at: OffsetDateTime,
    ) -> Result<bool, StorageError> {
        let kept = self
            .fan_out_many(holder, &[(message_id, deliveries.to_vec())], at)
            .await?;
        Ok(kept.first().copied().unwrap_or(false))
    }

    /// [`Db::fan_out`] of several messages in one transaction (one durable commit for a whole
    /// batch of messages): whether each was kept, in order.
    pub async fn fan_out_many(
        &self,
        holder: Option<&str>,
        messages: &[(Uuid, Vec<NewDelivery>)],
        at: OffsetDateTime,
    ) -> Result<Vec<bool>, StorageError> {
        let mut tx = self.begin().await?;
        let mut kept = Vec::with_capacity(messages.len());
        for (message_id, deliveries) in messages {
            if let Some(holder) = holder {
                let closed = exec_tx!(&mut tx, |c| {
                    sqlx::query(
                        "update outbox set delivered_at = $2, leased_by = null, \
                         leased_until = null \
                         where id = $1 and delivered_at is null and leased_by = $3",
                    )
                    .bind(message_id)
                    .bind(at)
                    .bind(holder)
                    .execute(c)
                    .await
                })?;
                if closed != 1 {
                    kept.push(false);
                    continue;
                }
            }
            for d in deliveries {
                exec_tx!(&mut tx, |c| {
                    sqlx::query(
                        "insert into delivery (id, message_id, dossier_id, channel, recipient, \
                         notice, lang, subject, body, html, status, attempts, created_at, \
                         next_attempt_at, give_up_at) \
                         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', 0, $11, \
                         $11, $12)",
                    )
                    .bind(d.id)
                    .bind(message_id)
                    .bind(d.dossier_id)
                    .bind(&d.channel)
                    .bind(&d.recipient)
                    .bind(&d.notice)
                    .bind(&d.lang)
                    .bind(&d.subject)
                    .bind(&d.body)
                    .bind(&d.html)
                    .bind(at)
                    .bind(d.give_up_at)
                    .execute(c)
                    .await
                })?;
            }
            kept.push(true);
        }
        tx.commit().await?;
        Ok(kept)
    }

    /// Records what the sends of a batch did, in one transaction.
    pub async fn record_deliveries(
        &self,
        outcomes: &[DeliveryOutcome],
    ) -> Result<(), StorageError> {
        let mut tx = self.begin().await?;
        for outcome in outcomes {
            match outcome {
                DeliveryOutcome::Sent { id, at, answer } => exec_tx!(&mut tx, |c| {
                    sqlx::query(
                        "update delivery set status = 'delivered', delivered_at = $2, \
                         response_status = $3, response_body = $4, \
                         leased_by = null, leased_until = null where id = $1 and status = 'pending'",
                    )
                    .bind(id)
                    .bind(at)
                    .bind(answer.as_ref().map(|a| a.status))
                    .bind(answer.as_ref().map(|a| a.body.as_str()))
                    .execute(c)
                    .await
                })?,
                DeliveryOutcome::Failed {
                    id,
                    error,
                    next,
                    answer,
                } => exec_tx!(&mut tx, |c| {
                    sqlx::query(
                        "update delivery set attempts = attempts + 1, last_error = $2, \
                         next_attempt_at = $3, response_status = $4, response_body = $5, \
                         leased_by = null, leased_until = null \
                         where id = $1 and status = 'pending'",
                    )
                    .bind(id)
                    .bind(error)
                    .bind(next)
                    .bind(answer.as_ref().map(|a| a.status))
                    .bind(answer.as_ref().map(|a| a.body.as_str()))
                    .execute(c)
                    .await
                })?,
                DeliveryOutcome::Dead {
                    id,
                    error,
                    at,
                    answer,
                } => exec_tx!(&mut tx, |c| {
                    sqlx::query(
                        "update delivery set status = 'dead', attempts = attempts + 1, \
                         last_error = $2, dead_at = $3, response_status = $4, \
                         response_body = $5, leased_by = null, leased_until = null \
                         where id = $1 and status = 'pending'",
                    )
                    .bind(id)
                    .bind(error)
                    .bind(at)
                    .bind(answer.as_ref().map(|a| a.status))
                    .bind(answer.as_ref().map(|a| a.body.as_str()))
                    .execute(c)
                    .await
                })?,
                DeliveryOutcome::Released { id } => exec_tx!(&mut tx, |c| {
                    sqlx::query(
                        "update delivery set leased_by = null, leased_until = null where id = $1",
                    )
                    .bind(id)
                    .execute(c)
                    .await
                })?,
            };
        }
        tx.commit().await
    }

    /// Claims for `holder`, until `until`, up to `limit` pending deliveries of `channel` due at
    /// `now` that nobody holds. A delivery waits while one from an earlier outbox message (UUIDv7
    /// ids, in the order of the dossier's changes) of the same dossier, channel and recipient is
    /// pending, so an applicant reads "accepted" after "received" even when the first had to be
    /// retried, and a connected system gets a dossier's events in order without one receiver
    /// that is down holding back another; on PostgreSQL rows another process is claiming are
    /// skipped.
    pub async fn claim_deliveries(
        &self,
        channel: &str,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<StoredDelivery>, StorageError> {
        let lock = match self.backend() {
            Backend::Postgres => " for update of d skip locked",
            Backend::Sqlite => "",
        };
        let claim = format!(
            "update delivery set leased_by = $1, leased_until = $2 where id in (\
             select d.id from delivery d where d.status = 'pending' and d.channel = $3 \
             and d.next_attempt_at <= $4 and (d.leased_until is null or d.leased_until <= $4) \
             and not exists (select 1 from delivery e where e.dossier_id = d.dossier_id \
             and e.channel = d.channel and e.recipient = d.recipient and e.status = 'pending' \
             and (e.message_id < d.message_id or (e.message_id = d.message_id and e.id < d.id))) \
             order by d.next_attempt_at, d.id limit $5{lock})"
        );
        let mut tx = self.begin().await?;
        exec_tx!(&mut tx, |c| {
            sqlx::query(sqlx::AssertSqlSafe(claim))
                .bind(holder)
                .bind(until)
                .bind(channel)
                .bind(now)
                .bind(limit)
                .execute(c)
                .await
        })?;
        tx.commit().await?;
        // What this claim took, read back at once: its holder, lease end and channel mark its rows
        // (one query, not one a row).
        let read = format!(
            "select {COLUMNS} from delivery d left join dossier x on x.id = d.dossier_id \
             where d.leased_by = $1 and d.leased_until = $2 and d.channel = $3 \
             and d.status = 'pending'"
        );
        let mut claimed: Vec<StoredDelivery> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(read))
                .bind(holder)
                .bind(until)
                .bind(channel)
                .fetch_all(pool)
                .await
        })?;
        claimed.sort_by_key(|d| d.id);
        Ok(claimed)
    }

    /// One delivery.
    pub async fn delivery(&self, id: Uuid) -> Result<Option<StoredDelivery>, StorageError> {
        let sql = format!(
            "select {COLUMNS} from delivery d left join dossier x on x.id = d.dossier_id \
             where d.id = $1"
        );
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Puts a dead delivery back in the queue on `operator`'s word, to be tried at once and
    /// given up again after `give_up_at`; `false` when it is not dead (delivered, pending, or
    /// unknown).
    pub async fn retry_delivery(
        &self,
        id: Uuid,
        operator: &str,
        now: OffsetDateTime,
        give_up_at: OffsetDateTime,
    ) -> Result<bool, StorageError> {
        let rows = exec_db!(self, |pool| {
            sqlx::query(
                "update delivery set status = 'pending', dead_at = null, next_attempt_at = $3, \
                 give_up_at = $4, retried_by = $2, retried_at = $3, attempts = 0 \
                 where id = $1 and status = 'dead'",
            )
            .bind(id)
            .bind(operator)
            .bind(now)
            .bind(give_up_at)
            .execute(pool)
            .await
        })?;
        Ok(rows == 1)
    }

    /// Sends a delivered or dead delivery of `channel` again on `by`'s word (a connected system
    /// replaying an event it lost): pending at once with its attempts counted afresh, the same
    /// id so the receiver can tell it is the same event, given up again after `give_up_at`.
    /// `false` when it is pending already, of another channel, or unknown.
    pub async fn replay_delivery(
        &self,
        id: Uuid,
        channel: &str,
        by: &str,
        now: OffsetDateTime,
        give_up_at: OffsetDateTime,
    ) -> Result<bool, StorageError> {
        let rows = exec_db!(self, |pool| {
            sqlx::query(
                "update delivery set status = 'pending', dead_at = null, delivered_at = null, \
                 next_attempt_at = $3, give_up_at = $4, retried_by = $2, retried_at = $3, \
                 attempts = 0 where id = $1 and channel = $5 and status in ('dead', 'delivered')",
            )
            .bind(id)
            .bind(by)
            .bind(now)
            .bind(give_up_at)
            .bind(channel)
            .execute(pool)
            .await
        })?;
        Ok(rows == 1)
    }

    /// The notices about one dossier (e-mail and SMS, not the connected systems' events),
    /// oldest first.
    pub async fn deliveries_of_dossier(
        &self,
        dossier_id: Uuid,
    ) -> Result<Vec<StoredDelivery>, StorageError> {
        let sql = format!(
            "select {COLUMNS} from delivery d left join dossier x on x.id = d.dossier_id \
             where d.dossier_id = $1 and d.channel in ('email', 'sms') order by d.id"
        );
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(dossier_id)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Up to `limit` deliveries in a state, newest first, skipping the first `offset`: with
    /// `agency`, the notices (e-mail and SMS) about dossiers it received — connected systems'
    /// webhooks are their clients', listed on the clients' pages; without, every delivery.
    pub async fn deliveries(
        &self,
        filter: DeliveryFilter<'_>,
        agency: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StoredDelivery>, StorageError> {
        let (column, value) = match filter {
            DeliveryFilter::Status(status) => ("status", status),
            DeliveryFilter::Recipient(recipient) => ("recipient", recipient),
        };
        let sql = format!(
            "select {COLUMNS} from delivery d left join dossier x on x.id = d.dossier_id \
             where d.{column} = $1 and ($2 is null or (x.agency_code = $2 \
             and d.channel in ('email', 'sms'))) \
             order by d.id desc limit $3 offset $4"
        );
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(value)
                .bind(agency)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Counts per channel: pending, delivered, dead, failed attempts, oldest pending.
    pub async fn delivery_counts(&self) -> Result<Vec<ChannelCounts>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select channel, \
                 sum(case when status = 'pending' then 1 else 0 end) as pending, \
                 sum(case when status = 'delivered' then 1 else 0 end) as delivered, \
                 sum(case when status = 'dead' then 1 else 0 end) as dead, \
                 cast(sum(attempts) as bigint) as failures, \
                 min(case when status = 'pending' then created_at end) as oldest_pending \
                 from delivery group by channel order by channel",
            )
            .fetch_all(pool)
            .await
        })?)
    }

    /// Outbox messages not yet consumed, per topic.
    pub async fn outbox_backlog(&self) -> Result<Vec<TopicBacklog>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select topic, count(*) as pending, min(created_at) as oldest from outbox \
                 where delivered_at is null group by topic order by topic",
            )
            .fetch_all(pool)
            .await
        })?)
    }

    /// Deletes up to `batch` outbox messages consumed before `before`, oldest first; how many.
    /// Small batches keep each statement short beside the submissions writing at full speed.
    pub async fn prune_outbox(
        &self,
        before: OffsetDateTime,
        batch: i64,
    ) -> Result<u64, StorageError> {
        Ok(exec_db!(self, |pool| {
            sqlx::query(
                "delete from outbox where id in (select id from outbox \
                 where delivered_at is not null and delivered_at < $1 \
                 order by delivered_at limit $2)",
            )
            .bind(before)
            .bind(batch)
            .execute(pool)
            .await
        })?)
    }
}

/// A dossier whose result waits to be collected.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WaitingResult {
    /// The dossier.
    pub id: Uuid,
    /// Its code.
    pub code: String,
    /// When its result became ready.
    pub finished_at: OffsetDateTime,
}

impl Db {
    /// Up to `limit` dossiers whose result became ready between `from` and `until` and still
    /// waits to be returned, whose applicant was reached before (a dossier that never had a
    /// notice has nobody to remind) and has not been reminded yet; oldest first, after `after`
    /// (a cursor: the last of the previous page), read through the index on `finished_at`.
    pub async fn results_waiting(
        &self,
        from: OffsetDateTime,
        until: OffsetDateTime,
        after: Option<&WaitingResult>,
        limit: i64,
    ) -> Result<Vec<WaitingResult>, StorageError> {
        let (after_at, after_id) = match after {
            Some(w) => (Some(w.finished_at), Some(w.id)),
            None => (None, None),
        };
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select x.id, x.code, x.finished_at from dossier x \
                 where x.finished_at >= $1 and x.finished_at < $2 and x.status = 'result_ready' \
                 and ($4 is null or x.finished_at > $4 or (x.finished_at = $4 and x.id > $5)) \
                 and exists (select 1 from delivery d where d.dossier_id = x.id \
                 and d.channel in ('email', 'sms')) \
                 and not exists (select 1 from delivery d where d.dossier_id = x.id \
                 and d.notice = 'collect_reminder') \
                 order by x.finished_at, x.id limit $3",
            )
            .bind(from)
            .bind(until)
            .bind(limit)
            .bind(after_at)
            .bind(after_id)
            .fetch_all(pool)
            .await
        })?)
    }
}

impl Db {
    /// Whether a delivery of `notice` to `recipient` was written since `since` (a digest is sent
    /// once a day).
    pub async fn delivered_since(
        &self,
        notice: &str,
        recipient: &str,
        since: OffsetDateTime,
    ) -> Result<bool, StorageError> {
        let row: Option<(Uuid,)> = on_db!(self, |pool| {
            sqlx::query_as(
                "select id from delivery where recipient = $1 and notice = $2 \
                 and created_at >= $3 limit 1",
            )
            .bind(recipient)
            .bind(notice)
            .bind(since)
            .fetch_optional(pool)
            .await
        })?;
        Ok(row.is_some())
    }
}
