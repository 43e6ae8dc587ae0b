//! Filling in the timeliness columns of migration 0016 for dossiers written before it: the
//! application decides each row's value from its stored state (the domain's rule, never SQL),
//! and these two statements read the rows still missing it and write the answer.

use time::OffsetDateTime;
use uuid::Uuid;

use super::to_micros;
use crate::StorageError;
use crate::db::{Db, exec_db, on_db};

/// A dossier whose timeliness columns are still empty, with its state as JSON.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnrecordedTimeliness {
    /// The dossier.
    pub id: Uuid,
    /// Its projected state.
    pub state: String,
}

impl Db {
    /// Up to `limit` dossiers whose timeliness was never recorded.
    pub async fn dossiers_without_timeliness(
        &self,
        limit: i64,
    ) -> Result<Vec<UnrecordedTimeliness>, StorageError> {
        let rows = on_db!(self, |pool| {
            sqlx::query_as(
                "select id, state from dossier where timeliness is null order by id limit $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows)
    }

    /// Records a dossier's timeliness, unless something wrote it meanwhile (an action on the
    /// dossier records it with the state it computes, which is newer than the one read here).
    pub async fn record_timeliness(
        &self,
        id: Uuid,
        timeliness: &str,
        overdue_after: Option<OffsetDateTime>,
    ) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(
                "update dossier set timeliness = $1, overdue_after = $2 \
                 where id = $3 and timeliness is null",
            )
            .bind(timeliness)
            .bind(overdue_after.map(to_micros))
            .bind(id)
            .execute(pool)
            .await
        })?;
        Ok(())
    }
}
