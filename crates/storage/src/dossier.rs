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
use crate::batch_rows::CreationRows;
use crate::db::{Db, Tx, exec_tx, on_db, on_tx};
use crate::group_commit::{Turn, Undo};
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
    /// Claims an idempotency key for this transaction, or returns the answer recorded for it.
    ///
    /// The claim is an insert. Two creations with the same key meet in the same batch, where
    /// the second sees the first's claim and replays its answer, or in successive batches; an
    /// append on PostgreSQL with a key still being claimed elsewhere waits on the unique index
    /// until that commits, then replays (or claims the key if it rolled back). Checking first and
    /// inserting at the end would let both requests pass the check and the second fail on the key.
    pub(crate) async fn claim_idempotency(
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

    /// Deletes a claim made by [`Tx::claim_idempotency`] in this transaction whose creation was
    /// not kept, so a retry with the key is carried out instead of replaying an empty answer. A
    /// claim still without its answer (status 0) can only be this transaction's own: every
    /// committed claim has its answer.
    pub(crate) async fn withdraw_idempotency_claim(
        &mut self,
        idem: &Idempotency,
    ) -> Result<(), StorageError> {
        exec_tx!(self, |c| {
            sqlx::query(
                "delete from idempotency_record \
                 where scope = $1 and key = $2 and response_status = 0",
            )
            .bind(&idem.scope)
            .bind(&idem.key)
            .execute(c)
            .await
        })?;
        Ok(())
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
#[derive(Debug)]
pub(crate) struct ChainLink {
    pub(crate) seq: i64,
    pub(crate) recorded_at: OffsetDateTime,
    pub(crate) prev: Vec<u8>,
    pub(crate) hash: Vec<u8>,
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

/// One dossier creation in its batch's turn: claims the idempotency key (or replays its answer),
/// takes the agency's next number, builds the dossier for its code and leaves its rows with the
/// batch, which writes them just before its commit ([`crate::batch_rows`]). A refusal leaves
/// nothing: its claim is rolled back with its savepoint and its number is not taken.
async fn create_in_turn(
    turn: &mut Turn,
    new: &NewDossier,
    creation: &Creation<'_>,
) -> Result<Written<StoredDossier>, DossierWriteError> {
    if let Some(idem) = creation.idempotency {
        if let Some((first, answer)) = turn.rows().answer_for(idem) {
            if first.request_hash != idem.request_hash {
                return Err(DossierWriteError::KeyReused);
            }
            return Ok(Written::Replayed(answer.clone()));
        }
        if let Some(previous) = turn.claim_idempotency(idem).await? {
            return Ok(Written::Replayed(previous));
        }
    }
    let day = new.code_date;
    let number = match turn.rows().last_number(&new.agency_code, day) {
        Some(last) => last + 1,
        None => {
            let (last, agency_exists) = turn.tx().code_counter(&new.agency_code, day).await?;
            if !agency_exists {
                return Err(unknown_agency(&new.agency_code).into());
            }
            last + 1
        }
    };
    let code = (creation.make_code)(number);
    let built = (creation.build)(&code).map_err(DossierWriteError::Refused)?;
    let holder = &built.index.holder_agency_code;
    if *holder != new.agency_code && !turn.tx().agency_exists(holder).await? {
        return Err(unknown_agency(holder).into());
    }
    if let Some(draft) = creation.from_draft {
        turn.tx()
            .mark_draft_submitted(draft, &code, new.submitted_at)
            .await?;
    }
    let (links, head) = chain(new.id, 1, genesis(new.id), &built.events);
    let dossier = StoredDossier {
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
    };
    turn.leave_rows(CreationRows {
        dossier: dossier.clone(),
        personal_id_hash: new.personal_id_hash.clone(),
        head,
        events: built.events.into_iter().zip(links).collect(),
        papers: built.papers,
        outbox: built.outbox,
        answer: creation.idempotency.cloned().zip(built.answer),
        counter: (new.agency_code.clone(), day, number),
    });
    Ok(Written::Done(dossier))
}

/// A dossier for an agency the reference data does not hold: written at the commit, it would fail
/// the whole batch on the foreign key, so it fails alone, as it did when each creation wrote its
/// own rows.
fn unknown_agency(code: &str) -> StorageError {
    StorageError::InvalidReferenceData(vec![format!("no agency {code} to file a dossier with")])
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
        // A creation from a draft also marks the draft during its turn; any other writes only
        // its idempotency claim there (its rows wait in the batch), which it can delete again.
        let undo = if creation.from_draft.is_some() {
            Undo::Savepoint
        } else {
            Undo::DeleteClaim
        };
        let mut turn = member.begin(self, undo).await?;
        let written = create_in_turn(&mut turn, new, &creation).await;
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
