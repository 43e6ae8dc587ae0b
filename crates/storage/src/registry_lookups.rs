//! The log of look-ups in the national population database and its monthly report, and the
//! queue of look-ups to try again (outbox messages of the topic [`RETRY_TOPIC`], written with the
//! dossier that needs them). No personal identification number reaches this module in clear:
//! callers pass its keyed hash and masked form (Law 91/2025/QH15 on personal data protection).

use time::OffsetDateTime;
use uuid::Uuid;

use crate::StorageError;
use crate::db::{Db, exec_db, on_db};

/// Outbox topic of a population look-up that could not be made and is to be tried again. The
/// payload is `{"code": "<dossier code>"}`.
pub const RETRY_TOPIC: &str = "population.lookup";

/// One look-up to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegistryLookup {
    /// Stable id (a counter intake refers to its look-up by it).
    pub id: Uuid,
    /// When it was made.
    pub looked_up_at: OffsetDateTime,
    /// `YYYY-MM` in Vietnam time.
    pub month: String,
    /// The officer's account id, or `portal` / `system`.
    pub requested_by: String,
    /// `officer`, `portal` or `system`.
    pub requester_kind: String,
    /// The agency the look-up served.
    pub agency_code: String,
    /// The dossier it served, when it exists already.
    pub dossier_code: Option<String>,
    /// `online_application`, `counter_intake` or `retry`.
    pub purpose: String,
    /// `verified`, `mismatch`, `not_found`, `unavailable` or `timeout`.
    pub result: String,
    /// How long the answer took, in milliseconds.
    pub latency_ms: i64,
    /// HMAC-SHA256 of the personal identification number.
    pub personal_id_hash: Vec<u8>,
    /// The number masked, e.g. `0010******45`.
    pub personal_id_masked: String,
}

/// A logged look-up as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredRegistryLookup {
    /// Id.
    pub id: Uuid,
    /// When.
    pub looked_up_at: OffsetDateTime,
    /// Who asked.
    pub requested_by: String,
    /// For which agency.
    pub agency_code: String,
    /// What came back.
    pub result: String,
    /// Keyed hash of the number.
    pub personal_id_hash: Vec<u8>,
}

/// One cell of the report: how many look-ups of a month and agency had a result.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LookupCount {
    /// `YYYY-MM`.
    pub month: String,
    /// The agency.
    pub agency_code: String,
    /// The result.
    pub result: String,
    /// How many.
    pub lookups: i64,
}

/// A look-up waiting to be tried again: an outbox message of [`RETRY_TOPIC`].
pub type PendingRetry = crate::jobs::ClaimedMessage;

impl Db {
    /// Logs a look-up.
    pub async fn record_registry_lookup(
        &self,
        lookup: &NewRegistryLookup,
    ) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(
                "insert into registry_lookup (id, looked_up_at, month, requested_by, requester_kind, \
                 agency_code, dossier_code, purpose, result, latency_ms, personal_id_hash, \
                 personal_id_masked) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(lookup.id)
            .bind(lookup.looked_up_at)
            .bind(&lookup.month)
            .bind(&lookup.requested_by)
            .bind(&lookup.requester_kind)
            .bind(&lookup.agency_code)
            .bind(&lookup.dossier_code)
            .bind(&lookup.purpose)
            .bind(&lookup.result)
            .bind(lookup.latency_ms)
            .bind(&lookup.personal_id_hash)
            .bind(&lookup.personal_id_masked)
            .execute(pool)
            .await
        })?;
        Ok(())
    }

    /// A logged look-up by its id.
    pub async fn registry_lookup(
        &self,
        id: Uuid,
    ) -> Result<Option<StoredRegistryLookup>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select id, looked_up_at, requested_by, agency_code, result, personal_id_hash \
                 from registry_lookup where id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await
        })?)
    }

    /// Look-ups counted per month, agency and result, newest month first; only the agencies in
    /// `agencies` when given.
    pub async fn registry_lookup_counts(
        &self,
        agencies: Option<&[String]>,
        year: Option<i32>,
    ) -> Result<Vec<LookupCount>, StorageError> {
        // Months are stored as `YYYY-MM`, so a year is the text range [`YYYY-01`, `YYYY+1-01`):
        // the index (month, agency_code, result) reads that year's entries only.
        let (from, until) = match year {
            Some(y) => (format!("{y:04}-01"), format!("{:04}-01", y + 1)),
            None => (String::new(), "9999-99".to_owned()),
        };
        let all: Vec<LookupCount> = on_db!(self, |pool| {
            sqlx::query_as(
                "select month, agency_code, result, count(*) as lookups from registry_lookup \
                 where month >= $1 and month < $2 \
                 group by month, agency_code, result \
                 order by month desc, agency_code, result",
            )
            .bind(&from)
            .bind(&until)
            .fetch_all(pool)
            .await
        })?;
        // Filtered here: an `in` list of variable length is written differently by the two
        // engines, and the grouped rows are few (months × agencies × five results).
        Ok(match agencies {
            None => all,
            Some(list) => all
                .into_iter()
                .filter(|c| list.contains(&c.agency_code))
                .collect(),
        })
    }

    /// Claims for `holder`, until `until`, up to `limit` look-ups due to be tried again at
    /// `now`, oldest first (`Db::claim_outbox`): two processes never retry the same one.
    pub async fn claim_registry_retries(
        &self,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<PendingRetry>, StorageError> {
        self.claim_outbox(RETRY_TOPIC, holder, now, until, limit)
            .await
    }
}
