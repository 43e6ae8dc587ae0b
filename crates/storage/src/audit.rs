//! Verifies the dossier event log (`motcua audit verify`) and writes checkpoints over it.
//! Each dossier's chain proves its own events were not edited, deleted or reordered; a
//! checkpoint hashes the head of every chain at a moment, and the checkpoints chain to each
//! other, so removing a whole dossier, or rewriting a chain from its start, is detected too.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StorageError;
use crate::db::{Db, exec_db, on_db};
use crate::dossier::{event_hash, genesis, to_micros};

/// Events read per round trip while scanning the log.
const PAGE: i64 = 5_000;

/// The first problem found in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// Code of the dossier whose chain breaks (or `checkpoint N`).
    pub dossier: String,
    /// Position of the first bad event (0 for the dossier row itself).
    pub seq: i64,
    /// What is wrong.
    pub reason: String,
}

/// Result of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditReport {
    /// Dossiers checked.
    pub dossiers: u64,
    /// Events checked.
    pub events: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// The first broken link, if any.
    pub first_broken: Option<BrokenLink>,
}

type EventRow = (
    Uuid,
    i64,
    String,
    String,
    String,
    OffsetDateTime,
    Vec<u8>,
    Vec<u8>,
);

/// Where each chain ends, as scanned.
struct Head {
    dossier: Uuid,
    count: i64,
    hash: Vec<u8>,
}

impl Db {
    /// Reads events in (dossier, seq) order, a page at a time, calling `visit` on each until it
    /// returns false. `until` skips events recorded after a moment (for checkpoints); it is
    /// applied here rather than in SQL because SQLite compares timestamps as text.
    async fn scan_events(
        &self,
        until: Option<OffsetDateTime>,
        mut visit: impl FnMut(EventRow) -> bool,
    ) -> Result<(), StorageError> {
        let mut after: (Uuid, i64) = (Uuid::nil(), 0);
        loop {
            // The row value makes each page one range of the primary key for both planners.
            // Spelt `dossier_id > $1 or (dossier_id = $1 and seq > $2)`, PostgreSQL read every
            // later event for each page and sorted them: over 10 million events, `audit verify`
            // had not finished after 11 minutes.
            let rows: Vec<EventRow> = on_db!(self, |pool| {
                sqlx::query_as(
                    "select dossier_id, seq, kind, actor, payload, recorded_at, prev_hash, hash \
                     from dossier_event where (dossier_id, seq) > ($1, $2) \
                     order by dossier_id, seq limit $3",
                )
                .bind(after.0)
                .bind(after.1)
                .bind(PAGE)
                .fetch_all(pool)
                .await
            })?;
            let done = (rows.len() as i64) < PAGE;
            for row in rows {
                after = (row.0, row.1);
                if until.is_some_and(|u| row.5 > u) {
                    continue;
                }
                if !visit(row) {
                    return Ok(());
                }
            }
            if done {
                return Ok(());
            }
        }
    }

    async fn dossier_heads(&self) -> Result<Vec<(Uuid, String, i64, Vec<u8>)>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as("select id, code, event_count, head_hash from dossier order by id")
                .fetch_all(pool)
                .await
        })?)
    }

    /// Heads of every chain as of `until` (all events when `None`), by scanning the events.
    async fn scanned_heads(
        &self,
        until: Option<OffsetDateTime>,
    ) -> Result<Vec<Head>, StorageError> {
        let mut heads: Vec<Head> = Vec::new();
        self.scan_events(until, |row| {
            match heads.last_mut() {
                Some(h) if h.dossier == row.0 => {
                    h.count = row.1;
                    h.hash = row.7;
                }
                _ => heads.push(Head {
                    dossier: row.0,
                    count: row.1,
                    hash: row.7,
                }),
            }
            true
        })
        .await?;
        Ok(heads)
    }

    /// Checks every chain event by event, every dossier row against its chain, and the latest
    /// checkpoint against the log. Stops at the first broken link.
    pub async fn verify_audit_chain(&self) -> Result<AuditReport, StorageError> {
        let dossiers = self.dossier_heads().await?;
        let codes: std::collections::HashMap<Uuid, (String, i64, Vec<u8>)> = dossiers
            .iter()
            .map(|(id, code, count, head)| (*id, (code.clone(), *count, head.clone())))
            .collect();
        let mut report = AuditReport {
            dossiers: dossiers.len() as u64,
            ..AuditReport::default()
        };
        let mut current: Option<(Uuid, i64, Vec<u8>)> = None;
        let mut broken: Option<BrokenLink> = None;
        let name = |id: Uuid| {
            codes
                .get(&id)
                .map_or_else(|| format!("(missing dossier {id})"), |c| c.0.clone())
        };
        let mut finished: Vec<(Uuid, i64, Vec<u8>)> = Vec::new();
        self.scan_events(None, |(id, seq, kind, actor, payload, at, prev, hash)| {
            report.events += 1;
            let (expected_seq, expected_prev) = match &current {
                Some((cur, last, head)) if *cur == id => (last + 1, head.clone()),
                _ => {
                    if let Some(done) = current.take() {
                        finished.push(done);
                    }
                    (1, genesis(id))
                }
            };
            let problem = if !codes.contains_key(&id) {
                Some("event of a dossier that does not exist".to_owned())
            } else if seq != expected_seq {
                Some(format!(
                    "expected event {expected_seq}, found {seq}: an event was removed or reordered"
                ))
            } else if prev != expected_prev {
                Some("does not link to the event before it".to_owned())
            } else if event_hash(id, seq, &kind, &actor, &payload, to_micros(at), &prev) != hash {
                Some("its content does not match its hash: it was edited".to_owned())
            } else {
                None
            };
            if let Some(reason) = problem {
                broken = Some(BrokenLink {
                    dossier: name(id),
                    seq,
                    reason,
                });
                return false;
            }
            current = Some((id, seq, hash));
            true
        })
        .await?;
        if let Some(done) = current.take() {
            finished.push(done);
        }
        if broken.is_none() {
            let scanned: std::collections::HashMap<Uuid, (i64, Vec<u8>)> = finished
                .into_iter()
                .map(|(id, count, head)| (id, (count, head)))
                .collect();
            for (id, code, count, head) in &dossiers {
                let (scanned_count, scanned_head) = scanned
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| (0, genesis(*id)));
                if scanned_count != *count || &scanned_head != head {
                    broken = Some(BrokenLink {
                        dossier: code.clone(),
                        seq: scanned_count + 1,
                        reason: format!(
                            "the dossier records {count} events but its chain has {scanned_count} \
                             ending elsewhere: events were removed or added outside the log"
                        ),
                    });
                    break;
                }
            }
        }
        if broken.is_none() {
            let (checked, problem) = self.verify_checkpoints().await?;
            report.checkpoints = checked;
            broken = problem;
        }
        report.first_broken = broken;
        Ok(report)
    }

    fn checkpoint_digest(heads: &[Head]) -> Vec<u8> {
        let mut h = Sha256::new();
        for head in heads {
            h.update(head.dossier.as_bytes());
            h.update(head.count.to_be_bytes());
            h.update(&head.hash);
        }
        h.finalize().to_vec()
    }

    fn checkpoint_hash(
        seq: i64,
        watermark: OffsetDateTime,
        dossiers: i64,
        events: i64,
        digest: &[u8],
        prev: &[u8],
    ) -> Vec<u8> {
        let mut h = Sha256::new();
        h.update(b"motcua/checkpoint/");
        h.update(seq.to_be_bytes());
        h.update(to_micros(watermark).unix_timestamp_nanos().to_be_bytes());
        h.update(dossiers.to_be_bytes());
        h.update(events.to_be_bytes());
        h.update(digest);
        h.update(prev);
        h.finalize().to_vec()
    }

    /// Records a checkpoint over every event recorded at or before `watermark`. Pick a
    /// watermark a little in the past (the worker uses five minutes) so that transactions still
    /// in flight at that moment are already committed.
    pub async fn write_checkpoint(&self, watermark: OffsetDateTime) -> Result<i64, StorageError> {
        let watermark = to_micros(watermark);
        let heads = self.scanned_heads(Some(watermark)).await?;
        let digest = Self::checkpoint_digest(&heads);
        let events: i64 = heads.iter().map(|h| h.count).sum();
        let dossiers = i64::try_from(heads.len()).unwrap_or(i64::MAX);
        let last: Option<(i64, Vec<u8>)> = on_db!(self, |pool| {
            sqlx::query_as("select seq, hash from audit_checkpoint order by seq desc limit 1")
                .fetch_optional(pool)
                .await
        })?;
        let (seq, prev) = last.map_or((1, vec![0u8; 32]), |(s, h)| (s + 1, h));
        let hash = Self::checkpoint_hash(seq, watermark, dossiers, events, &digest, &prev);
        exec_db!(self, |pool| {
            sqlx::query(
                "insert into audit_checkpoint (seq, created_at, watermark, dossier_count, event_count, digest, prev_hash, hash) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(seq)
            .bind(OffsetDateTime::now_utc())
            .bind(watermark)
            .bind(dossiers)
            .bind(events)
            .bind(&digest)
            .bind(&prev)
            .bind(&hash)
            .execute(pool)
            .await
        })?;
        Ok(seq)
    }

    /// Checks the chain of checkpoints and recomputes the latest one from the log.
    async fn verify_checkpoints(&self) -> Result<(u64, Option<BrokenLink>), StorageError> {
        type Row = (i64, OffsetDateTime, i64, i64, Vec<u8>, Vec<u8>, Vec<u8>);
        let rows: Vec<Row> = on_db!(self, |pool| {
            sqlx::query_as(
                "select seq, watermark, dossier_count, event_count, digest, prev_hash, hash \
                 from audit_checkpoint order by seq",
            )
            .fetch_all(pool)
            .await
        })?;
        let mut prev = vec![0u8; 32];
        for (seq, watermark, dossiers, events, digest, prev_hash, hash) in &rows {
            let expected =
                Self::checkpoint_hash(*seq, *watermark, *dossiers, *events, digest, &prev);
            if prev_hash != &prev || hash != &expected {
                return Ok((
                    rows.len() as u64,
                    Some(BrokenLink {
                        dossier: format!("checkpoint {seq}"),
                        seq: 0,
                        reason: "the checkpoint chain was altered".into(),
                    }),
                ));
            }
            prev = hash.clone();
        }
        if let Some((seq, watermark, dossiers, events, digest, _, _)) = rows.last() {
            let heads = self.scanned_heads(Some(*watermark)).await?;
            let now_events: i64 = heads.iter().map(|h| h.count).sum();
            if &Self::checkpoint_digest(&heads) != digest
                || heads.len() as i64 != *dossiers
                || now_events != *events
            {
                return Ok((
                    rows.len() as u64,
                    Some(BrokenLink {
                        dossier: format!("checkpoint {seq}"),
                        seq: 0,
                        reason: format!(
                            "the log before the checkpoint no longer matches it ({dossiers} dossiers and \
                             {events} events then, {} and {now_events} now): a dossier or events were removed",
                            heads.len()
                        ),
                    }),
                ));
            }
        }
        Ok((rows.len() as u64, None))
    }
}
