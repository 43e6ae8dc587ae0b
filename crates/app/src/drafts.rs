//! Online applications in progress (hồ sơ nháp): the answers a citizen has given so far, kept
//! between the portal's questions until they submit, and the contents of the papers they upload
//! on the way, recorded once per hash.

use storage::Db;
pub use storage::papers::StoredDraft;
use uuid::Uuid;

use crate::ServiceError;

/// The draft with this id.
pub async fn get(db: &Db, id: Uuid) -> Result<Option<StoredDraft>, ServiceError> {
    Ok(db.draft(id).await?)
}

/// Starts a draft of `procedure_code` with `answers` (JSON), owned by a citizen's account when
/// one applies.
pub async fn start(
    db: &Db,
    id: Uuid,
    procedure_code: &str,
    answers: &str,
    account: Option<&str>,
) -> Result<(), ServiceError> {
    Ok(db
        .create_draft(id, procedure_code, answers, account)
        .await?)
}

/// Replaces a draft's answers; `false` when there is no such draft or it was submitted.
pub async fn save(db: &Db, id: Uuid, answers: &str) -> Result<bool, ServiceError> {
    Ok(db.update_draft(id, answers).await?)
}

/// Records an uploaded paper's content, once per hash (it is already in the paper store).
pub async fn record_paper(
    db: &Db,
    sha256: &str,
    media_type: &str,
    size_bytes: i64,
) -> Result<(), ServiceError> {
    Ok(db.record_paper_blob(sha256, media_type, size_bytes).await?)
}
