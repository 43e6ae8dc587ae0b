//! Dossiers: the service that joins the dossier rules to the event log, and the applicant's
//! details kept with a dossier. Every door that opens or changes a dossier (the portal, the
//! counter, the desk, the JSON API, the API clients, the jobs) goes through [`DossierService`].

mod applicant;
pub mod links;
mod service;
mod timeliness;

pub use applicant::{ContactRecord, contact_json, requested_return};
pub use service::{
    Answer, Application, DossierService, DossierView, Opening, Outcome, index_of, new_events,
};
pub use timeliness::record_missing_timeliness;

pub use storage::dossier::StoredDossier;
pub use storage::inbox::{InboxPage, InboxQuery};
pub use storage::papers::{DossierPaper, NewDossierPaper, PaperPurpose};

/// One page of an officers' inbox, in its order (read from the projection's indexed columns).
pub async fn inbox_items(
    db: &storage::Db,
    query: &InboxQuery,
) -> Result<Vec<StoredDossier>, crate::ServiceError> {
    Ok(db.inbox_items(query).await?)
}

/// How many dossiers an inbox holds in all.
pub async fn inbox_count(db: &storage::Db, query: &InboxQuery) -> Result<i64, crate::ServiceError> {
    Ok(db.inbox_count(query).await?)
}

/// A dossier's papers in the order they were attached.
pub async fn papers_of(
    db: &storage::Db,
    dossier_id: uuid::Uuid,
) -> Result<Vec<DossierPaper>, crate::ServiceError> {
    Ok(db.dossier_papers(dossier_id).await?)
}

pub use storage::dossier::{Idempotency, IdempotentResponse};

/// The answer recorded for a request's idempotency key, when the request was seen before
/// (`ServiceError::KeyReused` when the key came with another request).
pub async fn recorded_answer(
    db: &storage::Db,
    idempotency: &Idempotency,
) -> Result<Option<IdempotentResponse>, crate::ServiceError> {
    Ok(db.idempotent_answer(idempotency).await?)
}

/// The stored dossier with this code, as storage holds it (contact details sealed); pages that
/// show the applicant read it through [`DossierService::get`] instead.
pub async fn stored_by_code(
    db: &storage::Db,
    code: &str,
) -> Result<Option<StoredDossier>, crate::ServiceError> {
    Ok(db.dossier_by_code(code).await?)
}
