//! Stores dossiers as append-only, hash-chained event logs with a projection of their current
//! state, written in one transaction with their outbox entries and idempotency record, so a
//! crash never leaves an event without its state, or a retried request with a second dossier.
//!
//! Each dossier has a chain of its own (event `n` hashes event `n-1`), so unrelated dossiers never
//! wait for each other; periodic checkpoints hash the heads of every chain, so deleting a whole
//! dossier is detectable too (DESIGN §4).
//!
//! The repository is split by concept: `chain` hashes events into each dossier's chain,
//! `idempotency` claims and replays request keys, `write` creates dossiers and appends events,
//! `projection` reads a dossier and its log back, `timeliness` fills in the columns migration
//! 0016 added for rows older than it, and `group_commit` with `batch_rows` lets
//! concurrent creations share one transaction and one commit. This file holds the types they
//! share; every public item is reachable as `storage::dossier::…`.

mod batch_rows;
mod chain;
pub(crate) mod group_commit;
mod idempotency;
mod projection;
mod timeliness;
mod write;

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::StorageError;

pub use chain::event_hash;
pub(crate) use chain::{genesis, to_micros};
pub use idempotency::{Idempotency, IdempotentResponse};
pub(crate) use projection::{DOSSIER_COLUMNS, DossierRow, dossier_from_row};
pub use timeliness::UnrecordedTimeliness;
pub use write::{Append, BuildFn, BuildRefusal, Built, Creation};

/// The columns of the projection that lists and inboxes filter and sort on. The full state is
/// kept as JSON beside them; the domain decides what both contain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierIndex {
    /// Status, as the domain names it.
    pub status: String,
    /// Agency now holding the dossier (differs from the receiving one during a transfer).
    pub holder_agency_code: String,
    /// Officer it is assigned to.
    pub assigned_officer: Option<String>,
    /// When it was accepted.
    pub received_at: Option<OffsetDateTime>,
    /// Current due date (appointment, moved by supplement pauses).
    pub due_at: Option<OffsetDateTime>,
    /// When processing ended (result ready, stopped, refused or withdrawn).
    pub finished_at: Option<OffsetDateTime>,
    /// How many times papers were requested.
    pub supplement_count: i64,
    /// Its standing against Decision 766 indicator 2.1, as the domain records it
    /// (`domain::dossier::RecordedTimeliness::label`); `None` only for a row written before
    /// migration 0016 and not yet filled in.
    pub timeliness: Option<String>,
    /// For an open dossier, the last moment it is in time (`RecordedTimeliness::overdue_after`).
    pub overdue_after: Option<OffsetDateTime>,
}

/// An event to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// Event kind, e.g. `accepted`.
    pub kind: String,
    /// Who acted, as JSON.
    pub actor: String,
    /// What happened, as JSON.
    pub payload: String,
    /// When it happened.
    pub recorded_at: OffsetDateTime,
}

/// A message for a background worker, committed with the events that cause it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// What kind of delivery, e.g. `notify.applicant` or `dvcqg.sync`.
    pub topic: String,
    /// The message, as JSON.
    pub payload: String,
}

/// A new dossier and the events of its creation.
#[derive(Debug, Clone)]
pub struct NewDossier {
    /// Its id (UUIDv7).
    pub id: Uuid,
    /// Code of the receiving agency (prefix of the dossier code).
    pub agency_code: String,
    /// Local (Vietnam) date the code is numbered in.
    pub code_date: Date,
    /// National procedure code.
    pub procedure_code: String,
    /// `counter`, `online` or `post`.
    pub channel: String,
    /// Applicant's name, for inboxes.
    pub applicant_name: String,
    /// Applicant's contact line (phone, e-mail), for officers.
    pub applicant_contact: Option<String>,
    /// Last four digits of the applicant's phone, for public tracking.
    pub phone_last4: Option<String>,
    /// Last four digits of the applicant's personal ID, for public tracking.
    pub id_last4: Option<String>,
    /// When it was submitted.
    pub submitted_at: OffsetDateTime,
    /// The citizen account (or API client) that applied, for "my dossiers"; `None` for
    /// dossiers handed in at the counter or online without an account.
    pub applicant_account: Option<String>,
    /// Keyed hash of the applicant's personal ID (hex), so officers find a person's dossiers
    /// without decrypting anything; `None` when no number was given.
    pub personal_id_hash: Option<String>,
}

/// A dossier as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDossier {
    /// Id.
    pub id: Uuid,
    /// Dossier code.
    pub code: String,
    /// National procedure code.
    pub procedure_code: String,
    /// Receiving agency.
    pub agency_code: String,
    /// Channel.
    pub channel: String,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's contact line.
    pub applicant_contact: Option<String>,
    /// Last four digits of the applicant's phone.
    pub phone_last4: Option<String>,
    /// Last four digits of the applicant's personal ID.
    pub id_last4: Option<String>,
    /// The account that applied, if any (see [`NewDossier::applicant_account`]).
    pub applicant_account: Option<String>,
    /// Submission time.
    pub submitted_at: OffsetDateTime,
    /// Indexed projection columns.
    pub index: DossierIndex,
    /// Full projection, JSON.
    pub state: String,
    /// Number of events (the version for optimistic concurrency).
    pub event_count: i64,
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEvent {
    /// Position in the dossier's log, from 1.
    pub seq: i64,
    /// Kind.
    pub kind: String,
    /// Actor JSON.
    pub actor: String,
    /// Payload JSON.
    pub payload: String,
    /// When it happened.
    pub recorded_at: OffsetDateTime,
    /// Hash of the previous event (or of the genesis).
    pub prev_hash: Vec<u8>,
    /// This event's hash.
    pub hash: Vec<u8>,
}

/// Outcome of a write that carried an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written<T> {
    /// The write happened now.
    Done(T),
    /// The same request was seen before; here is what was answered then.
    Replayed(IdempotentResponse),
}

/// Failure of a dossier write beyond plain database errors.
#[derive(Debug, thiserror::Error)]
pub enum DossierWriteError {
    /// Someone else changed the dossier since it was read; read again and decide again.
    #[error("the dossier changed since it was read (expected version {expected})")]
    Conflict {
        /// The version the caller decided on.
        expected: i64,
    },
    /// The idempotency key was used before for a different request.
    #[error("this idempotency key was already used for a different request")]
    KeyReused,
    /// No dossier has this id.
    #[error("no such dossier")]
    NotFound,
    /// The rules refused what was to be written; nothing was.
    #[error("refused: {0}")]
    Refused(BuildRefusal),
    /// A storage failure.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for DossierWriteError {
    fn from(e: sqlx::Error) -> Self {
        DossierWriteError::Storage(e.into())
    }
}
