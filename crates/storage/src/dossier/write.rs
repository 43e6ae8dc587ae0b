//! Writing dossiers: a creation takes its agency's next number and writes its first events in a
//! group-commit turn; an append writes further events against the version it read (a conflict if
//! someone wrote in between). Either way the projection, the outbox messages and the idempotency
//! answer are written in the same transaction as the events.

use time::OffsetDateTime;
use uuid::Uuid;

use super::batch_rows::CreationRows;
use super::chain::{chain, genesis, to_micros};
use super::group_commit::{Turn, Undo};
use super::{
    DossierIndex, DossierWriteError, Idempotency, IdempotentResponse, NewDossier, NewEvent,
    OutboxMessage, StoredDossier, Written,
};
use crate::StorageError;
use crate::db::{Db, Tx, exec_tx, on_tx};
use crate::papers::NewDossierPaper;
use crate::payments::NewPayment;

/// One dossier creation in its batch's turn: claims the idempotency key (or replays its answer),
/// takes the agency's next number, builds the dossier for its code and leaves its rows with the
/// batch, which writes them just before its commit ([`super::batch_rows`]). A refusal leaves
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
pub type BuildFn<'a> = dyn Fn(&str) -> Result<Built, BuildRefusal> + Sync + 'a;

/// Why the rules refused to build a dossier for its code: the refusal's stable code (as
/// `domain::dossier::Refusal::code` names it) and its message, carried through the write
/// untouched, so the caller answers with the rule that refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BuildRefusal {
    /// Stable code, for translation.
    pub code: &'static str,
    /// What the rule says.
    pub message: String,
}

impl From<&str> for BuildRefusal {
    /// A refusal with no code of its own.
    fn from(message: &str) -> Self {
        BuildRefusal {
            code: "refused",
            message: message.to_owned(),
        }
    }
}

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
    /// Payments these events record (fees taken at the counter), written to the ledger in the
    /// same transaction, so the payment report counts exactly the fees the dossiers record.
    pub payments: &'a [NewPayment],
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
            payments,
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
                   head_hash = $9, updated_at = $10, timeliness = $11, overdue_after = $12 \
                 where id = $13",
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
            .bind(&index.timeliness)
            .bind(index.overdue_after.map(to_micros))
            .bind(dossier_id)
            .execute(c)
            .await
        })?;
        let added_at = events
            .last()
            .map_or_else(OffsetDateTime::now_utc, |e| e.recorded_at);
        tx.insert_papers(dossier_id, papers, added_at).await?;
        tx.insert_payments(payments, OffsetDateTime::now_utc())
            .await?;
        tx.enqueue(dossier_id, outbox).await?;
        if let Some((idem, answer)) = idempotency {
            tx.record_idempotency(idem, answer).await?;
        }
        tx.commit().await?;
        Ok(Written::Done(count))
    }
}

impl Tx {
    /// Queues messages for background workers in the transaction that causes them.
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
