//! The log of unmasked views of applicants' personal IDs: which officer saw the number of which
//! dossier, why, and when (Decree 13/2023/NĐ-CP, Art. 27). Append-only; it never holds the
//! number. Also the look-up of a person's dossiers by the keyed hash of their number, and the
//! two queries that seal numbers stored in clear before sealing existed.

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

    /// The dossiers, newest first (at most `limit`), whose applicant's personal ID has the keyed
    /// hash `personal_id_hash` and which `unit` received or holds: an officer's search never
    /// reaches another unit's dossiers, whatever the number.
    pub async fn dossiers_by_personal_id(
        &self,
        personal_id_hash: &str,
        unit: &str,
        limit: i64,
    ) -> Result<Vec<crate::dossier::StoredDossier>, StorageError> {
        let sql = format!(
            "select {} from dossier where applicant_personal_id_hash = $1 \
             and (agency_code = $2 or holder_agency_code = $2) \
             order by submitted_at desc, id desc limit $3",
            crate::dossier::DOSSIER_COLUMNS
        );
        let rows: Vec<crate::dossier::DossierRow> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(personal_id_hash)
                .bind(unit)
                .bind(limit)
                .fetch_all(pool)
                .await
        })?;
        Ok(rows
            .into_iter()
            .map(crate::dossier::dossier_from_row)
            .collect())
    }

    /// Up to `limit` dossiers whose contact JSON still holds a personal ID in clear (rows
    /// written before numbers were sealed): (id, contact).
    pub async fn contacts_with_clear_personal_id(
        &self,
        limit: i64,
    ) -> Result<Vec<(uuid::Uuid, String)>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select id, applicant_contact from dossier \
                 where applicant_contact like '%\"personal\\_id\":%' escape '\\' \
                 order by id limit $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Replaces a dossier's contact JSON by `contact`, and its personal-ID hash column by
    /// `personal_id_hash`, if the contact is still `expected` (a concurrent change wins);
    /// whether it was replaced.
    pub async fn replace_contact(
        &self,
        id: uuid::Uuid,
        expected: &str,
        contact: &str,
        personal_id_hash: Option<&str>,
    ) -> Result<bool, StorageError> {
        let n = exec_db!(self, |pool| {
            sqlx::query(
                "update dossier set applicant_contact = $1, applicant_personal_id_hash = $2 \
                 where id = $3 and applicant_contact = $4",
            )
            .bind(contact)
            .bind(personal_id_hash)
            .bind(id)
            .bind(expected)
            .execute(pool)
            .await
        })?;
        Ok(n == 1)
    }
}
