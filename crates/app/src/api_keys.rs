//! Making and hashing API keys, and issuing them to a client: shared by the back-office page and
//! the `motcua api-key` command so both make keys the same way.

use domain::access::{Scope, print_scopes};
use sha2::{Digest, Sha256};
use storage::Db;
use storage::StorageError;
use storage::api_clients::NewApiKey;
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
    let name = name.trim();
    if name.is_empty() {
        return Err(CreateError::NoName);
    }
    let id = Uuid::now_v7();
    db.create_api_client(&storage::api_clients::NewApiClient {
        id,
        name: name.to_owned(),
        agency_code: agency_code.map(str::to_owned),
        created_by: created_by.to_owned(),
    })
    .await?;
    Ok(issue(db, id, &scopes, None).await?)
}

/// Why a client could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// A scope name is unknown.
    #[error(transparent)]
    Scope(domain::access::ScopeError),
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
