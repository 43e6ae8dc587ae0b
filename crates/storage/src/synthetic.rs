//! Bulk loading of synthetic historical dossiers (`motcua seed --synthetic N`), so the targets
//! of issue 8 can be measured over a province's two years (1.2 million dossiers) without
//! submitting them one request at a time. Rows are written with multi-row `insert`s, many
//! dossiers per transaction, into the same tables and columns the real write path fills: the
//! dossier projection, its hash-chained events (the chain computed here exactly as
//! [`Db::create_dossier`] does, so `motcua audit verify` passes), payments and population
//! look-ups. The same statements run on SQLite and PostgreSQL.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::StorageError;
use crate::db::{Db, exec_tx, on_db};
use crate::dossier::{DossierIndex, NewEvent, event_hash, genesis, to_micros};
use crate::registry_lookups::NewRegistryLookup;

/// Bind parameters per statement: below SQLite's limit (32,766) and PostgreSQL's (65,535).
const PARAMETERS_PER_STATEMENT: usize = 30_000;

/// A paid fee of a synthetic dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticPayment {
    /// Payment reference (primary key).
    pub reference: String,
    /// `paygov`, `vnpay`, `cash` or `card_terminal`.
    pub channel: String,
    /// Amount paid.
    pub amount_vnd: i64,
    /// The gateway's transaction number or the paper receipt's number.
    pub gateway_transaction: String,
    /// Key printed in the receipt's QR code.
    pub receipt_key: String,
    /// The officer who recorded a counter payment.
    pub recorded_by: Option<String>,
    /// When the payment was started.
    pub created_at: OffsetDateTime,
    /// When it was paid.
    pub paid_at: OffsetDateTime,
}

/// One synthetic dossier with everything written with it. Events are given in order; their
/// sequence numbers and hash chain are computed on insert.
#[derive(Debug, Clone)]
pub struct SyntheticDossier {
    /// Id.
    pub id: Uuid,
    /// Dossier code (unique; numbered by the generator per agency and day).
    pub code: String,
    /// National procedure code.
    pub procedure_code: String,
    /// Receiving agency.
    pub agency_code: String,
    /// `counter`, `online` or `post`.
    pub channel: String,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's contact line.
    pub applicant_contact: Option<String>,
    /// Last four digits of the applicant's phone.
    pub phone_last4: Option<String>,
    /// Last four digits of the applicant's personal ID.
    pub id_last4: Option<String>,
    /// Submission time.
    pub submitted_at: OffsetDateTime,
    /// Indexed projection columns after the events.
    pub index: DossierIndex,
    /// Full projection after the events, JSON.
    pub state: String,
    /// The events, in order (at least one).
    pub events: Vec<NewEvent>,
    /// Fees paid.
    pub payments: Vec<SyntheticPayment>,
    /// Population look-ups made for it.
    pub lookups: Vec<NewRegistryLookup>,
    /// The applicant's rating, for some of the dossiers returned.
    pub rating: Option<crate::ratings::RatingRow>,
}

/// A dossier-code counter value: the last number taken by an agency on a day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CodeCounter {
    /// The agency.
    pub agency_code: String,
    /// The local day.
    pub day: Date,
    /// The last number taken.
    pub last_value: i64,
}

/// An event ready to insert, with its place in the chain.
struct ChainedEvent<'a> {
    dossier_id: Uuid,
    seq: i64,
    event: &'a NewEvent,
    at: OffsetDateTime,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

fn rows_per_statement(columns: usize) -> usize {
    (PARAMETERS_PER_STATEMENT / columns).max(1)
}

impl Db {
    /// Refreshes the planner's statistics after a bulk load, as a database's routine
    /// maintenance would, so query plans are chosen for the data now there: SQLite samples each
    /// index (`analysis_limit` keeps that to seconds); PostgreSQL also vacuums, which marks the
    /// new pages all-visible and lets its index-only scans skip the table.
    pub async fn refresh_statistics(&self) -> Result<(), StorageError> {
        match self {
            Db::Sqlite(pools) => {
                let mut c = pools.writer.acquire().await?;
                sqlx::query("pragma analysis_limit = 1000")
                    .execute(&mut *c)
                    .await?;
                sqlx::query("analyze").execute(&mut *c).await?;
            }
            Db::Postgres(pools) => {
                sqlx::query("vacuum analyze").execute(&pools.writer).await?;
            }
        }
        Ok(())
    }

    /// Every dossier-code counter, so synthetic codes continue after the numbers already taken.
    pub async fn code_counters(&self) -> Result<Vec<CodeCounter>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as("select agency_code, day, last_value from dossier_code_counter")
                .fetch_all(pool)
                .await
        })?)
    }

    /// Raises the dossier-code counters to at least the given values (never lowers one), so a
    /// later real submission never takes a code a synthetic dossier holds.
    pub async fn raise_code_counters(&self, counters: &[CodeCounter]) -> Result<(), StorageError> {
        let mut tx = self.begin().await?;
        for chunk in counters.chunks(rows_per_statement(3)) {
            exec_tx!(&mut tx, |c| {
                let mut qb = sqlx::QueryBuilder::new(
                    "insert into dossier_code_counter (agency_code, day, last_value) ",
                );
                qb.push_values(chunk, |mut b, counter| {
                    b.push_bind(&counter.agency_code)
                        .push_bind(counter.day)
                        .push_bind(counter.last_value);
                });
                // `case` rather than max()/greatest(): the two engines name that differently.
                qb.push(
                    " on conflict (agency_code, day) do update set last_value = \
                     case when excluded.last_value > dossier_code_counter.last_value \
                     then excluded.last_value else dossier_code_counter.last_value end",
                );
                qb.build().execute(c).await
            })?;
        }
        tx.commit().await
    }

    /// Writes a batch of synthetic dossiers, their events, payments and look-ups in one
    /// transaction, with one multi-row `insert` per table and chunk.
    pub async fn insert_synthetic(&self, batch: &[SyntheticDossier]) -> Result<(), StorageError> {
        // The chain first: each dossier row carries the head its events end at.
        let mut chained: Vec<ChainedEvent<'_>> = Vec::new();
        let mut heads: Vec<Vec<u8>> = Vec::with_capacity(batch.len());
        for d in batch {
            let mut prev = genesis(d.id);
            for (i, e) in d.events.iter().enumerate() {
                let seq = i64::try_from(i).unwrap_or(i64::MAX) + 1;
                let at = to_micros(e.recorded_at);
                let hash = event_hash(d.id, seq, &e.kind, &e.actor, &e.payload, at, &prev);
                chained.push(ChainedEvent {
                    dossier_id: d.id,
                    seq,
                    event: e,
                    at,
                    prev_hash: std::mem::replace(&mut prev, hash.clone()),
                    hash,
                });
            }
            heads.push(prev);
        }
        let rows: Vec<(&SyntheticDossier, &Vec<u8>)> = batch.iter().zip(&heads).collect();
        let mut tx = self.begin().await?;
        for chunk in rows.chunks(rows_per_statement(25)) {
            exec_tx!(&mut tx, |c| {
                let mut qb = sqlx::QueryBuilder::new(
                    "insert into dossier (id, code, procedure_code, agency_code, holder_agency_code, \
                     assigned_officer, channel, status, applicant_name, applicant_contact, submitted_at, \
                     received_at, due_at, finished_at, supplement_count, state, event_count, head_hash, \
                     created_at, updated_at, applicant_phone_last4, applicant_id_last4, applicant_account, timeliness, overdue_after) ",
                );
                qb.push_values(chunk, |mut b, (d, head)| {
                    let updated = d.events.last().map_or(d.submitted_at, |e| e.recorded_at);
                    b.push_bind(d.id)
                        .push_bind(&d.code)
                        .push_bind(&d.procedure_code)
                        .push_bind(&d.agency_code)
                        .push_bind(&d.index.holder_agency_code)
                        .push_bind(&d.index.assigned_officer)
                        .push_bind(&d.channel)
                        .push_bind(&d.index.status)
                        .push_bind(&d.applicant_name)
                        .push_bind(&d.applicant_contact)
                        .push_bind(to_micros(d.submitted_at))
                        .push_bind(d.index.received_at.map(to_micros))
                        .push_bind(d.index.due_at.map(to_micros))
                        .push_bind(d.index.finished_at.map(to_micros))
                        .push_bind(d.index.supplement_count)
                        .push_bind(&d.state)
                        .push_bind(i64::try_from(d.events.len()).unwrap_or(i64::MAX))
                        .push_bind(*head)
                        .push_bind(to_micros(d.submitted_at))
                        .push_bind(to_micros(updated))
                        .push_bind(&d.phone_last4)
                        .push_bind(&d.id_last4)
                        .push_bind(None::<String>)
                        .push_bind(&d.index.timeliness)
                        .push_bind(d.index.overdue_after.map(to_micros));
                });
                qb.build().execute(c).await
            })?;
        }
        for chunk in chained.chunks(rows_per_statement(8)) {
            exec_tx!(&mut tx, |c| {
                let mut qb = sqlx::QueryBuilder::new(
                    "insert into dossier_event (dossier_id, seq, kind, actor, payload, recorded_at, \
                     prev_hash, hash) ",
                );
                qb.push_values(chunk, |mut b, e| {
                    b.push_bind(e.dossier_id)
                        .push_bind(e.seq)
                        .push_bind(&e.event.kind)
                        .push_bind(&e.event.actor)
                        .push_bind(&e.event.payload)
                        .push_bind(e.at)
                        .push_bind(&e.prev_hash)
                        .push_bind(&e.hash);
                });
                qb.build().execute(c).await
            })?;
        }
        let payments: Vec<(&str, &SyntheticPayment)> = batch
            .iter()
            .flat_map(|d| d.payments.iter().map(move |p| (d.code.as_str(), p)))
            .collect();
        for chunk in payments.chunks(rows_per_statement(12)) {
            exec_tx!(&mut tx, |c| {
                let mut qb = sqlx::QueryBuilder::new(
                    "insert into payment (reference, dossier_code, channel, amount_vnd, status, \
                     gateway_transaction, refunded_vnd, receipt_key, recorded_by, created_at, \
                     updated_at, paid_at) ",
                );
                qb.push_values(chunk, |mut b, (code, p)| {
                    b.push_bind(&p.reference)
                        .push_bind(*code)
                        .push_bind(&p.channel)
                        .push_bind(p.amount_vnd)
                        .push_bind("paid")
                        .push_bind(&p.gateway_transaction)
                        .push_bind(0_i64)
                        .push_bind(&p.receipt_key)
                        .push_bind(&p.recorded_by)
                        .push_bind(to_micros(p.created_at))
                        .push_bind(to_micros(p.paid_at))
                        .push_bind(to_micros(p.paid_at));
                });
                qb.build().execute(c).await
            })?;
        }
        let lookups: Vec<&NewRegistryLookup> = batch.iter().flat_map(|d| &d.lookups).collect();
        for chunk in lookups.chunks(rows_per_statement(12)) {
            exec_tx!(&mut tx, |c| {
                let mut qb = sqlx::QueryBuilder::new(
                    "insert into registry_lookup (id, looked_up_at, month, requested_by, \
                     requester_kind, agency_code, dossier_code, purpose, result, latency_ms, \
                     personal_id_hash, personal_id_masked) ",
                );
                qb.push_values(chunk, |mut b, l| {
                    b.push_bind(l.id)
                        .push_bind(to_micros(l.looked_up_at))
                        .push_bind(&l.month)
                        .push_bind(&l.requested_by)
                        .push_bind(&l.requester_kind)
                        .push_bind(&l.agency_code)
                        .push_bind(&l.dossier_code)
                        .push_bind(&l.purpose)
                        .push_bind(&l.result)
                        .push_bind(l.latency_ms)
                        .push_bind(&l.personal_id_hash)
                        .push_bind(&l.personal_id_masked);
                });
                qb.build().execute(c).await
            })?;
        }
        let ratings: Vec<&crate::ratings::RatingRow> =
            batch.iter().filter_map(|d| d.rating.as_ref()).collect();
        for chunk in ratings.chunks(rows_per_statement(20)) {
            exec_tx!(&mut tx, |c| {
                let mut qb = sqlx::QueryBuilder::new(format!(
                    "insert into dossier_rating (dossier_id, agency_code, procedure_code, \
                     officer_id, source, level, {}, answers, ended_at, first_given_at, \
                     changed_at, changes) ",
                    crate::ratings::CRITERION_COLUMNS.join(", ")
                ));
                qb.push_values(chunk, |mut b, r| {
                    b.push_bind(r.dossier_id)
                        .push_bind(&r.agency_code)
                        .push_bind(&r.procedure_code)
                        .push_bind(&r.officer_id)
                        .push_bind(&r.source)
                        .push_bind(&r.level);
                    for points in r.points {
                        b.push_bind(points);
                    }
                    b.push_bind(&r.answers)
                        .push_bind(to_micros(r.ended_at))
                        .push_bind(to_micros(r.at))
                        .push_bind(to_micros(r.at))
                        .push_bind(0_i64);
                });
                qb.build().execute(c).await
            })?;
        }
        tx.commit().await
    }
}
