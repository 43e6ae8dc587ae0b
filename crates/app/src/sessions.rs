//! Signed-in sessions of officers and citizens as the database keeps them: only the SHA-256 of
//! each random token, with its owner, its CSRF token and its times. How long a session lives and
//! how cookies carry it is the web edge's (`web::edge::sessions`); these are its records.

use storage::Db;
pub use storage::officers::StoredSession;
pub use storage::sessions::SessionKind;
use time::OffsetDateTime;

use crate::ServiceError;

/// Records a new session of `owner_id`, live until `expires_at` at the latest.
pub async fn create(
    db: &Db,
    kind: SessionKind,
    token_hash: &[u8],
    owner_id: &str,
    csrf_token: &str,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<(), ServiceError> {
    Ok(db
        .create_session(kind, token_hash, owner_id, csrf_token, now, expires_at)
        .await?)
}

/// Notes activity on a session at `now`.
pub async fn touch(
    db: &Db,
    kind: SessionKind,
    token_hash: &[u8],
    now: OffsetDateTime,
) -> Result<(), ServiceError> {
    Ok(db.touch_session(kind, token_hash, now).await?)
}

/// Ends a session (sign-out, expiry, a new sign-in from the same browser).
pub async fn end(db: &Db, kind: SessionKind, token_hash: &[u8]) -> Result<(), ServiceError> {
    Ok(db.delete_session(kind, token_hash).await?)
}

/// The officer's session of a token's hash, with the officer (only active accounts).
pub async fn officer_session(
    db: &Db,
    token_hash: &[u8],
) -> Result<Option<StoredSession>, ServiceError> {
    Ok(db.session(token_hash).await?)
}
