//! Officer accounts and their server-side sessions. Passwords arrive already hashed (argon2, in
//! the web layer) and session tokens as SHA-256 hashes: nothing stored here signs anyone in.

use time::OffsetDateTime;

use crate::StorageError;
use crate::db::{Db, exec_db, on_db};

/// An officer account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOfficer {
    /// Stable id (recorded as the actor of their events).
    pub id: String,
    /// Sign-in name, lowercase.
    pub username: String,
    /// Full name, shown to colleagues and printed on forms.
    pub full_name: String,
    /// Identifier code of their unit.
    pub agency_code: String,
    /// Role in the unit, as `domain::dossier::OfficerRole::as_str` writes it.
    pub role: String,
    /// PHC string of the password hash.
    pub password_hash: String,
}

/// An officer account as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredOfficer {
    /// Stable id.
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Unit.
    pub agency_code: String,
    /// Role.
    pub role: String,
    /// PHC string of the password hash.
    pub password_hash: String,
    /// When the account was disabled; a disabled officer has no session.
    pub disabled_at: Option<OffsetDateTime>,
}

/// A live session with its officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// The signed-in officer.
    pub officer: StoredOfficer,
    /// The token forms of this session must carry.
    pub csrf_token: String,
    /// When the session began (for the absolute timeout).
    pub created_at: OffsetDateTime,
    /// Last request (for the idle timeout).
    pub last_seen_at: OffsetDateTime,
    /// Absolute expiry.
    pub expires_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    officer: StoredOfficer,
    csrf_token: String,
    created_at: OffsetDateTime,
    last_seen_at: OffsetDateTime,
    expires_at: OffsetDateTime,
}

const OFFICER_COLUMNS: &str =
    "o.id, o.username, o.full_name, o.agency_code, o.role, o.password_hash, o.disabled_at";

impl Db {
    /// Creates an officer account.
    pub async fn create_officer(&self, officer: &NewOfficer) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(
                "insert into officer (id, username, full_name, agency_code, role, password_hash, disabled_at, created_at) \
                 values ($1, $2, $3, $4, $5, $6, null, $7)",
            )
            .bind(&officer.id)
            .bind(&officer.username)
            .bind(&officer.full_name)
            .bind(&officer.agency_code)
            .bind(&officer.role)
            .bind(&officer.password_hash)
            .bind(OffsetDateTime::now_utc())
            .execute(pool)
            .await
        })?;
        Ok(())
    }

    /// How many officer accounts exist (the first start creates demo ones when there are none).
    pub async fn officer_count(&self) -> Result<i64, StorageError> {
        let (n,): (i64,) = on_db!(self, |pool| {
            sqlx::query_as("select count(*) from officer")
                .fetch_one(pool)
                .await
        })?;
        Ok(n)
    }

    /// The account with this sign-in name.
    pub async fn officer_by_username(
        &self,
        username: &str,
    ) -> Result<Option<StoredOfficer>, StorageError> {
        let sql = format!("select {OFFICER_COLUMNS} from officer o where o.username = $1");
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(username)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// The active officers of a unit, by name.
    pub async fn officers_of(&self, agency_code: &str) -> Result<Vec<StoredOfficer>, StorageError> {
        let sql = format!(
            "select {OFFICER_COLUMNS} from officer o where o.agency_code = $1 and o.disabled_at is null \
             order by o.full_name"
        );
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(agency_code)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Disables an account and ends its sessions at once.
    pub async fn disable_officer(&self, id: &str) -> Result<(), StorageError> {
        let mut tx = self.begin().await?;
        crate::db::exec_tx!(&mut tx, |c| {
            sqlx::query("update officer set disabled_at = $1 where id = $2")
                .bind(OffsetDateTime::now_utc())
                .bind(id)
                .execute(c)
                .await
        })?;
        crate::db::exec_tx!(&mut tx, |c| {
            sqlx::query("delete from officer_session where officer_id = $1")
                .bind(id)
                .execute(c)
                .await
        })?;
        tx.commit().await?;
        Ok(())
    }

    /// The session with this token hash and its officer, unless the officer is disabled.
    pub async fn session(&self, token_hash: &[u8]) -> Result<Option<StoredSession>, StorageError> {
        let sql = format!(
            "select {OFFICER_COLUMNS}, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at \
             from officer_session s join officer o on o.id = s.officer_id \
             where s.token_hash = $1 and o.disabled_at is null"
        );
        let row: Option<SessionRow> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(token_hash)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(|r| StoredSession {
            officer: r.officer,
            csrf_token: r.csrf_token,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            expires_at: r.expires_at,
        }))
    }
}
