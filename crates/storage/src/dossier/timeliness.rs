//! Filling in the timeliness columns of migration 0016 for dossiers written before it: the
//! application decides each row's value from its stored state (the domain's rule, never SQL),
//! and these two statements read the rows still missing it and write the answer.

use time::OffsetDateTime;
use uuid::Uuid;

use super::to_micros;
use crate::StorageError;
use crate::db::{Db, exec_tx, on_db};

/// A dossier whose timeliness columns are still empty, with its state as JSON.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnrecordedTimeliness {
    /// The dossier.
    pub id: Uuid,
    /// Its projected state.
    pub state: String,
}

impl Db {
    /// Up to `limit` dossiers whose timeliness was never recorded, in id order after `after`
    /// (a cursor, so a row the caller cannot read is passed over instead of read again).
    pub async fn dossiers_without_timeliness(
        &self,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<UnrecordedTimeliness>, StorageError> {
        // The nil id sorts before every id on both engines, so one statement serves the start.
        let after = after.unwrap_or(Uuid::nil());
        let rows = on_db!(self, |pool| {
            sqlx::query_as(
                "select id, state from dossier where timeliness is null and id > $1 \
                 order by id limit $2",
            )
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows)
    }

    /// Records the timeliness of several dossiers in one transaction, each unless something
    /// wrote it meanwhile (an action records it with the state it computes, newer than the one
    /// read here); returns how many rows took the value.
    pub async fn record_timeliness(
        &self,
        rows: &[(Uuid, &str, Option<OffsetDateTime>)],
    ) -> Result<u64, StorageError> {
        let mut tx = self.begin().await?;
        let mut written = 0;
        for (id, timeliness, overdue_after) in rows {
            written += exec_tx!(&mut tx, |c| {
                sqlx::query(
                    "update dossier set timeliness = $1, overdue_after = $2 \
                     where id = $3 and timeliness is null",
                )
                .bind(*timeliness)
                .bind(overdue_after.map(to_micros))
                .bind(*id)
                .execute(c)
                .await
            })?;
        }
        tx.commit().await?;
        Ok(written)
    }
}
