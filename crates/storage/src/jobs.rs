//! Leases for background work (`app::jobs`): a periodic job runs in the one process holding its
//! lease, and an outbox consumer claims its messages for a while before working on them, so that
//! several processes on one PostgreSQL database never do the same work twice, and work held by a
//! process that died is taken up again when its lease ends. The same statements run on SQLite,
//! where one process owns the database and every claim is its own.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::StorageError;
use crate::db::{Backend, Db, exec_db, exec_tx, on_db, on_tx};

/// An outbox message claimed by a consumer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedMessage {
    /// The message.
    pub id: Uuid,
    /// Its payload (JSON).
    pub payload: String,
    /// Attempts made so far.
    pub attempts: i64,
}

impl Db {
    /// Takes or renews the lease of job `name` for `holder` until `until`; `false` when another
    /// holder's lease has not ended yet.
    pub async fn claim_job(
        &self,
        name: &str,
        holder: &str,
        until: OffsetDateTime,
    ) -> Result<bool, StorageError> {
        let now = OffsetDateTime::now_utc();
        // One statement: the row is created, taken over when its lease has ended, or renewed by
        // its holder; a live lease of someone else's leaves it untouched (no row counted).
        let rows = exec_db!(self, |pool| {
            sqlx::query(
                "insert into job_lease (name, holder, expires_at) values ($1, $2, $3) \
                 on conflict (name) do update set holder = excluded.holder, \
                 expires_at = excluded.expires_at \
                 where job_lease.holder = excluded.holder or job_lease.expires_at <= $4",
            )
            .bind(name)
            .bind(holder)
            .bind(until)
            .bind(now)
            .execute(pool)
            .await
        })?;
        Ok(rows == 1)
    }

    /// Claims for `holder`, until `until`, up to `limit` undelivered messages of `topic` due at
    /// `now` that nobody holds, oldest first. On PostgreSQL rows another process is claiming
    /// at the same moment are skipped (`for update skip locked`), not waited for.
    pub async fn claim_outbox(
        &self,
        topic: &str,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<ClaimedMessage>, StorageError> {
        let lock = match self.backend() {
            Backend::Postgres => " for update skip locked",
            // One writer at a time: the statement is already alone on the database.
            Backend::Sqlite => "",
        };
        let sql = format!(
            "update outbox set leased_by = $1, leased_until = $2 where id in (\
             select id from outbox where topic = $3 and delivered_at is null \
             and available_at <= $4 and (leased_until is null or leased_until <= $4) \
             order by available_at, id limit $5{lock}) \
             returning id, payload, attempts"
        );
        // A write that returns rows: through the writer, in a transaction of its own.
        let mut tx = self.begin().await?;
        let mut claimed: Vec<ClaimedMessage> = on_tx!(&mut tx, |c| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(holder)
                .bind(until)
                .bind(topic)
                .bind(now)
                .bind(limit)
                .fetch_all(c)
                .await
        })?;
        tx.commit().await?;
        // `returning` gives no order; the consumer takes them oldest first (UUIDv7 ids).
        claimed.sort_by_key(|m| m.id);
        Ok(claimed)
    }

    /// Marks a claimed message delivered (done, or no longer needed).
    pub async fn finish_outbox(&self, id: Uuid, at: OffsetDateTime) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(
                "update outbox set delivered_at = $2, leased_by = null, leased_until = null \
                 where id = $1",
            )
            .bind(id)
            .bind(at)
            .execute(pool)
            .await
        })?;
        Ok(())
    }

    /// Counts a failed attempt on a claimed message, lets go of it and puts it off until `next`.
    pub async fn postpone_outbox(
        &self,
        id: Uuid,
        next: OffsetDateTime,
    ) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(
                "update outbox set attempts = attempts + 1, available_at = $2, \
                 leased_by = null, leased_until = null where id = $1",
            )
            .bind(id)
            .bind(next)
            .execute(pool)
            .await
        })?;
        Ok(())
    }

    /// Lets go of a claimed message without counting an attempt (the consumer stopped early).
    pub async fn release_outbox(&self, id: Uuid) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query("update outbox set leased_by = null, leased_until = null where id = $1")
                .bind(id)
                .execute(pool)
                .await
        })?;
        Ok(())
    }

    /// Every holder that holds a lease now: of a job, an outbox message or a delivery.
    pub async fn lease_holders(&self) -> Result<Vec<String>, StorageError> {
        let rows: Vec<(String,)> = on_db!(self, |pool| {
            sqlx::query_as(
                "select holder from job_lease \
                 union select leased_by from outbox where leased_by is not null \
                 union select leased_by from delivery where leased_by is not null",
            )
            .fetch_all(pool)
            .await
        })?;
        Ok(rows.into_iter().map(|(h,)| h).collect())
    }

    /// Lets go of every lease `holder` holds (a process known to be dead), so its work is taken
    /// up at once instead of when the leases end.
    pub async fn release_leases_of(&self, holder: &str) -> Result<(), StorageError> {
        let mut tx = self.begin().await?;
        exec_tx!(&mut tx, |c| {
            sqlx::query("delete from job_lease where holder = $1")
                .bind(holder)
                .execute(c)
                .await
        })?;
        for table in ["outbox", "delivery"] {
            let sql = format!(
                "update {table} set leased_by = null, leased_until = null where leased_by = $1"
            );
            exec_tx!(&mut tx, |c| {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(holder)
                    .execute(c)
                    .await
            })?;
        }
        tx.commit().await
    }
}
