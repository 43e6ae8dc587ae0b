//! API clients and their keys: the province's specialised systems and the national public
//! service portal calling `/api/v1` on their own behalf. Keys arrive here already hashed
//! (SHA-256 of 32 random bytes, made in the web layer), so nothing stored here authenticates
//! anyone (OWASP ASVS 5.0 V11.4.2: secrets stored only as approved one-way hashes). Scopes are
//! kept as the text the domain prints (`domain::access::Scope`); this module does not read them.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::StorageError;
use crate::db::{Db, exec_db, on_db};

/// A client to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiClient {
    /// Stable id.
    pub id: Uuid,
    /// Name shown to administrators ("Hệ thống hộ tịch tỉnh").
    pub name: String,
    /// The unit it acts for; `None` for a province-wide client.
    pub agency_code: Option<String>,
    /// Who registered it: an officer id, or `cli` for the command line.
    pub created_by: String,
}

/// A client as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredApiClient {
    /// Stable id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The unit it acts for.
    pub agency_code: Option<String>,
    /// Who registered it.
    pub created_by: String,
    /// When.
    pub created_at: OffsetDateTime,
    /// When it was revoked; a revoked client's keys all stop working.
    pub revoked_at: Option<OffsetDateTime>,
}

/// A key to store: everything but the secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    /// Stable id.
    pub id: Uuid,
    /// The client it belongs to.
    pub client_id: Uuid,
    /// The first characters of the key, shown in lists so people can tell keys apart.
    pub prefix: String,
    /// SHA-256 of the whole key.
    pub secret_hash: Vec<u8>,
    /// Scope names, comma-separated.
    pub scopes: String,
    /// When it stops working by itself, if ever.
    pub expires_at: Option<OffsetDateTime>,
}

/// A key as stored (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredApiKey {
    /// Stable id.
    pub id: Uuid,
    /// The client.
    pub client_id: Uuid,
    /// The first characters of the key.
    pub prefix: String,
    /// SHA-256 of the whole key.
    pub secret_hash: Vec<u8>,
    /// Scope names, comma-separated.
    pub scopes: String,
    /// When it was issued.
    pub created_at: OffsetDateTime,
    /// When it expires, if ever.
    pub expires_at: Option<OffsetDateTime>,
    /// When it was revoked.
    pub revoked_at: Option<OffsetDateTime>,
    /// Last request made with it (recorded at most about once a minute).
    pub last_used_at: Option<OffsetDateTime>,
}

/// A key found by its hash, with its client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyWithClient {
    /// The key.
    pub key: StoredApiKey,
    /// Its client.
    pub client: StoredApiClient,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    #[sqlx(flatten)]
    key: StoredApiKey,
    c_name: String,
    c_agency_code: Option<String>,
    c_created_by: String,
    c_created_at: OffsetDateTime,
    c_revoked_at: Option<OffsetDateTime>,
}

const CLIENT_COLUMNS: &str =
    "c.id, c.name, c.agency_code, c.created_by, c.created_at, c.revoked_at";
const KEY_COLUMNS: &str = "k.id, k.client_id, k.prefix, k.secret_hash, k.scopes, k.created_at, \
     k.expires_at, k.revoked_at, k.last_used_at";

impl Db {
    /// Registers a client.
    pub async fn create_api_client(&self, client: &NewApiClient) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(
                "insert into api_client (id, name, agency_code, created_by, created_at, revoked_at) \
                 values ($1, $2, $3, $4, $5, null)",
            )
            .bind(client.id)
            .bind(&client.name)
            .bind(&client.agency_code)
            .bind(&client.created_by)
            .bind(OffsetDateTime::now_utc())
            .execute(pool)
            .await
        })?;
        Ok(())
    }

    /// The client with this id.
    pub async fn api_client(&self, id: Uuid) -> Result<Option<StoredApiClient>, StorageError> {
        let sql = format!("select {CLIENT_COLUMNS} from api_client c where c.id = $1");
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Clients acting for one of `agencies` (every client when `None`), newest first.
    pub async fn api_clients(
        &self,
        agencies: Option<&[String]>,
    ) -> Result<Vec<StoredApiClient>, StorageError> {
        let sql = format!("select {CLIENT_COLUMNS} from api_client c order by c.created_at desc");
        let all: Vec<StoredApiClient> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await
        })?;
        // Filtered here rather than in SQL: an `in` list of variable length is written
        // differently by the two engines, and clients are a handful of rows.
        Ok(match agencies {
            None => all,
            Some(units) => all
                .into_iter()
                .filter(|c| c.agency_code.as_ref().is_some_and(|a| units.contains(a)))
                .collect(),
        })
    }

    /// Stores a key of an existing client.
    pub async fn create_api_key(&self, key: &NewApiKey) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(
                "insert into api_key (id, client_id, prefix, secret_hash, scopes, created_at, \
                 expires_at, revoked_at, last_used_at) values ($1, $2, $3, $4, $5, $6, $7, null, null)",
            )
            .bind(key.id)
            .bind(key.client_id)
            .bind(&key.prefix)
            .bind(&key.secret_hash)
            .bind(&key.scopes)
            .bind(OffsetDateTime::now_utc())
            .bind(key.expires_at)
            .execute(pool)
            .await
        })?;
        Ok(())
    }

    /// The keys of a client, newest first, revoked ones included (the list shows them struck).
    pub async fn api_keys_of(&self, client_id: Uuid) -> Result<Vec<StoredApiKey>, StorageError> {
        let sql = format!(
            "select {KEY_COLUMNS} from api_key k where k.client_id = $1 order by k.created_at desc"
        );
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(client_id)
                .fetch_all(pool)
                .await
        })?)
    }

    /// The key whose SHA-256 is `secret_hash`, with its client, revoked or not: the caller
    /// decides (and compares the hash again in constant time).
    pub async fn api_key_by_hash(
        &self,
        secret_hash: &[u8],
    ) -> Result<Option<KeyWithClient>, StorageError> {
        let sql = format!(
            "select {KEY_COLUMNS}, c.name as c_name, c.agency_code as c_agency_code, \
             c.created_by as c_created_by, c.created_at as c_created_at, \
             c.revoked_at as c_revoked_at \
             from api_key k join api_client c on c.id = k.client_id where k.secret_hash = $1"
        );
        let row: Option<KeyRow> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(secret_hash)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(|r| KeyWithClient {
            client: StoredApiClient {
                id: r.key.client_id,
                name: r.c_name,
                agency_code: r.c_agency_code,
                created_by: r.c_created_by,
                created_at: r.c_created_at,
                revoked_at: r.c_revoked_at,
            },
            key: r.key,
        }))
    }

    /// The key with this prefix.
    pub async fn api_key_by_prefix(
        &self,
        prefix: &str,
    ) -> Result<Option<StoredApiKey>, StorageError> {
        let sql = format!("select {KEY_COLUMNS} from api_key k where k.prefix = $1");
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(prefix)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Revokes a key of `client_id` (any client when `None`) by its prefix; `false` when there
    /// is no such live key. Revocation is immediate: the next request with it is refused.
    pub async fn revoke_api_key(
        &self,
        prefix: &str,
        client_id: Option<Uuid>,
        now: OffsetDateTime,
    ) -> Result<bool, StorageError> {
        let n = match client_id {
            Some(client) => exec_db!(self, |pool| {
                sqlx::query(
                    "update api_key set revoked_at = $1 \
                     where prefix = $2 and client_id = $3 and revoked_at is null",
                )
                .bind(now)
                .bind(prefix)
                .bind(client)
                .execute(pool)
                .await
            })?,
            None => exec_db!(self, |pool| {
                sqlx::query(
                    "update api_key set revoked_at = $1 where prefix = $2 and revoked_at is null",
                )
                .bind(now)
                .bind(prefix)
                .execute(pool)
                .await
            })?,
        };
        Ok(n > 0)
    }

    /// Notes that a key was used at `now`, unless a use was already recorded within `every`:
    /// the condition sits in the statement, so concurrent requests write at most once per
    /// period and an idle read costs no write at all when the caller checked first.
    pub async fn touch_api_key(
        &self,
        id: Uuid,
        now: OffsetDateTime,
        every: time::Duration,
    ) -> Result<bool, StorageError> {
        let n = exec_db!(self, |pool| {
            sqlx::query(
                "update api_key set last_used_at = $1 \
                 where id = $2 and (last_used_at is null or last_used_at < $3)",
            )
            .bind(now)
            .bind(id)
            .bind(now - every)
            .execute(pool)
            .await
        })?;
        Ok(n > 0)
    }
}
