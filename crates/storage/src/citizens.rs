//! Citizens' accounts on the portal and what belongs to them: their sessions, their drafts and
//! the dossiers they applied for. Passwords arrive already hashed (argon2, in the web layer).
//! "Mine" is always decided here by the account id stored with the row, never by an id taken
//! from the request, so changing a number in a URL cannot reach someone else's dossier.

use time::OffsetDateTime;

use crate::StorageError;
use crate::db::{Db, exec_db, on_db};

/// A citizen account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCitizen {
    /// Stable id, `citizen:` and a UUIDv7 (recorded as the applicant of their dossiers).
    pub id: String,
    /// Full name as the citizen gives it (or as the identity provider asserts it).
    pub full_name: String,
    /// E-mail, lowercase; at least one of e-mail and phone, or an identity-provider subject.
    pub email: Option<String>,
    /// Phone, digits only.
    pub phone: Option<String>,
    /// PHC string of the password hash; `None` for accounts that only sign in through a provider.
    pub password_hash: Option<String>,
    /// OpenID Connect issuer and subject, for single sign-on.
    pub oidc: Option<(String, String)>,
}

/// A citizen account as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredCitizen {
    /// Stable id.
    pub id: String,
    /// Full name.
    pub full_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// PHC string of the password hash.
    pub password_hash: Option<String>,
    /// When disabled; a disabled account has no session.
    pub disabled_at: Option<OffsetDateTime>,
}

/// A live citizen session.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CitizenSession {
    /// The account.
    #[sqlx(flatten)]
    pub citizen: StoredCitizen,
    /// The token forms of this session must carry.
    pub csrf_token: String,
    /// When the session began.
    pub created_at: OffsetDateTime,
    /// Last request.
    pub last_seen_at: OffsetDateTime,
    /// Absolute expiry.
    pub expires_at: OffsetDateTime,
}

/// One of a citizen's dossiers, for "my dossiers".
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OwnDossier {
    /// Dossier code.
    pub code: String,
    /// National procedure code.
    pub procedure_code: String,
    /// Status, as `domain::dossier::Status::as_str` writes it.
    pub status: String,
    /// When it was submitted.
    pub submitted_at: OffsetDateTime,
    /// Legal due date, once accepted.
    pub due_at: Option<OffsetDateTime>,
}

/// A draft a citizen left unfinished.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OwnDraft {
    /// Draft id.
    pub id: uuid::Uuid,
    /// National procedure code.
    pub procedure_code: String,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

const CITIZEN_COLUMNS: &str = "c.id, c.full_name, c.email, c.phone, c.password_hash, c.disabled_at";

impl Db {
    /// How many citizen accounts exist (the first start creates demonstration ones when none).
    pub async fn citizen_count(&self) -> Result<i64, StorageError> {
        let (n,): (i64,) = on_db!(self, |pool| {
            sqlx::query_as("select count(*) from citizen")
                .fetch_one(pool)
                .await
        })?;
        Ok(n)
    }

    /// Creates an account; an e-mail, phone or provider subject already registered gives an
    /// error for which [`StorageError::is_unique_violation`] holds.
    pub async fn create_citizen(&self, citizen: &NewCitizen) -> Result<(), StorageError> {
        let (issuer, subject) = citizen.oidc.clone().unzip();
        exec_db!(self, |pool| {
            sqlx::query(
                "insert into citizen (id, full_name, email, phone, password_hash, oidc_issuer, oidc_subject, created_at, disabled_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, null)",
            )
            .bind(&citizen.id)
            .bind(&citizen.full_name)
            .bind(&citizen.email)
            .bind(&citizen.phone)
            .bind(&citizen.password_hash)
            .bind(&issuer)
            .bind(&subject)
            .bind(OffsetDateTime::now_utc())
            .execute(pool)
            .await
        })?;
        Ok(())
    }

    /// The account signing in with this e-mail (lowercase) or phone (digits).
    pub async fn citizen_by_login(
        &self,
        login: &str,
    ) -> Result<Option<StoredCitizen>, StorageError> {
        let sql =
            format!("select {CITIZEN_COLUMNS} from citizen c where c.email = $1 or c.phone = $1");
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(login)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// The account linked to this identity provider's subject.
    pub async fn citizen_by_oidc(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<StoredCitizen>, StorageError> {
        let sql = format!(
            "select {CITIZEN_COLUMNS} from citizen c where c.oidc_issuer = $1 and c.oidc_subject = $2"
        );
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(issuer)
                .bind(subject)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// The session with this token hash and its account, unless the account is disabled.
    pub async fn citizen_session(
        &self,
        token_hash: &[u8],
    ) -> Result<Option<CitizenSession>, StorageError> {
        let sql = format!(
            "select {CITIZEN_COLUMNS}, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at \
             from citizen_session s join citizen c on c.id = s.citizen_id \
             where s.token_hash = $1 and c.disabled_at is null"
        );
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(token_hash)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// The dossiers applied for from this account, newest first (at most `limit`).
    pub async fn dossiers_of_account(
        &self,
        account: &str,
        limit: i64,
    ) -> Result<Vec<OwnDossier>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select code, procedure_code, status, submitted_at, due_at from dossier \
                 where applicant_account = $1 order by submitted_at desc limit $2",
            )
            .bind(account)
            .bind(limit)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The account's drafts not yet submitted, most recently changed first.
    pub async fn drafts_of_account(&self, account: &str) -> Result<Vec<OwnDraft>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select id, procedure_code, updated_at from application_draft \
                 where citizen_id = $1 and submitted_code is null order by updated_at desc",
            )
            .bind(account)
            .fetch_all(pool)
            .await
        })?)
    }
}

/// How a citizen with an account wants to be told about their dossiers.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationPreferences {
    /// By e-mail, when the account or the dossier has an address.
    pub notify_email: bool,
    /// By SMS, when it has a mobile number.
    pub notify_sms: bool,
    /// In which language: `vi` or `en`.
    pub notify_lang: String,
}

impl Db {
    /// The notification preferences of account `account`; `None` when no citizen has that id
    /// (a dossier filed by an API client, or by nobody signed in).
    pub async fn notification_preferences(
        &self,
        account: &str,
    ) -> Result<Option<NotificationPreferences>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select notify_email, notify_sms, notify_lang from citizen where id = $1",
            )
            .bind(account)
            .fetch_optional(pool)
            .await
        })?)
    }

    /// Records account `account`'s notification preferences.
    pub async fn set_notification_preferences(
        &self,
        account: &str,
        preferences: &NotificationPreferences,
    ) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(
                "update citizen set notify_email = $2, notify_sms = $3, notify_lang = $4 \
                 where id = $1",
            )
            .bind(account)
            .bind(preferences.notify_email)
            .bind(preferences.notify_sms)
            .bind(&preferences.notify_lang)
            .execute(pool)
            .await
        })?;
        Ok(())
    }
}
