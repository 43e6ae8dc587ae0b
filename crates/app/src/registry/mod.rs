//! The national population database as motcua uses it (DESIGN §6, issue 6): the look-up made
//! when a citizen applies online, a reception officer presses "look up" at the counter, or the
//! retry job asks again, each one logged (who, agency, dossier, purpose, result, latency) and
//! limited per user; and the background retry of look-ups the database could not answer.
//!
//! Personal identification numbers are personal data (Law 91/2025/QH15 on personal data
//! protection): the log keeps only an HMAC-SHA256 of the number under the key of the
//! configuration and a masked form (`0010******45`), and nothing here writes a number, a name or
//! a birth date to the application log.

mod retry;

use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::identity::PersonalId;
use hmac::{KeyInit, Mac};
use integrations::registry::{
    LookupOutcome, LookupQuery, Person, PopulationRegistry, RegistryError,
};
use storage::registry_lookups::NewRegistryLookup;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::limits::FailureLimit;
use crate::{App, ServiceError};

pub use retry::{JOB, retry_due, retry_due_as};

/// Look-ups one user may make in [`DEFAULT_LIMIT_WINDOW`] by default: a busy counter serves a
/// walk-in every few minutes, far below this; a script harvesting the database hits it at once.
pub const DEFAULT_LIMIT: usize = 30;
/// The window of [`DEFAULT_LIMIT`].
pub const DEFAULT_LIMIT_WINDOW: Duration = Duration::from_secs(600);

/// The population database as the portal uses it: the client, the key of the look-up log's
/// hashes and the per-user limit.
#[derive(Clone)]
pub struct Registry {
    client: Arc<dyn PopulationRegistry>,
    hash_key: Arc<Vec<u8>>,
    limit: Arc<FailureLimit>,
    /// First pause before a look-up the database could not answer is tried again; it doubles
    /// with each failed attempt, up to an hour.
    pub retry_after: Duration,
}

impl std::fmt::Debug for Registry {
    // The key stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("retry_after", &self.retry_after)
            .finish_non_exhaustive()
    }
}

impl Registry {
    /// The registry behind `client`, hashing numbers with `hash_key` (at least 16 bytes).
    pub fn new(client: Arc<dyn PopulationRegistry>, hash_key: Vec<u8>) -> Registry {
        Registry {
            client,
            hash_key: Arc::new(hash_key),
            limit: Arc::new(FailureLimit::new(DEFAULT_LIMIT, DEFAULT_LIMIT_WINDOW)),
            retry_after: Duration::from_secs(60),
        }
    }

    /// The same registry with at most `max` look-ups per user in `window`.
    pub fn with_limit(mut self, max: usize, window: Duration) -> Registry {
        self.limit = Arc::new(FailureLimit::new(max, window));
        self
    }

    /// The keyed hash the log keeps instead of the number.
    pub fn personal_id_hash(&self, id: &PersonalId) -> Vec<u8> {
        // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
        match hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.hash_key) {
            Ok(mut mac) => {
                mac.update(id.as_str().as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }
}

/// A hash key written in hex (at least 16 bytes), as the configuration gives it.
pub fn parse_key(hex_text: &str) -> Option<Vec<u8>> {
    hex::decode(hex_text.trim())
        .ok()
        .filter(|key| key.len() >= 16)
}

/// The key kept in `path`, made (32 random bytes, readable by the owner only) on first use: the
/// embedded default's key, so its look-up log's hashes stay comparable across restarts.
pub fn load_or_create_key(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return parse_key(&text).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{} does not hold a hex key of 16 bytes or more",
                    path.display()
                ),
            )
        });
    }
    let mut key = Vec::with_capacity(32);
    key.extend_from_slice(Uuid::new_v4().as_bytes());
    key.extend_from_slice(Uuid::new_v4().as_bytes());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    std::io::Write::write_all(&mut file, hex::encode(&key).as_bytes())?;
    file.sync_all()?;
    Ok(key)
}

/// The number as the look-up log shows it: the province code and century digit, then the last
/// two digits (`0010******45`), enough for an inspector to tell look-ups apart, not to find the
/// person.
pub fn masked(id: &PersonalId) -> String {
    let digits = id.as_str();
    format!("{}******{}", &digits[..4], &digits[10..])
}

/// Who makes a look-up, as the log records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester<'a> {
    /// A signed-in officer, by account id.
    Officer(&'a str),
    /// The online portal, on behalf of an applicant (key: the account or the client address,
    /// for the limit).
    Portal(&'a str),
    /// The background retry.
    System,
}

/// Why the look-up is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A citizen applying online.
    OnlineApplication,
    /// A walk-in at the counter.
    CounterIntake,
    /// The background retry of a look-up that got no answer.
    Retry,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::OnlineApplication => "online_application",
            Purpose::CounterIntake => "counter_intake",
            Purpose::Retry => "retry",
        }
    }
}

/// The database's answer as the portal uses it.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Everything matches; the record.
    Verified(Box<Person>),
    /// The number exists; the name or the birth date differ.
    Mismatch {
        /// The name differs.
        name: bool,
        /// The birth date differs.
        birth_date: bool,
    },
    /// No record has this number.
    NotFound,
    /// No answer (down, too slow, held back); try again later.
    Unavailable {
        /// It was too slow rather than down.
        timeout: bool,
    },
}

impl Answer {
    /// The result as the log and the dossier record it.
    pub fn result(&self) -> domain::dossier::IdentityResult {
        use domain::dossier::IdentityResult as R;
        match self {
            Answer::Verified(_) => R::Verified,
            Answer::Mismatch { .. } => R::Mismatch,
            Answer::NotFound => R::NotFound,
            Answer::Unavailable { .. } => R::Unavailable,
        }
    }

    fn log_result(&self) -> &'static str {
        match self {
            Answer::Unavailable { timeout: true } => "timeout",
            other => other.result().as_str(),
        }
    }
}

/// What is looked up, and for whom.
pub struct Lookup<'a> {
    /// Who asks.
    pub requester: Requester<'a>,
    /// The agency it serves.
    pub agency: &'a str,
    /// The dossier it serves, if it exists.
    pub dossier_code: Option<&'a str>,
    /// Why.
    pub purpose: Purpose,
    /// The number.
    pub personal_id: &'a PersonalId,
    /// The full name given.
    pub full_name: &'a str,
    /// The birth date given.
    pub birth_date: Date,
}

/// Calendar month in Vietnam, `YYYY-MM`.
fn vietnam_month(at: OffsetDateTime) -> String {
    let local = at.to_offset(domain::calendar::VIETNAM_OFFSET);
    format!("{:04}-{:02}", local.year(), u8::from(local.month()))
}

/// Asks the database, logs the look-up and gives its id with the answer.
/// `ServiceError::Limited` when the user made too many look-ups lately.
pub async fn look_up(
    app: &App,
    registry: &Registry,
    lookup: Lookup<'_>,
) -> Result<(Uuid, Answer), ServiceError> {
    let (requested_by, kind, limit_key) = match lookup.requester {
        Requester::Officer(id) => (id.to_owned(), "officer", Some(format!("officer:{id}"))),
        Requester::Portal(key) => ("portal".to_owned(), "portal", Some(format!("portal:{key}"))),
        Requester::System => ("system".to_owned(), "system", None),
    };
    if let Some(key) = &limit_key {
        if let Err(wait) = registry.limit.check(key) {
            tracing::warn!(requester = kind, "population look-ups limited");
            return Err(ServiceError::Limited { wait });
        }
        // Every look-up counts, not only failures: the limit is on use of the database.
        registry.limit.fail(key);
    }
    let mut query = LookupQuery::new(
        lookup.personal_id.clone(),
        lookup.full_name,
        lookup.birth_date,
    )
    .by(&requested_by);
    if let Some(code) = lookup.dossier_code {
        query = query.for_dossier(code);
    }
    let started = Instant::now();
    let outcome = registry.client.look_up(&query).await;
    let latency = started.elapsed();
    let answer = match outcome {
        Ok(LookupOutcome::Verified(person)) => Answer::Verified(person),
        Ok(LookupOutcome::Mismatch { name, birth_date }) => Answer::Mismatch { name, birth_date },
        Ok(LookupOutcome::NotFound) => Answer::NotFound,
        Err(RegistryError::Timeout { .. }) => Answer::Unavailable { timeout: true },
        Err(error) => {
            if !error.is_transient() {
                tracing::error!(%error, "the population database cannot be used");
            }
            Answer::Unavailable { timeout: false }
        }
    };
    let id = Uuid::now_v7();
    let now = OffsetDateTime::now_utc();
    app.db
        .record_registry_lookup(&NewRegistryLookup {
            id,
            looked_up_at: now,
            month: vietnam_month(now),
            requested_by,
            requester_kind: kind.to_owned(),
            agency_code: lookup.agency.to_owned(),
            dossier_code: lookup.dossier_code.map(str::to_owned),
            purpose: lookup.purpose.as_str().to_owned(),
            result: answer.log_result().to_owned(),
            latency_ms: i64::try_from(latency.as_millis()).unwrap_or(i64::MAX),
            personal_id_hash: registry.personal_id_hash(lookup.personal_id),
            personal_id_masked: masked(lookup.personal_id),
        })
        .await?;
    tracing::info!(
        lookup = %id,
        purpose = lookup.purpose.as_str(),
        result = answer.log_result(),
        latency_ms = latency.as_millis() as u64,
        "population look-up"
    );
    Ok((id, answer))
}

/// Whether a paper is spared a verified applicant (Decree 104/2022/NĐ-CP: household books and
/// residence confirmations are no longer asked for where the population database proves them).
pub fn spared(component: &domain::catalogue::Component, verified: bool) -> bool {
    verified && component.waived_if_population_verified
}

pub use storage::registry_lookups::StoredRegistryLookup;

/// A population look-up as the log recorded it (who asked, for which unit and number, and what
/// came back), for a form that claims one.
pub async fn recorded_lookup(
    db: &storage::Db,
    id: uuid::Uuid,
) -> Result<Option<StoredRegistryLookup>, crate::ServiceError> {
    Ok(db.registry_lookup(id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Never;

    impl PopulationRegistry for Never {
        fn look_up<'a>(
            &'a self,
            _: &'a LookupQuery,
        ) -> integrations::registry::BoxFuture<'a, Result<LookupOutcome, RegistryError>> {
            Box::pin(async { Ok(LookupOutcome::NotFound) })
        }
    }

    #[test]
    fn the_log_shows_the_number_masked_and_hashed_under_the_key() {
        let id = PersonalId::parse("001085012345").expect("valid");
        assert_eq!(masked(&id), "0010******45");
        let a = Registry::new(Arc::new(Never), b"key-a-0123456789".to_vec());
        let b = Registry::new(Arc::new(Never), b"key-b-0123456789".to_vec());
        assert_eq!(a.personal_id_hash(&id).len(), 32);
        assert_eq!(a.personal_id_hash(&id), a.personal_id_hash(&id));
        assert_ne!(a.personal_id_hash(&id), b.personal_id_hash(&id));
        assert!(!format!("{a:?}").contains("key-a"));
    }
}
