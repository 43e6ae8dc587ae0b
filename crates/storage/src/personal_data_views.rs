//! The log of unmasked views of applicants' personal IDs: which officer saw the number of which
//! dossier, why, and when (Decree 13/2023/NĐ-CP, Art. 27). Append-only; it never holds the
//! number.

use time::OffsetDateTime;

use crate::StorageError;
use crate::db::{Db, exec_db, on_db};

/// One unmasked view.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonalDataView {
    /// The officer.
    pub officer_id: String,
    /// The officer's name as it is now.
    pub officer_name: String,
    /// The reason chosen (a code of the web layer's list).
    pub reason: String,
    /// When.
    pub viewed_at: OffsetDateTime,
}

impl Db {
    /// Records that `officer_id` unmasked the personal ID of `dossier_code` for `reason`.
    pub async fn record_personal_data_view(
        &self,
        officer_id: &str,
        dossier_code: &str,
        reason: &str,
        at: OffsetDateTime,
    ) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(
                "insert into personal_data_view (id, officer_id, dossier_code, reason, viewed_at) \
                 values ($1, $2, $3, $4, $5)",
            )
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(officer_id)
            .bind(dossier_code)
            .bind(reason)
            .bind(at)
            .execute(pool)
            .await
        })?;
        Ok(())
    }

    /// The latest `limit` unmasked views of a dossier's personal ID, newest first.
    pub async fn personal_data_views(
        &self,
        dossier_code: &str,
        limit: i64,
    ) -> Result<Vec<PersonalDataView>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select v.officer_id, o.full_name as officer_name, v.reason, v.viewed_at \
                 from personal_data_view v join officer o on o.id = v.officer_id \
                 where v.dossier_code = $1 order by v.viewed_at desc, v.id desc limit $2",
            )
            .bind(dossier_code)
            .bind(limit)
            .fetch_all(pool)
            .await
        })?)
    }
}
