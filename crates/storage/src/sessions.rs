//! Server-side sessions of officers and citizens. Both kinds live in their own table (each
//! references its own accounts, so disabling an account can end its sessions with a foreign
//! key behind it) but are written the same way: by the SHA-256 of the token only, so a copy of
//! the database signs nobody in (OWASP ASVS 5.0, 7.2.2).

use time::OffsetDateTime;

use crate::StorageError;
use crate::db::{Db, exec_db};

/// Whose session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// An officer of the back office.
    Officer,
    /// A citizen or business on the portal.
    Citizen,
}

impl SessionKind {
    fn insert_sql(self) -> &'static str {
        match self {
            SessionKind::Officer => {
                "insert into officer_session (token_hash, officer_id, csrf_token, created_at, last_seen_at, expires_at) \
                 values ($1, $2, $3, $4, $4, $5)"
            }
            SessionKind::Citizen => {
                "insert into citizen_session (token_hash, citizen_id, csrf_token, created_at, last_seen_at, expires_at) \
                 values ($1, $2, $3, $4, $4, $5)"
            }
        }
    }

    fn touch_sql(self) -> &'static str {
        match self {
            SessionKind::Officer => {
                "update officer_session set last_seen_at = $1 where token_hash = $2"
            }
            SessionKind::Citizen => {
                "update citizen_session set last_seen_at = $1 where token_hash = $2"
            }
        }
    }

    fn delete_sql(self) -> &'static str {
        match self {
            SessionKind::Officer => "delete from officer_session where token_hash = $1",
            SessionKind::Citizen => "delete from citizen_session where token_hash = $1",
        }
    }
}

impl Db {
    /// Records a new session for the account `owner_id`.
    pub async fn create_session(
        &self,
        kind: SessionKind,
        token_hash: &[u8],
        owner_id: &str,
        csrf_token: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(kind.insert_sql())
                .bind(token_hash)
                .bind(owner_id)
                .bind(csrf_token)
                .bind(now)
                .bind(expires_at)
                .execute(pool)
                .await
        })?;
        Ok(())
    }

    /// Notes activity on a session (the idle timeout counts from here).
    pub async fn touch_session(
        &self,
        kind: SessionKind,
        token_hash: &[u8],
        now: OffsetDateTime,
    ) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(kind.touch_sql())
                .bind(now)
                .bind(token_hash)
                .execute(pool)
                .await
        })?;
        Ok(())
    }

    /// Ends a session.
    pub async fn delete_session(
        &self,
        kind: SessionKind,
        token_hash: &[u8],
    ) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(kind.delete_sql())
                .bind(token_hash)
                .execute(pool)
                .await
        })?;
        Ok(())
    }
}
