//! Stores dossiers as append-only, hash-chained event logs with a projection of their current
//! state, written in one transaction with their outbox entries and idempotency record, so a
//! crash never leaves an event without its state, or a retried request with a second dossier.
//!
//! Each dossier has a chain of its own (event `n` hashes event `n-1`), so unrelated dossiers never
//! wait for each other; periodic checkpoints hash the heads of every chain, so deleting a whole
//! dossier is detectable too (DESIGN §4).

use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::StorageError;
use crate::db::{Db, Tx, exec_tx, on_db, on_tx};
use crate::papers::NewDossierPaper;

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

/// The answer recorded for an idempotency key, replayed when the same request comes again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentResponse {
    /// HTTP status.
    pub status: u16,
    /// Body, usually JSON.
    pub body: String,
}

/// A request carrying an idempotency key (an `Idempotency-Key` header, or a token in a form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    /// Who the key belongs to (a client, a session, a form), so two clients never collide.
    pub scope: String,
    /// The key as sent.
    pub key: String,
    /// SHA-256 of the request, so the same key with a different request is refused.
    pub request_hash: Vec<u8>,
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
    Refused(String),
    /// A storage failure.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for DossierWriteError {
    fn from(e: sqlx::Error) -> Self {
        DossierWriteError::Storage(e.into())
    }
}

/// PostgreSQL keeps microseconds; hashing nanoseconds would make every chain fail to verify
/// after a round trip, so times are truncated before they are hashed or stored.
pub(crate) fn to_micros(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .unwrap_or(t)
}

/// The hash every dossier's chain starts from, tied to its id.
pub(crate) fn genesis(dossier_id: Uuid) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(b"motcua/dossier/");
    h.update(dossier_id.as_bytes());
    h.finalize().to_vec()
}

fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// The hash of one event: every field, length-prefixed, after the previous hash.
pub fn event_hash(
    dossier_id: Uuid,
    seq: i64,
    kind: &str,
    actor: &str,
    payload: &str,
    recorded_at: OffsetDateTime,
    prev_hash: &[u8],
) -> Vec<u8> {
    let mut h = Sha256::new();
    field(&mut h, prev_hash);
    field(&mut h, dossier_id.as_bytes());
    h.update(seq.to_be_bytes());
    field(&mut h, kind.as_bytes());
    field(&mut h, actor.as_bytes());
    field(&mut h, payload.as_bytes());
    h.update(to_micros(recorded_at).unix_timestamp_nanos().to_be_bytes());
    h.finalize().to_vec()
}

impl Tx {
    /// The statements of one dossier creation, in whatever transaction the caller holds.
    async fn create_dossier(
        &mut self,
        new: &NewDossier,
        creation: &Creation<'_>,
    ) -> Result<Written<StoredDossier>, DossierWriteError> {
        if let Some(idem) = creation.idempotency
            && let Some(previous) = self.claim_idempotency(idem).await?
        {
            return Ok(Written::Replayed(previous));
        }
        let number = self
            .next_code_number(&new.agency_code, new.code_date)
            .await?;
        let code = (creation.make_code)(number);
        let built = (creation.build)(&code).map_err(DossierWriteError::Refused)?;
        self.append_new(new, &code, &built.index, &built.state, &built.events)
            .await?;
        self.insert_papers_from(new.id, 1, &built.papers, new.submitted_at)
            .await?;
        if let Some(draft) = creation.from_draft {
            self.mark_draft_submitted(draft, &code, new.submitted_at)
                .await?;
        }
        self.enqueue(new.id, &built.outbox).await?;
        if let (Some(idem), Some(answer)) = (creation.idempotency, &built.answer) {
            self.record_idempotency(idem, answer).await?;
        }
        Ok(Written::Done(StoredDossier {
            id: new.id,
            code,
            procedure_code: new.procedure_code.clone(),
            agency_code: new.agency_code.clone(),
            channel: new.channel.clone(),
            applicant_name: new.applicant_name.clone(),
            applicant_contact: new.applicant_contact.clone(),
            phone_last4: new.phone_last4.clone(),
            id_last4: new.id_last4.clone(),
            applicant_account: new.applicant_account.clone(),
            submitted_at: to_micros(new.submitted_at),
            event_count: i64::try_from(built.events.len()).unwrap_or(i64::MAX),
            index: built.index,
            state: built.state,
        }))
    }

    /// Claims an idempotency key for this transaction, or returns the answer recorded for it.
    ///
    /// The claim is an insert. Two creations with the same key meet in the same batch, where
    /// the second sees the first's claim and replays its answer, or in successive batches; an
    /// append on PostgreSQL with a key still being claimed elsewhere waits on the unique index
    /// until that commits, then replays (or claims the key if it rolled back). Checking first and
    /// inserting at the end would let both requests pass the check and the second fail on the key.
    async fn claim_idempotency(
        &mut self,
        idem: &Idempotency,
    ) -> Result<Option<IdempotentResponse>, DossierWriteError> {
        let claimed = exec_tx!(self, |c| {
            sqlx::query(
                "insert into idempotency_record (scope, key, request_hash, response_status, response_body, created_at) \
                 values ($1, $2, $3, 0, '', $4) on conflict (scope, key) do nothing",
            )
            .bind(&idem.scope)
            .bind(&idem.key)
            .bind(&idem.request_hash)
            .bind(OffsetDateTime::now_utc())
            .execute(c)
            .await
        })?;
        if claimed == 1 {
            return Ok(None);
        }
        let (hash, status, body): (Vec<u8>, i64, String) = on_tx!(self, |c| {
            sqlx::query_as(
                "select request_hash, response_status, response_body from idempotency_record \
                 where scope = $1 and key = $2",
            )
            .bind(&idem.scope)
            .bind(&idem.key)
            .fetch_one(c)
            .await
        })?;
        if hash != idem.request_hash {
            return Err(DossierWriteError::KeyReused);
        }
        Ok(Some(IdempotentResponse {
            status: u16::try_from(status).unwrap_or(500),
            body,
        }))
    }

    /// Records the answer for a key claimed by [`Tx::claim_idempotency`] in this transaction.
    async fn record_idempotency(
        &mut self,
        idem: &Idempotency,
        response: &IdempotentResponse,
    ) -> Result<(), StorageError> {
        exec_tx!(self, |c| {
            sqlx::query(
                "update idempotency_record set response_status = $1, response_body = $2 \
                 where scope = $3 and key = $4",
            )
            .bind(i64::from(response.status))
            .bind(&response.body)
            .bind(&idem.scope)
            .bind(&idem.key)
            .execute(c)
            .await
        })?;
        Ok(())
    }

    /// Takes the next number of an agency's daily counter; the row lock makes concurrent
    /// submissions to the same agency on the same day take distinct numbers.
    async fn next_code_number(
        &mut self,
        agency_code: &str,
        day: Date,
    ) -> Result<i64, StorageError> {
        let (value,): (i64,) = on_tx!(self, |c| {
            sqlx::query_as(
                "insert into dossier_code_counter (agency_code, day, last_value) values ($1, $2, 1) \
                 on conflict (agency_code, day) do update set last_value = dossier_code_counter.last_value + 1 \
                 returning last_value",
            )
            .bind(agency_code)
            .bind(day)
            .fetch_one(c)
            .await
        })?;
        Ok(value)
    }

    async fn append(
        &mut self,
        dossier_id: Uuid,
        first_seq: i64,
        prev_hash: Vec<u8>,
        events: &[NewEvent],
    ) -> Result<Vec<u8>, StorageError> {
        let (chained, head) = chain(dossier_id, first_seq, prev_hash, events);
        self.insert_events(dossier_id, events, &chained).await?;
        Ok(head)
    }

    /// Inserts chained events in one statement: a submission's transaction is a row of round
    /// trips to the one writer, and each saved one is throughput (docs/PERFORMANCE.md).
    async fn insert_events(
        &mut self,
        dossier_id: Uuid,
        events: &[NewEvent],
        chained: &[ChainLink],
    ) -> Result<(), StorageError> {
        if events.is_empty() {
            return Ok(());
        }
        exec_tx!(self, |c| {
            let mut insert = sqlx::QueryBuilder::new(
                "insert into dossier_event (dossier_id, seq, kind, actor, payload, recorded_at, prev_hash, hash) ",
            );
            insert.push_values(events.iter().zip(chained), |mut row, (e, link)| {
                row.push_bind(dossier_id)
                    .push_bind(link.seq)
                    .push_bind(&e.kind)
                    .push_bind(&e.actor)
                    .push_bind(&e.payload)
                    .push_bind(link.recorded_at)
                    .push_bind(&link.prev)
                    .push_bind(&link.hash);
            });
            insert.build().execute(c).await
        })?;
        Ok(())
    }

    async fn enqueue(
        &mut self,
        dossier_id: Uuid,
        messages: &[OutboxMessage],
    ) -> Result<(), StorageError> {
        if messages.is_empty() {
            return Ok(());
        }
        let now = OffsetDateTime::now_utc();
        exec_tx!(self, |c| {
            let mut insert = sqlx::QueryBuilder::new(
                "insert into outbox (id, topic, dossier_id, payload, created_at, available_at, attempts, delivered_at) ",
            );
            insert.push_values(messages, |mut row, m| {
                row.push_bind(Uuid::now_v7())
                    .push_bind(&m.topic)
                    .push_bind(dossier_id)
                    .push_bind(&m.payload)
                    .push_bind(now)
                    .push_bind(now)
                    .push_bind(0_i64)
                    .push_bind(None::<OffsetDateTime>);
            });
            insert.build().execute(c).await
        })?;
        Ok(())
    }
}

/// One event's place in its dossier's hash chain.
struct ChainLink {
    seq: i64,
    recorded_at: OffsetDateTime,
    prev: Vec<u8>,
    hash: Vec<u8>,
}

/// Chains events after `prev_hash` from `first_seq`; returns the links and the new head.
fn chain(
    dossier_id: Uuid,
    first_seq: i64,
    prev_hash: Vec<u8>,
    events: &[NewEvent],
) -> (Vec<ChainLink>, Vec<u8>) {
    let mut prev = prev_hash;
    let mut links = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        let seq = first_seq + i64::try_from(i).unwrap_or(i64::MAX);
        let recorded_at = to_micros(e.recorded_at);
        let hash = event_hash(
            dossier_id,
            seq,
            &e.kind,
            &e.actor,
            &e.payload,
            recorded_at,
            &prev,
        );
        links.push(ChainLink {
            seq,
            recorded_at,
            prev: std::mem::replace(&mut prev, hash.clone()),
            hash,
        });
    }
    (links, prev)
}

/// What a new dossier's creation writes, built once its code is allotted inside the transaction
/// (events and state mention the code).
#[derive(Debug, Clone)]
pub struct Built {
    /// Events of the creation (e.g. `submitted`, or `submitted` + `accepted` at a counter).
    pub events: Vec<NewEvent>,
    /// Indexed projection columns.
    pub index: DossierIndex,
    /// Full projection, JSON.
    pub state: String,
    /// Messages for workers.
    pub outbox: Vec<OutboxMessage>,
    /// The answer to record for the idempotency key, if the request carried one.
    pub answer: Option<IdempotentResponse>,
    /// Papers handed in with the application, attached in the same transaction.
    pub papers: Vec<NewDossierPaper>,
}

/// Turns an allotted dossier code into what to write, or refuses with a reason.
pub type BuildFn<'a> = dyn Fn(&str) -> Result<Built, String> + Sync + 'a;

/// What [`Db::create_dossier`] needs besides the dossier.
pub struct Creation<'a> {
    /// Builds the dossier code from the agency's daily counter value.
    pub make_code: &'a (dyn Fn(i64) -> String + Sync),
    /// Builds the events and projection for that code.
    pub build: &'a BuildFn<'a>,
    /// Idempotency key of the request, if any.
    pub idempotency: Option<&'a Idempotency>,
    /// The online application draft the dossier comes from, marked submitted in the same
    /// transaction, so a crash can never leave a dossier whose draft still offers to submit.
    pub from_draft: Option<Uuid>,
}

/// What [`Db::append_events`] writes besides the events' dossier and version.
pub struct Append<'a> {
    /// The events, in order.
    pub events: &'a [NewEvent],
    /// The projection's indexed columns after the events.
    pub index: &'a DossierIndex,
    /// The full projection after the events, JSON.
    pub state: &'a str,
    /// Messages for workers.
    pub outbox: &'a [OutboxMessage],
    /// Idempotency key and the answer to record for it.
    pub idempotency: Option<(&'a Idempotency, &'a IdempotentResponse)>,
    /// Papers handed in with these events (a supplement), attached in the same transaction.
    pub papers: &'a [NewDossierPaper],
}

#[derive(sqlx::FromRow)]
pub(crate) struct DossierRow {
    id: Uuid,
    code: String,
    procedure_code: String,
    agency_code: String,
    channel: String,
    applicant_name: String,
    applicant_contact: Option<String>,
    applicant_phone_last4: Option<String>,
    applicant_id_last4: Option<String>,
    applicant_account: Option<String>,
    submitted_at: OffsetDateTime,
    status: String,
    holder_agency_code: String,
    assigned_officer: Option<String>,
    received_at: Option<OffsetDateTime>,
    due_at: Option<OffsetDateTime>,
    finished_at: Option<OffsetDateTime>,
    supplement_count: i64,
    state: String,
    event_count: i64,
}

pub(crate) const DOSSIER_COLUMNS: &str = "id, code, procedure_code, agency_code, channel, applicant_name, \
     applicant_contact, applicant_phone_last4, applicant_id_last4, applicant_account, submitted_at, status, holder_agency_code, assigned_officer, received_at, \
     due_at, finished_at, supplement_count, state, event_count";

pub(crate) fn dossier_from_row(r: DossierRow) -> StoredDossier {
    StoredDossier {
        id: r.id,
        code: r.code,
        procedure_code: r.procedure_code,
        agency_code: r.agency_code,
        channel: r.channel,
        applicant_name: r.applicant_name,
        applicant_contact: r.applicant_contact,
        phone_last4: r.applicant_phone_last4,
        id_last4: r.applicant_id_last4,
        applicant_account: r.applicant_account,
        submitted_at: r.submitted_at,
        index: DossierIndex {
            status: r.status,
            holder_agency_code: r.holder_agency_code,
            assigned_officer: r.assigned_officer,
            received_at: r.received_at,
            due_at: r.due_at,
            finished_at: r.finished_at,
            supplement_count: r.supplement_count,
        },
        state: r.state,
        event_count: r.event_count,
    }
}

impl Db {
    /// Creates a dossier with its code, first events, projection and outbox entries in one
    /// transaction. With an idempotency key seen before, nothing is written and the first
    /// answer is returned.
    pub async fn create_dossier(
        &self,
        new: &NewDossier,
        creation: Creation<'_>,
    ) -> Result<Written<StoredDossier>, DossierWriteError> {
        // Concurrent creations share one transaction and one commit (see `group_commit`); this
        // one is answered only once that commit is durable.
        let mut member = self.group_commit().join(self);
        let mut turn = member.begin(self).await?;
        let written = turn.tx().create_dossier(new, &creation).await;
        turn.end(matches!(written, Ok(Written::Done(_)))).await?;
        member.finish();
        let written = written?;
        member.committed().await?;
        Ok(written)
    }

    /// Appends events to a dossier read at version `expected_count`, replacing its projection,
    /// in one transaction with the outbox entries. Fails with `Conflict` when someone else wrote
    /// in between, and replays the first answer for a repeated idempotency key.
    pub async fn append_events(
        &self,
        dossier_id: Uuid,
        expected_count: i64,
        append: Append<'_>,
    ) -> Result<Written<i64>, DossierWriteError> {
        let Append {
            events,
            index,
            state,
            outbox,
            idempotency,
            papers,
        } = append;
        let mut tx = self.begin().await?;
        if let Some((idem, _)) = idempotency
            && let Some(previous) = tx.claim_idempotency(idem).await?
        {
            return Ok(Written::Replayed(previous));
        }
        let count = expected_count + i64::try_from(events.len()).unwrap_or(i64::MAX);
        // The guarded update comes first: on PostgreSQL it locks the row, so a concurrent writer
        // of the same version waits here, then finds the version moved and reports a conflict,
        // instead of colliding later on the event's primary key.
        let claimed = exec_tx!(&mut tx, |c| {
            sqlx::query("update dossier set event_count = $1 where id = $2 and event_count = $3")
                .bind(count)
                .bind(dossier_id)
                .bind(expected_count)
                .execute(c)
                .await
        })?;
        if claimed != 1 {
            let exists: Option<(i64,)> = on_tx!(&mut tx, |c| {
                sqlx::query_as("select event_count from dossier where id = $1")
                    .bind(dossier_id)
                    .fetch_optional(c)
                    .await
            })?;
            return Err(match exists {
                None => DossierWriteError::NotFound,
                Some(_) => DossierWriteError::Conflict {
                    expected: expected_count,
                },
            });
        }
        let (head,): (Vec<u8>,) = on_tx!(&mut tx, |c| {
            sqlx::query_as("select head_hash from dossier where id = $1")
                .bind(dossier_id)
                .fetch_one(c)
                .await
        })?;
        let new_head = tx
            .append(dossier_id, expected_count + 1, head, events)
            .await?;
        exec_tx!(&mut tx, |c| {
            sqlx::query(
                "update dossier set status = $1, holder_agency_code = $2, assigned_officer = $3, \
                   received_at = $4, due_at = $5, finished_at = $6, supplement_count = $7, state = $8, \
                   head_hash = $9, updated_at = $10 \
                 where id = $11",
            )
            .bind(&index.status)
            .bind(&index.holder_agency_code)
            .bind(&index.assigned_officer)
            .bind(index.received_at.map(to_micros))
            .bind(index.due_at.map(to_micros))
            .bind(index.finished_at.map(to_micros))
            .bind(index.supplement_count)
            .bind(state)
            .bind(&new_head)
            .bind(OffsetDateTime::now_utc())
            .bind(dossier_id)
            .execute(c)
            .await
        })?;
        let added_at = events
            .last()
            .map_or_else(OffsetDateTime::now_utc, |e| e.recorded_at);
        tx.insert_papers(dossier_id, papers, added_at).await?;
        tx.enqueue(dossier_id, outbox).await?;
        if let Some((idem, answer)) = idempotency {
            tx.record_idempotency(idem, answer).await?;
        }
        tx.commit().await?;
        Ok(Written::Done(count))
    }

    /// The answer recorded for an idempotency key, if a committed request used it. Lets a
    /// retried action be answered before its rules are checked again against a state it has
    /// itself already changed.
    pub async fn idempotent_answer(
        &self,
        idem: &Idempotency,
    ) -> Result<Option<IdempotentResponse>, DossierWriteError> {
        let row: Option<(Vec<u8>, i64, String)> = on_db!(self, |pool| {
            sqlx::query_as(
                "select request_hash, response_status, response_body from idempotency_record \
                 where scope = $1 and key = $2",
            )
            .bind(&idem.scope)
            .bind(&idem.key)
            .fetch_optional(pool)
            .await
        })?;
        match row {
            None => Ok(None),
            Some((hash, _, _)) if hash != idem.request_hash => Err(DossierWriteError::KeyReused),
            Some((_, status, body)) => Ok(Some(IdempotentResponse {
                status: u16::try_from(status).unwrap_or(500),
                body,
            })),
        }
    }

    /// The dossier with this code.
    pub async fn dossier_by_code(&self, code: &str) -> Result<Option<StoredDossier>, StorageError> {
        let sql = format!("select {DOSSIER_COLUMNS} from dossier where code = $1");
        let row: Option<DossierRow> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(code)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(dossier_from_row))
    }

    /// The dossier with this id.
    pub async fn dossier_by_id(&self, id: Uuid) -> Result<Option<StoredDossier>, StorageError> {
        let sql = format!("select {DOSSIER_COLUMNS} from dossier where id = $1");
        let row: Option<DossierRow> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(dossier_from_row))
    }

    /// The dossier's events in order.
    pub async fn dossier_events(&self, id: Uuid) -> Result<Vec<StoredEvent>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select seq, kind, actor, payload, recorded_at, prev_hash, hash from dossier_event \
                 where dossier_id = $1 order by seq",
            )
            .bind(id)
            .fetch_all(pool)
            .await
        })?)
    }
}

impl Tx {
    async fn append_new(
        &mut self,
        new: &NewDossier,
        code: &str,
        index: &DossierIndex,
        state: &str,
        events: &[NewEvent],
    ) -> Result<(), StorageError> {
        let now = OffsetDateTime::now_utc();
        // The chain is computed first, so the row is written once with its final head and count
        // (events reference the row, so it goes in before them).
        let (chained, head) = chain(new.id, 1, genesis(new.id), events);
        let count = i64::try_from(events.len()).unwrap_or(i64::MAX);
        exec_tx!(self, |c| {
            sqlx::query(
                "insert into dossier (id, code, procedure_code, agency_code, holder_agency_code, assigned_officer, \
                   channel, status, applicant_name, applicant_contact, submitted_at, received_at, due_at, \
                   finished_at, supplement_count, state, event_count, head_hash, created_at, updated_at, \
                   applicant_phone_last4, applicant_id_last4, applicant_account, applicant_personal_id_hash) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $23, $17, $18, $18, $19, $20, $21, $22)",
            )
            .bind(new.id)
            .bind(code)
            .bind(&new.procedure_code)
            .bind(&new.agency_code)
            .bind(&index.holder_agency_code)
            .bind(&index.assigned_officer)
            .bind(&new.channel)
            .bind(&index.status)
            .bind(&new.applicant_name)
            .bind(&new.applicant_contact)
            .bind(to_micros(new.submitted_at))
            .bind(index.received_at.map(to_micros))
            .bind(index.due_at.map(to_micros))
            .bind(index.finished_at.map(to_micros))
            .bind(index.supplement_count)
            .bind(state)
            .bind(&head)
            .bind(now)
            .bind(&new.phone_last4)
            .bind(&new.id_last4)
            .bind(&new.applicant_account)
            .bind(&new.personal_id_hash)
            .bind(count)
            .execute(c)
            .await
        })?;
        self.insert_events(new.id, events, &chained).await?;
        Ok(())
    }
}
