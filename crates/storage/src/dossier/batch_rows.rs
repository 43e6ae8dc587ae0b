//! The rows of a group-commit batch's dossier creations. Each creation decides in its own turn
//! (claims its idempotency key, takes its number, builds its dossier) and leaves its rows here;
//! the committer writes them all, one multi-row statement per table, just before the commit. A
//! creation then costs the writer two to four statements instead of ten, which is what bounded
//! submissions once commits were shared (docs/PERFORMANCE.md), and its rows are written only if
//! its turn ended kept.

use std::collections::HashMap;

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::chain::{ChainLink, to_micros};
use super::{Idempotency, IdempotentResponse, NewEvent, OutboxMessage, StoredDossier};
use crate::StorageError;
use crate::db::{Tx, exec_tx, on_tx};
use crate::papers::NewDossierPaper;

/// What one kept creation writes.
#[derive(Debug)]
pub(crate) struct CreationRows {
    pub(crate) dossier: StoredDossier,
    pub(crate) personal_id_hash: Option<String>,
    pub(crate) head: Vec<u8>,
    pub(crate) events: Vec<(NewEvent, ChainLink)>,
    pub(crate) papers: Vec<NewDossierPaper>,
    pub(crate) outbox: Vec<OutboxMessage>,
    pub(crate) answer: Option<(Idempotency, IdempotentResponse)>,
    /// The agency's daily counter and the number this dossier took from it.
    pub(crate) counter: (String, Date, i64),
}

/// The rows of a batch's kept creations, and the numbers they took.
#[derive(Debug, Default)]
pub(crate) struct BatchRows {
    creations: Vec<CreationRows>,
    /// The last number taken per agency and day in this batch. Batches follow one another (one
    /// SQLite writer; on PostgreSQL an advisory lock held from each batch's first statement), and
    /// nothing else numbers dossiers, so the counter read once by a batch stays its own until its
    /// commit.
    counters: HashMap<(String, Date), i64>,
}

impl BatchRows {
    /// Keeps a creation whose turn ended kept.
    pub(crate) fn keep(&mut self, rows: CreationRows) {
        let (agency, day, number) = rows.counter.clone();
        self.counters.insert((agency, day), number);
        self.creations.push(rows);
    }

    /// The last number this batch took from an agency's counter for a day, if it took any.
    pub(crate) fn last_number(&self, agency: &str, day: Date) -> Option<i64> {
        self.counters.get(&(agency.to_owned(), day)).copied()
    }

    /// The answer an earlier creation of this batch recorded for a key, which the database does
    /// not hold yet: a retry that meets its first request in the same batch replays it.
    pub(crate) fn answer_for(
        &self,
        idem: &Idempotency,
    ) -> Option<&(Idempotency, IdempotentResponse)> {
        self.creations
            .iter()
            .filter_map(|c| c.answer.as_ref())
            .find(|(kept, _)| kept.scope == idem.scope && kept.key == idem.key)
    }

    /// How many creations the batch keeps.
    pub(crate) fn len(&self) -> usize {
        self.creations.len()
    }
}

impl Tx {
    /// The last number of an agency's counter for a day (0 when none was taken), and whether the
    /// agency exists: its dossiers are written only at the commit, where a missing agency would
    /// fail the whole batch, so a creation for an unknown agency is refused in its own turn.
    pub(crate) async fn code_counter(
        &mut self,
        agency_code: &str,
        day: Date,
    ) -> Result<(i64, bool), StorageError> {
        let (last, agencies): (Option<i64>, i64) = on_tx!(self, |c| {
            sqlx::query_as(
                "select (select last_value from dossier_code_counter where agency_code = $1 and day = $2), \
                        (select count(*) from agency where code = $1)",
            )
            .bind(agency_code)
            .bind(day)
            .fetch_one(c)
            .await
        })?;
        Ok((last.unwrap_or(0), agencies > 0))
    }

    /// Whether an agency exists (a dossier held by another agency than the receiving one).
    pub(crate) async fn agency_exists(&mut self, agency_code: &str) -> Result<bool, StorageError> {
        let (agencies,): (i64,) = on_tx!(self, |c| {
            sqlx::query_as("select count(*) from agency where code = $1")
                .bind(agency_code)
                .fetch_one(c)
                .await
        })?;
        Ok(agencies > 0)
    }

    /// Writes a batch's rows: dossiers, then what references them, then the counters and the
    /// idempotency answers. The dossier and event statements are split in chunks so that no
    /// statement binds more parameters than SQLite allows.
    pub(crate) async fn write_batch_rows(&mut self, rows: &BatchRows) -> Result<(), StorageError> {
        if rows.creations.is_empty() {
            return Ok(());
        }
        let now = OffsetDateTime::now_utc();
        for chunk in rows.creations.chunks(CHUNK) {
            self.insert_dossiers(chunk, now).await?;
        }
        let events: Vec<(Uuid, &NewEvent, &ChainLink)> = rows
            .creations
            .iter()
            .flat_map(|c| c.events.iter().map(|(e, l)| (c.dossier.id, e, l)))
            .collect();
        for chunk in events.chunks(CHUNK) {
            exec_tx!(self, |c| {
                let mut insert = sqlx::QueryBuilder::new(
                    "insert into dossier_event (dossier_id, seq, kind, actor, payload, recorded_at, prev_hash, hash) ",
                );
                insert.push_values(chunk, |mut row, (id, e, link)| {
                    row.push_bind(*id)
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
        }
        let papers: Vec<(Uuid, OffsetDateTime, &NewDossierPaper, i64)> = rows
            .creations
            .iter()
            .flat_map(|c| {
                c.papers
                    .iter()
                    .zip(1..)
                    .map(|(p, position)| (c.dossier.id, c.dossier.submitted_at, p, position))
            })
            .collect();
        for chunk in papers.chunks(CHUNK) {
            self.insert_new_papers(chunk).await?;
        }
        let outbox: Vec<(Uuid, &OutboxMessage)> = rows
            .creations
            .iter()
            .flat_map(|c| c.outbox.iter().map(|m| (c.dossier.id, m)))
            .collect();
        for chunk in outbox.chunks(CHUNK) {
            exec_tx!(self, |c| {
                let mut insert = sqlx::QueryBuilder::new(
                    "insert into outbox (id, topic, dossier_id, payload, created_at, available_at, attempts, delivered_at) ",
                );
                insert.push_values(chunk, |mut row, (dossier_id, m)| {
                    row.push_bind(Uuid::now_v7())
                        .push_bind(&m.topic)
                        .push_bind(*dossier_id)
                        .push_bind(&m.payload)
                        .push_bind(now)
                        .push_bind(now)
                        .push_bind(0_i64)
                        .push_bind(None::<OffsetDateTime>);
                });
                insert.build().execute(c).await
            })?;
        }
        exec_tx!(self, |c| {
            let mut upsert = sqlx::QueryBuilder::new(
                "insert into dossier_code_counter (agency_code, day, last_value) ",
            );
            upsert.push_values(&rows.counters, |mut row, ((agency, day), last)| {
                row.push_bind(agency).push_bind(*day).push_bind(*last);
            });
            // Never backwards: a counter only grows (the synthetic seed writes it the same way).
            upsert.push(
                " on conflict (agency_code, day) do update set last_value = \
                 case when excluded.last_value > dossier_code_counter.last_value \
                 then excluded.last_value else dossier_code_counter.last_value end",
            );
            upsert.build().execute(c).await
        })?;
        let answers: Vec<&(Idempotency, IdempotentResponse)> = rows
            .creations
            .iter()
            .filter_map(|c| c.answer.as_ref())
            .collect();
        for chunk in answers.chunks(CHUNK) {
            // The keys were claimed (inserted) by their creations' turns in this transaction.
            exec_tx!(self, |c| {
                let mut upsert = sqlx::QueryBuilder::new(
                    "insert into idempotency_record (scope, key, request_hash, response_status, response_body, created_at) ",
                );
                upsert.push_values(chunk, |mut row, (idem, answer)| {
                    row.push_bind(&idem.scope)
                        .push_bind(&idem.key)
                        .push_bind(&idem.request_hash)
                        .push_bind(i64::from(answer.status))
                        .push_bind(&answer.body)
                        .push_bind(now);
                });
                upsert.push(
                    " on conflict (scope, key) do update set response_status = excluded.response_status, \
                     response_body = excluded.response_body",
                );
                upsert.build().execute(c).await
            })?;
        }
        Ok(())
    }

    async fn insert_dossiers(
        &mut self,
        chunk: &[CreationRows],
        now: OffsetDateTime,
    ) -> Result<(), StorageError> {
        exec_tx!(self, |c| {
            let mut insert = sqlx::QueryBuilder::new(
                "insert into dossier (id, code, procedure_code, agency_code, holder_agency_code, assigned_officer, \
                   channel, status, applicant_name, applicant_contact, submitted_at, received_at, due_at, \
                   finished_at, supplement_count, state, event_count, head_hash, created_at, updated_at, \
                   applicant_phone_last4, applicant_id_last4, applicant_account, applicant_personal_id_hash, timeliness, overdue_after) ",
            );
            insert.push_values(chunk, |mut row, creation| {
                let d = &creation.dossier;
                row.push_bind(d.id)
                    .push_bind(&d.code)
                    .push_bind(&d.procedure_code)
                    .push_bind(&d.agency_code)
                    .push_bind(&d.index.holder_agency_code)
                    .push_bind(&d.index.assigned_officer)
                    .push_bind(&d.channel)
                    .push_bind(&d.index.status)
                    .push_bind(&d.applicant_name)
                    .push_bind(&d.applicant_contact)
                    .push_bind(d.submitted_at)
                    .push_bind(d.index.received_at.map(to_micros))
                    .push_bind(d.index.due_at.map(to_micros))
                    .push_bind(d.index.finished_at.map(to_micros))
                    .push_bind(d.index.supplement_count)
                    .push_bind(&d.state)
                    .push_bind(d.event_count)
                    .push_bind(&creation.head)
                    .push_bind(now)
                    .push_bind(now)
                    .push_bind(&d.phone_last4)
                    .push_bind(&d.id_last4)
                    .push_bind(&d.applicant_account)
                    .push_bind(&creation.personal_id_hash)
                    .push_bind(&d.index.timeliness)
                    .push_bind(d.index.overdue_after.map(to_micros));
            });
            insert.build().execute(c).await
        })?;
        Ok(())
    }
}

/// Rows per multi-row statement: a dossier binds 26 parameters and SQLite allows 32,766 in one
/// statement; a batch holds at most 64 creations, so most batches write each table at once.
const CHUNK: usize = 256;
