//! API clients and their keys: making and hashing keys, issuing them, finding the key a request
//! carries, registering, listing and revoking: shared by the back-office page, the API's key
//! check and the `motcua api-key` command, so every door makes and reads keys the same way.

use domain::access::{Scope, print_scopes};
use sha2::{Digest, Sha256};
use storage::Db;
use storage::StorageError;
pub use storage::api_clients::{KeyWithClient, StoredApiClient, StoredApiKey};
use storage::api_clients::{NewApiClient, NewApiKey};
use time::OffsetDateTime;
use uuid::Uuid;

/// Every key starts with this, so a key pasted into a log or a repository is recognisable
/// (and secret scanners can be taught it).
pub const KEY_PREFIX: &str = "mck_";
/// Characters of the key kept as its public prefix: `mck_` and 8 hexadecimal digits (32 bits),
/// enough to tell a client's keys apart and to revoke one by name.
pub const PREFIX_CHARS: usize = 12;

/// SHA-256 of a key. A plain hash is enough here: the key is 256 random bits, not a password,
/// so there is nothing to guess and no need for a slow hash (ASVS 11.4.2 allows an approved
/// hash for high-entropy secrets).
pub fn hash(key: &str) -> Vec<u8> {
    Sha256::digest(key.as_bytes()).to_vec()
}

/// A new key: `mck_` and 64 hexadecimal digits of 32 bytes from the operating system's random
/// generator (two version-4 UUIDs, 244 of the 256 bits random, well above the 128 bits
/// ASVS 7.2.3 asks of session tokens).
pub fn generate() -> String {
    let mut key = String::from(KEY_PREFIX);
    for _ in 0..2 {
        for byte in Uuid::new_v4().as_bytes() {
            key.push_str(&format!("{byte:02x}"));
        }
    }
    key
}

/// A key just issued: the only moment its secret exists outside the client.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    /// The whole key, to show once.
    pub key: String,
    /// Its public prefix.
    pub prefix: String,
}

/// Issues a key with `scopes` to an existing client and stores its hash.
pub async fn issue(
    db: &Db,
    client_id: Uuid,
    scopes: &[Scope],
    expires_at: Option<OffsetDateTime>,
) -> Result<IssuedKey, StorageError> {
    let key = generate();
    let prefix = key.chars().take(PREFIX_CHARS).collect::<String>();
    db.create_api_key(&NewApiKey {
        id: Uuid::now_v7(),
        client_id,
        prefix: prefix.clone(),
        secret_hash: hash(&key),
        scopes: print_scopes(scopes),
        expires_at,
    })
    .await?;
    Ok(IssuedKey { key, prefix })
}

/// Registers a client and issues its first key, for `motcua api-key create`: the operator's
/// way to onboard the national portal before any administrator account exists.
pub async fn create_client_with_key(
    db: &Db,
    name: &str,
    agency_code: Option<&str>,
    scopes: &str,
    created_by: &str,
) -> Result<IssuedKey, CreateError> {
    let scopes = domain::access::parse_scopes(scopes).map_err(CreateError::Scope)?;
    if scopes.is_empty() {
        return Err(CreateError::NoScope);
    }
    if let Some(scope) = scopes.iter().find(|s| !s.issuable()) {
        return Err(CreateError::NotIssuable(*scope));
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(CreateError::NoName);
    }
    let id = Uuid::now_v7();
    db.create_api_client(&NewApiClient {
        id,
        name: name.to_owned(),
        agency_code: agency_code.map(str::to_owned),
        created_by: created_by.to_owned(),
    })
    .await?;
    Ok(issue(db, id, &scopes, None).await?)
}

/// Longest client name kept.
pub const NAME_MAX_CHARS: usize = 200;

/// Registers a client acting for `agency_code` (the unit of the administrator who registers
/// it) and returns its id; a blank or overlong name is refused.
pub async fn register_client(
    db: &Db,
    name: &str,
    agency_code: &str,
    created_by: &str,
) -> Result<Uuid, CreateError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
        return Err(CreateError::NoName);
    }
    let id = Uuid::now_v7();
    db.create_api_client(&NewApiClient {
        id,
        name: name.to_owned(),
        agency_code: Some(agency_code.to_owned()),
        created_by: created_by.to_owned(),
    })
    .await?;
    tracing::info!(officer = %created_by, client = %id, "API client registered");
    Ok(id)
}

/// The clients acting for one of `units` (every client when `None`), newest first, each with
/// its keys.
pub async fn clients_with_keys(
    db: &Db,
    units: Option<&[String]>,
) -> Result<Vec<(StoredApiClient, Vec<StoredApiKey>)>, StorageError> {
    let mut listed = Vec::new();
    for client in db.api_clients(units).await? {
        let keys = db.api_keys_of(client.id).await?;
        listed.push((client, keys));
    }
    Ok(listed)
}

/// The client with this id.
pub async fn client(db: &Db, id: Uuid) -> Result<Option<StoredApiClient>, StorageError> {
    db.api_client(id).await
}

/// The key whose hash a request carries, with its client (revoked and expired ones included:
/// the caller decides, in constant time).
pub async fn key_by_hash(db: &Db, hash: &[u8]) -> Result<Option<KeyWithClient>, StorageError> {
    db.api_key_by_hash(hash).await
}

/// Notes that a key was used at `now`, at most once per `every` (see `Db::touch_api_key`).
pub async fn note_use(
    db: &Db,
    key_id: Uuid,
    now: OffsetDateTime,
    every: time::Duration,
) -> Result<bool, StorageError> {
    db.touch_api_key(key_id, now, every).await
}

/// Revokes the key of `client_id` with this prefix, at once; `false` when there was no such
/// live key.
pub async fn revoke(
    db: &Db,
    client_id: Uuid,
    prefix: &str,
    revoked_by: &str,
) -> Result<bool, StorageError> {
    let revoked = db
        .revoke_api_key(prefix, Some(client_id), OffsetDateTime::now_utc())
        .await?;
    tracing::info!(officer = %revoked_by, client = %client_id, key = %prefix, "API key revoked");
    Ok(revoked)
}

/// Why a client could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// A scope name is unknown.
    #[error(transparent)]
    Scope(domain::access::ScopeError),
    /// A scope that keys are not issued with (`domain::access::Scope::ISSUABLE`).
    #[error("scope {0} is not issued: no route honours it yet")]
    NotIssuable(Scope),
    /// No scope at all: a key that allows nothing is a mistake.
    #[error("give at least one scope")]
    NoScope,
    /// No name.
    #[error("give the client a name")]
    NoName,
    /// Storage failed (an unknown agency code is refused by its foreign key).
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_distinct_and_hashed_to_32_bytes() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), KEY_PREFIX.len() + 64);
        assert!(a.starts_with(KEY_PREFIX));
        assert_ne!(a, b);
        assert_eq!(hash(&a).len(), 32);
        assert_ne!(hash(&a), hash(&b));
    }
}
