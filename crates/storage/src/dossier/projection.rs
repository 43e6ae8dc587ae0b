//! Reading dossiers back: the projection row (identity, indexed columns and the full state as
//! JSON) that lists, inboxes and pages read, and a dossier's event log in order. Other
//! repositories (inbox, personal-data views) select the same columns and map rows the same way.

use time::OffsetDateTime;
use uuid::Uuid;

use super::{DossierIndex, StoredDossier, StoredEvent};
use crate::StorageError;
use crate::db::{Db, on_db};

/// A `dossier` row as selected with [`DOSSIER_COLUMNS`].
#[derive(sqlx::FromRow)]
pub(crate) struct DossierRow {
    id: Uuid,
    code: String,
    procedure_code: String,
    agency_code: String,
    channel: String,
    applicant_name: String,
    applicant_contact: Option<String>,
    applicant_phone_last4: Option<String>,
    applicant_id_last4: Option<String>,
    applicant_account: Option<String>,
    submitted_at: OffsetDateTime,
    status: String,
    holder_agency_code: String,
    assigned_officer: Option<String>,
    received_at: Option<OffsetDateTime>,
    due_at: Option<OffsetDateTime>,
    finished_at: Option<OffsetDateTime>,
    supplement_count: i64,
    timeliness: Option<String>,
    overdue_after: Option<OffsetDateTime>,
    state: String,
    event_count: i64,
}

/// The columns of a `dossier` row that [`DossierRow`] reads, in its order.
pub(crate) const DOSSIER_COLUMNS: &str = "id, code, procedure_code, agency_code, channel, applicant_name, \
     applicant_contact, applicant_phone_last4, applicant_id_last4, applicant_account, submitted_at, status, holder_agency_code, assigned_officer, received_at, \
     due_at, finished_at, supplement_count, timeliness, overdue_after, state, event_count";

/// The stored dossier of a row.
pub(crate) fn dossier_from_row(r: DossierRow) -> StoredDossier {
    StoredDossier {
        id: r.id,
        code: r.code,
        procedure_code: r.procedure_code,
        agency_code: r.agency_code,
        channel: r.channel,
        applicant_name: r.applicant_name,
        applicant_contact: r.applicant_contact,
        phone_last4: r.applicant_phone_last4,
        id_last4: r.applicant_id_last4,
        applicant_account: r.applicant_account,
        submitted_at: r.submitted_at,
        index: DossierIndex {
            status: r.status,
            holder_agency_code: r.holder_agency_code,
            assigned_officer: r.assigned_officer,
            received_at: r.received_at,
            due_at: r.due_at,
            finished_at: r.finished_at,
            supplement_count: r.supplement_count,
            timeliness: r.timeliness,
            overdue_after: r.overdue_after,
        },
        state: r.state,
        event_count: r.event_count,
    }
}

impl Db {
    /// The dossier with this code.
    pub async fn dossier_by_code(&self, code: &str) -> Result<Option<StoredDossier>, StorageError> {
        let sql = format!("select {DOSSIER_COLUMNS} from dossier where code = $1");
        let row: Option<DossierRow> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(code)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(dossier_from_row))
    }

    /// The dossier with this id.
    pub async fn dossier_by_id(&self, id: Uuid) -> Result<Option<StoredDossier>, StorageError> {
        let sql = format!("select {DOSSIER_COLUMNS} from dossier where id = $1");
        let row: Option<DossierRow> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(dossier_from_row))
    }

    /// The dossier's events in order.
    pub async fn dossier_events(&self, id: Uuid) -> Result<Vec<StoredEvent>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select seq, kind, actor, payload, recorded_at, prev_hash, hash from dossier_event \
                 where dossier_id = $1 order by seq",
            )
            .bind(id)
            .fetch_all(pool)
            .await
        })?)
    }
}
