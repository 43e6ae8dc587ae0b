//! The tamper-evident part of the dossier log: each event's hash covers every field of it and the
//! previous event's hash, from a genesis tied to the dossier's id, so changing, reordering or
//! deleting an event breaks the chain (verified by `motcua audit verify`, DESIGN §4). Times are
//! truncated to microseconds before they are hashed or stored, since PostgreSQL keeps no more.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::NewEvent;
use crate::StorageError;
use crate::db::{Tx, exec_tx};

/// PostgreSQL keeps microseconds; hashing nanoseconds would make every chain fail to verify
/// after a round trip, so times are truncated before they are hashed or stored, by the domain's
/// one rule for recorded instants.
pub(crate) use domain::calendar::recorded_instant as to_micros;

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
    /// Chains `events` after `prev_hash` and inserts them; returns the new head of the chain.
    pub(super) async fn append(
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
pub(super) fn chain(
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
