//! Personal identification numbers at rest (Law 91/2025/QH15 on personal data protection and
//! Decree 13/2023/NĐ-CP, Art. 26: technical measures for basic personal data). The number an
//! applicant gives is kept in the database only sealed (AES-256-GCM) beside a keyed hash
//! (HMAC-SHA256) that finds a person's dossiers without decrypting anything; pages show it
//! masked, and each officer who unmasks it says why and is recorded.
//!
//! Sealing happens where a dossier is created and opening where a dossier is read
//! (`crate::dossiers`), so every page, form and API reads the number as before while the
//! database, its backups and its replicas never hold it in clear.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Field of the stored contact JSON holding the sealed number.
pub const SEALED_FIELD: &str = "personal_id_sealed";
/// Field of the stored contact JSON holding its keyed hash.
pub const HASH_FIELD: &str = "personal_id_hash";
/// Field of the contact JSON as the rest of the program reads it.
pub const CLEAR_FIELD: &str = "personal_id";
/// Version prefix of a sealed value, so the scheme can change without guessing.
const SEALED_PREFIX: &str = "v1:";

/// The keys of one deployment: one for sealing, one for hashing, both derived from a single
/// secret so an operator has one thing to keep (and back up, apart from the database).
#[derive(Clone)]
pub struct PersonalDataVault {
    seal: std::sync::Arc<LessSafeKey>,
    hash_key: std::sync::Arc<Vec<u8>>,
    link_key: std::sync::Arc<Vec<u8>>,
}

impl std::fmt::Debug for PersonalDataVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonalDataVault(..)")
    }
}

fn derive(secret: &[u8], label: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(label);
    mac.finalize().into_bytes().to_vec()
}

impl PersonalDataVault {
    /// The vault of `secret` (at least 16 bytes; the configuration's `personal_data_key`).
    pub fn new(secret: &[u8]) -> PersonalDataVault {
        let seal_key = derive(secret, b"motcua personal-id seal v1");
        let unbound = UnboundKey::new(&AES_256_GCM, &seal_key)
            .unwrap_or_else(|_| unreachable!("a 32-byte key fits AES-256"));
        PersonalDataVault {
            seal: std::sync::Arc::new(LessSafeKey::new(unbound)),
            hash_key: std::sync::Arc::new(derive(secret, b"motcua personal-id hash v1")),
            link_key: std::sync::Arc::new(derive(secret, b"motcua signed link v1")),
        }
    }

    /// A vault with a random secret: tests, and nothing that must read its data back later.
    pub fn random() -> PersonalDataVault {
        let mut secret = [0u8; 32];
        // The system's generator does not fail on the platforms motcua runs on.
        let _ = SystemRandom::new().fill(&mut secret);
        PersonalDataVault::new(&secret)
    }

    /// The signature of a link that grants something without a sign-in (a dossier's rating
    /// page): 128 bits of HMAC-SHA-256 over `purpose` and `message`, in hex. Bound to the
    /// deployment's secret, so a link cannot be made or altered without it.
    pub fn sign_link(&self, purpose: &str, message: &str) -> String {
        hex::encode(&self.link_mac(purpose, message).finalize().into_bytes()[..16])
    }

    /// Whether `signature` is [`PersonalDataVault::sign_link`]'s for `purpose` and `message`,
    /// compared in constant time.
    pub fn link_signed(&self, purpose: &str, message: &str, signature: &str) -> bool {
        let Ok(bytes) = hex::decode(signature) else {
            return false;
        };
        bytes.len() == 16
            && self
                .link_mac(purpose, message)
                .verify_truncated_left(&bytes)
                .is_ok()
    }

    fn link_mac(&self, purpose: &str, message: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.link_key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        // Length-prefixed, so no purpose and message pair reads as another.
        mac.update(&(purpose.len() as u64).to_be_bytes());
        mac.update(purpose.as_bytes());
        mac.update(message.as_bytes());
        mac
    }

    /// The keyed hash that finds a number without revealing it (hex).
    pub fn hash(&self, personal_id: &str) -> String {
        hex::encode(derive(&self.hash_key, personal_id.trim().as_bytes()))
    }

    /// The number sealed: `v1:` and the hex of a random nonce, the ciphertext and its tag.
    pub fn seal(&self, personal_id: &str) -> String {
        self.seal_as(personal_id, SEALED_FIELD)
    }

    /// The number a sealed value holds; `None` when it was sealed with another key or altered.
    pub fn open(&self, sealed: &str) -> Option<String> {
        self.open_as(sealed, SEALED_FIELD)
    }

    /// Any other secret kept at rest (an officer's authenticator secret), sealed the same way.
    /// `purpose` is bound to the ciphertext, so a value sealed for one purpose never opens as
    /// another (a sealed personal ID pasted into the secret column, say).
    pub fn seal_as(&self, value: &str, purpose: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        let _ = SystemRandom::new().fill(&mut nonce);
        let mut data = value.as_bytes().to_vec();
        // Sealing a short buffer with a fresh nonce cannot fail.
        let _ = self.seal.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(purpose.as_bytes()),
            &mut data,
        );
        let mut out = nonce.to_vec();
        out.extend(data);
        format!("{SEALED_PREFIX}{}", hex::encode(out))
    }

    /// The value [`PersonalDataVault::seal_as`] sealed for `purpose`; `None` when it was sealed
    /// with another key or for another purpose, or altered.
    pub fn open_as(&self, sealed: &str, purpose: &str) -> Option<String> {
        let bytes = hex::decode(sealed.strip_prefix(SEALED_PREFIX)?).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, data) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut data = data.to_vec();
        let clear = self
            .seal
            .open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut data)
            .ok()?;
        String::from_utf8(clear.to_vec()).ok()
    }

    /// Whether a stored value is sealed (rather than a value written before sealing existed).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(SEALED_PREFIX)
    }

    /// The contact JSON as stored: its `personal_id` replaced by the sealed value and the hash.
    /// Anything that is not a JSON object with a number (a counter's plain contact line) is kept
    /// as it is.
    pub fn seal_contact(&self, contact: &str) -> String {
        let Ok(serde_json::Value::Object(mut map)) = serde_json::from_str(contact) else {
            return contact.to_owned();
        };
        match map.remove(CLEAR_FIELD) {
            Some(serde_json::Value::String(id)) if !id.trim().is_empty() => {
                map.insert(HASH_FIELD.into(), self.hash(&id).into());
                map.insert(SEALED_FIELD.into(), self.seal(id.trim()).into());
            }
            _ => {}
        }
        serde_json::Value::Object(map).to_string()
    }

    /// The contact JSON as the program reads it: the sealed number opened into `personal_id`.
    /// A value this vault cannot open is left out rather than shown wrong.
    pub fn open_contact(&self, contact: &str) -> String {
        let Ok(serde_json::Value::Object(mut map)) = serde_json::from_str(contact) else {
            return contact.to_owned();
        };
        map.remove(HASH_FIELD);
        if let Some(serde_json::Value::String(sealed)) = map.remove(SEALED_FIELD) {
            match self.open(&sealed) {
                Some(id) => {
                    map.insert(CLEAR_FIELD.into(), id.into());
                }
                None => tracing::warn!("a sealed personal ID does not open with this key"),
            }
        }
        serde_json::Value::Object(map).to_string()
    }

    /// The keyed hash stored in a contact JSON, if any.
    pub fn stored_hash(contact: &str) -> Option<String> {
        let serde_json::Value::Object(map) = serde_json::from_str(contact).ok()? else {
            return None;
        };
        map.get(HASH_FIELD)?.as_str().map(str::to_owned)
    }
}

/// The number as lists and pages show it until an officer asks for more: the first four digits
/// (province and century-sex) and the last two, `0010******45`.
pub fn masked(personal_id: &str) -> String {
    let digits: Vec<char> = personal_id.trim().chars().collect();
    if digits.len() < 8 {
        return "*".repeat(digits.len());
    }
    let head: String = digits[..4].iter().collect();
    let tail: String = digits[digits.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(digits.len() - 6))
}

pub use storage::personal_data_views::PersonalDataView;

/// Records that `officer_id` saw the personal ID of dossier `dossier_code` in full, and why
/// (Law 91/2025/QH15 on personal data: every access to it is accountable).
pub async fn record_view(
    db: &storage::Db,
    officer_id: &str,
    dossier_code: &str,
    reason: &str,
    at: time::OffsetDateTime,
) -> Result<(), crate::ServiceError> {
    db.record_personal_data_view(officer_id, dossier_code, reason, at)
        .await?;
    tracing::info!(officer = %officer_id, dossier = %dossier_code, reason, "personal ID unmasked");
    Ok(())
}

/// Who saw the personal ID of a dossier in full, newest first, at most `limit`.
pub async fn views_of(
    db: &storage::Db,
    dossier_code: &str,
    limit: i64,
) -> Result<Vec<PersonalDataView>, crate::ServiceError> {
    Ok(db.personal_data_views(dossier_code, limit).await?)
}

/// The dossiers of `unit` whose applicant has the personal ID of this keyed hash
/// ([`PersonalDataVault::hash`]), at most `limit`.
pub async fn dossiers_of_person(
    db: &storage::Db,
    personal_id_hash: &str,
    unit: &str,
    limit: i64,
) -> Result<Vec<storage::dossier::StoredDossier>, crate::ServiceError> {
    Ok(db
        .dossiers_by_personal_id(personal_id_hash, unit, limit)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_number_opens_with_its_key_only_and_never_shows_in_clear() {
        let vault = PersonalDataVault::new(b"0123456789abcdef0123456789abcdef");
        let sealed = vault.seal("001099012345");
        assert!(!sealed.contains("001099012345"));
        assert_ne!(sealed, vault.seal("001099012345"), "nonces repeat");
        assert_eq!(vault.open(&sealed).as_deref(), Some("001099012345"));
        assert_eq!(PersonalDataVault::random().open(&sealed), None);
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(vault.open(&String::from_utf8(altered).expect("hex")), None);
        assert_eq!(vault.open("001099012345"), None);
    }

    #[test]
    fn a_value_sealed_for_one_purpose_does_not_open_for_another() {
        let vault = PersonalDataVault::random();
        let sealed = vault.seal_as("JBSWY3DPEHPK3PXP", "officer totp secret");
        assert!(PersonalDataVault::is_sealed(&sealed));
        assert!(!PersonalDataVault::is_sealed("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            vault.open_as(&sealed, "officer totp secret").as_deref(),
            Some("JBSWY3DPEHPK3PXP")
        );
        assert_eq!(vault.open(&sealed), None);
        assert_eq!(
            vault.open_as(&vault.seal("001099012345"), "officer totp secret"),
            None
        );
    }

    #[test]
    fn the_keyed_hash_is_stable_per_key_and_differs_between_keys() {
        let a = PersonalDataVault::new(b"0123456789abcdef0123456789abcdef");
        let b = PersonalDataVault::new(b"fedcba9876543210fedcba9876543210");
        assert_eq!(a.hash("001099012345"), a.hash(" 001099012345 "));
        assert_ne!(a.hash("001099012345"), a.hash("001099012346"));
        assert_ne!(a.hash("001099012345"), b.hash("001099012345"));
    }

    #[test]
    fn a_contact_is_stored_without_the_number_and_read_back_with_it() {
        let vault = PersonalDataVault::random();
        let contact = r#"{"phone":"0912345678","personal_id":"001099012345","address":"Số 1"}"#;
        let stored = vault.seal_contact(contact);
        assert!(!stored.contains("001099012345"));
        assert!(stored.contains("0912345678"), "other fields are kept");
        assert_eq!(
            PersonalDataVault::stored_hash(&stored),
            Some(vault.hash("001099012345"))
        );
        let read: serde_json::Value =
            serde_json::from_str(&vault.open_contact(&stored)).expect("json");
        assert_eq!(read["personal_id"], "001099012345");
        assert!(read.get(HASH_FIELD).is_none() && read.get(SEALED_FIELD).is_none());
        // Older rows stored in clear, and plain contact lines, read as they are.
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&vault.open_contact(contact)).expect("json")
                ["personal_id"],
            "001099012345"
        );
        assert_eq!(vault.seal_contact("0912 345 678"), "0912 345 678");
        // Another deployment's key leaves the number out instead of failing the page.
        let foreign: serde_json::Value =
            serde_json::from_str(&PersonalDataVault::random().open_contact(&stored)).expect("json");
        assert!(foreign.get("personal_id").is_none());
        assert_eq!(foreign["phone"], "0912345678");
    }

    #[test]
    fn masking_keeps_the_province_code_and_the_last_two_digits() {
        assert_eq!(masked("001099012345"), "0010******45");
        assert_eq!(masked("123"), "***");
    }
}
