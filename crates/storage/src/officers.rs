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
    /// Base32 secret of the officer's authenticator app (RFC 6238), once enrolled.
    pub totp_secret: Option<String>,
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

const OFFICER_COLUMNS: &str = "o.id, o.username, o.full_name, o.agency_code, o.role, o.password_hash, \
     o.disabled_at, o.totp_secret";

/// Ends every session of an officer inside `tx`, so a change made in the same transaction
/// (disabled, new role, new password) applies from the next sign-in and no open page keeps
/// acting with the old account.
async fn end_sessions(tx: &mut crate::db::Tx, id: &str) -> Result<(), StorageError> {
    crate::db::exec_tx!(tx, |c| {
        sqlx::query("delete from officer_session where officer_id = $1")
            .bind(id)
            .execute(c)
            .await
    })?;
    Ok(())
}

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

    /// Whether an agency of the catalogue has this identifier code (officers belong to one).
    pub async fn agency_exists(&self, code: &str) -> Result<bool, StorageError> {
        let (n,): (i64,) = on_db!(self, |pool| {
            sqlx::query_as("select count(*) from agency where code = $1")
                .bind(code)
                .fetch_one(pool)
                .await
        })?;
        Ok(n > 0)
    }

    /// Every account of `agency_code` (every account of the province when `None`), disabled ones
    /// included, for the administrators' list.
    pub async fn officer_directory(
        &self,
        agency_code: Option<&str>,
    ) -> Result<Vec<StoredOfficer>, StorageError> {
        let sql = format!(
            "select {OFFICER_COLUMNS} from officer o where $1 is null or o.agency_code = $1 \
             order by o.agency_code, o.disabled_at is not null, o.full_name"
        );
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(agency_code)
                .fetch_all(pool)
                .await
        })?)
    }

    /// The account with this id, disabled or not.
    pub async fn officer_by_id(&self, id: &str) -> Result<Option<StoredOfficer>, StorageError> {
        let sql = format!("select {OFFICER_COLUMNS} from officer o where o.id = $1");
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Gives an account another role in its unit; its sessions end, so the new role applies
    /// from the next sign-in and no open page acts with the old one.
    pub async fn set_officer_role(&self, id: &str, role: &str) -> Result<(), StorageError> {
        let mut tx = self.begin().await?;
        crate::db::exec_tx!(&mut tx, |c| {
            sqlx::query("update officer set role = $1 where id = $2")
                .bind(role)
                .bind(id)
                .execute(c)
                .await
        })?;
        end_sessions(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the account's password hash; its sessions end.
    pub async fn set_officer_password(
        &self,
        id: &str,
        password_hash: &str,
    ) -> Result<(), StorageError> {
        let mut tx = self.begin().await?;
        crate::db::exec_tx!(&mut tx, |c| {
            sqlx::query("update officer set password_hash = $1 where id = $2")
                .bind(password_hash)
                .bind(id)
                .execute(c)
                .await
        })?;
        end_sessions(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lets a disabled account sign in again.
    pub async fn enable_officer(&self, id: &str) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query("update officer set disabled_at = null where id = $1")
                .bind(id)
                .execute(pool)
                .await
        })?;
        Ok(())
    }

    /// Enrols (`Some`) or removes (`None`) the account's authenticator secret; the record of
    /// codes already used starts again.
    pub async fn set_officer_second_factor(
        &self,
        id: &str,
        secret: Option<&str>,
    ) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query("update officer set totp_secret = $1, totp_last_step = null where id = $2")
                .bind(secret)
                .bind(id)
                .execute(pool)
                .await
        })?;
        Ok(())
    }

    /// Every officer's stored authenticator secret: (id, stored value). Officers are a few
    /// hundred at most, so one read is enough for `motcua personal-data seal`.
    pub async fn officer_second_factor_secrets(
        &self,
    ) -> Result<Vec<(String, String)>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select id, totp_secret from officer where totp_secret is not null order by id",
            )
            .fetch_all(pool)
            .await
        })?)
    }

    /// Replaces an officer's stored secret by `stored` if it is still `expected` (an enrolment
    /// or removal meanwhile wins); whether it was replaced. The record of used codes is kept.
    pub async fn replace_officer_second_factor_secret(
        &self,
        id: &str,
        expected: &str,
        stored: &str,
    ) -> Result<bool, StorageError> {
        let n = exec_db!(self, |pool| {
            sqlx::query("update officer set totp_secret = $1 where id = $2 and totp_secret = $3")
                .bind(stored)
                .bind(id)
                .bind(expected)
                .execute(pool)
                .await
        })?;
        Ok(n == 1)
    }

    /// Records that the code of time step `step` was used; `false` when that step or a later
    /// one was already used, so a code seen over a shoulder or replayed signs in nobody.
    pub async fn use_second_factor_step(&self, id: &str, step: i64) -> Result<bool, StorageError> {
        let done = exec_db!(self, |pool| {
            sqlx::query(
                "update officer set totp_last_step = $1 \
                 where id = $2 and (totp_last_step is null or totp_last_step < $1)",
            )
            .bind(step)
            .bind(id)
            .execute(pool)
            .await
        })?;
        Ok(done == 1)
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
        end_sessions(&mut tx, id).await?;
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

/// An officer who receives the morning digest.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AlertedOfficer {
    /// Id.
    pub id: String,
    /// Full name.
    pub full_name: String,
    /// Where the digest goes.
    pub email: String,
    /// Unit.
    pub agency_code: String,
    /// Role, as stored.
    pub role: String,
}

impl Db {
    /// Sets (or, with `None`, removes) the address officer `id` receives the digest at.
    pub async fn set_officer_email(
        &self,
        id: &str,
        email: Option<&str>,
    ) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query("update officer set email = $2 where id = $1")
                .bind(id)
                .bind(email)
                .execute(pool)
                .await
        })?;
        Ok(())
    }

    /// The address officer `id` receives the digest at.
    pub async fn officer_email(&self, id: &str) -> Result<Option<String>, StorageError> {
        let row: Option<(Option<String>,)> = on_db!(self, |pool| {
            sqlx::query_as("select email from officer where id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.and_then(|(email,)| email))
    }

    /// Active officers with an address for the digest.
    pub async fn officers_with_email(&self) -> Result<Vec<AlertedOfficer>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select id, full_name, email, agency_code, role from officer \
                 where email is not null and disabled_at is null order by id",
            )
            .fetch_all(pool)
            .await
        })?)
    }
}
