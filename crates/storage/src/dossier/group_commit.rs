//! Group commit: dossier creations that arrive together share one transaction and one durable
//! commit, so the disk's sync — the cost every acknowledged submission must pay (Decree
//! 45/2020/ND-CP art. 11: an online dossier counts as received when the system acknowledges it)
//! — is paid once per batch instead of once per dossier.
//!
//! How a batch works:
//! - Each creation [`join`](GroupCommit::join)s the open batch (or opens one) and does its work in
//!   a [`Turn`]: the batch's transaction, held exclusively. A refusal or an error undoes that
//!   turn's writes only; the other creations keep theirs. How it undoes them is the turn's
//!   [`Undo`]: a creation whose only write in its turn is the claim of its idempotency key deletes
//!   that claim again; one that writes more (an online draft marked submitted) works inside a
//!   savepoint of its own and rolls it back.
//! - A creation's turn claims its idempotency key and takes its number; its rows (dossier, events,
//!   papers, outbox, answer) wait in the batch ([`super::batch_rows`]) and are written with every
//!   other kept creation's, one multi-row statement per table, just before the commit. If they
//!   cannot be, the batch fails whole, as below.
//! - A kept creation (and a replayed one) is answered only after the shared commit has returned
//!   ([`Member::committed`]): nothing is acknowledged before it is durable. A refusal is
//!   answered at once, since it wrote nothing.
//! - A batch closes when every member has finished its turn and one yield of the executor brought
//!   no one new, or when it holds [`MAX_MEMBERS`]. A committer task then commits it.
//! - Batches follow one another: a batch's transaction begins only after the previous batch has
//!   committed. Two open batches on PostgreSQL would each hold the row lock of some agency's code
//!   counter and wait on the other's; one at a time they cannot. Several servers on one
//!   PostgreSQL database queue their batches on a transaction-level advisory lock for the same
//!   reason.
//! - A request dropped in the middle of its turn (its client went away) leaves its savepoint open,
//!   or its claim in place. The next user of the transaction, or the committer, undoes it. Either
//!   is only forgotten once the statement that undoes it has succeeded, so a request dropped while
//!   ending its own turn leaves it for the next user too. If that fails, the whole batch is rolled
//!   back and every member gets [`StorageError::GroupCommitFailed`], an "unavailable" answer: the
//!   client retries with its idempotency key, and nothing half-written is kept.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as AsyncMutex, Notify, OwnedMutexGuard, watch};

use super::batch_rows::{BatchRows, CreationRows};
use super::{DossierWriteError, Idempotency, IdempotentResponse};
use crate::StorageError;
use crate::db::{Db, Tx, exec_tx};

/// Most creations one batch carries: enough to amortise the sync many times over, few enough
/// that the last member of a batch does not wait long behind the others' turns. Do not raise it:
/// a member's savepoint ([`Undo::Savepoint`]) is a PostgreSQL subtransaction, and a transaction
/// with more than 64 of them overflows the server's per-backend cache and slows every snapshot on
/// the server.
pub(crate) const MAX_MEMBERS: usize = 64;

/// How a turn undoes its writes when its creation is not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Undo {
    /// Inside a savepoint of its own, rolled back: for a creation that writes more than its
    /// idempotency claim during its turn (an online draft marked submitted).
    Savepoint,
    /// By deleting the idempotency claim, the turn's only write (its other rows wait in the
    /// batch). No savepoint to open and release: two statements fewer a creation in the batch's
    /// serial section, which on PostgreSQL are two round trips to the server each.
    DeleteClaim,
}

/// How a turn's writes are undone: by the turn itself when its creation is not kept, or, when the
/// turn was dropped before it ended, by the next user of the transaction.
#[derive(Debug, Clone)]
enum Dangling {
    Savepoint(String),
    Claim(Idempotency),
}

impl Dangling {
    /// Rolls back the savepoint, or deletes the claim.
    async fn undo(&self, tx: &mut Tx) -> Result<(), StorageError> {
        match self {
            Dangling::Savepoint(savepoint) => rollback_savepoint(tx, savepoint).await,
            Dangling::Claim(idem) => tx.withdraw_idempotency_claim(idem).await,
        }
    }
}

/// Key of the PostgreSQL advisory lock that orders the batches of several servers (any fixed
/// number; this one spells "motcua" in ASCII).
const BATCH_LOCK_KEY: i64 = 0x6d6f_7463_7561;

/// The group commit of one database.
#[derive(Debug, Default)]
pub(crate) struct GroupCommit {
    open: Mutex<Option<Arc<Batch>>>,
    /// Held by a batch from the start of its transaction until its commit returns.
    writing: Arc<AsyncMutex<()>>,
    savepoints: AtomicU64,
    batches: AtomicU64,
    creations: AtomicU64,
}

#[derive(Debug)]
struct Batch {
    work: Arc<AsyncMutex<Work>>,
    members: Mutex<Members>,
    settled: Notify,
    /// Set once the batch can no longer commit, so that no new request joins it.
    poisoned: AtomicBool,
    /// The commit's outcome. The sender belongs to the committer task: if that task dies, the
    /// channel closes and the members are told, rather than waiting for ever.
    outcome: watch::Receiver<Option<Result<(), String>>>,
}

#[derive(Debug, Default)]
struct Members {
    joined: usize,
    finished: usize,
    closed: bool,
}

/// The batch's transaction and what its users must clean up.
#[derive(Default)]
struct Work {
    tx: Option<Tx>,
    writing: Option<OwnedMutexGuard<()>>,
    /// What a turn dropped before it ended left to undo.
    dangling: Option<Dangling>,
    /// Why the batch can no longer commit.
    poisoned: Option<String>,
    /// Creations kept, counted when the batch commits.
    kept: u64,
    /// The kept creations' rows, written just before the commit.
    rows: BatchRows,
}

impl std::fmt::Debug for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Work")
            .field("open", &self.tx.is_some())
            .field("dangling", &self.dangling)
            .field("poisoned", &self.poisoned)
            .field("kept", &self.kept)
            .field("rows", &self.rows.len())
            .finish()
    }
}

impl GroupCommit {
    /// (commits made, creations they carried) since start.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (
            self.batches.load(Ordering::Relaxed),
            self.creations.load(Ordering::Relaxed),
        )
    }

    /// Joins the open batch, or opens one and starts its committer.
    pub(crate) fn join(self: &Arc<Self>, db: &Db) -> Member {
        let mut open = self.open.lock().expect("group commit lock");
        if let Some(batch) = open.as_ref()
            && !batch.poisoned.load(Ordering::Acquire)
        {
            let mut members = batch.members.lock().expect("batch lock");
            if !members.closed {
                members.joined += 1;
                let full = members.joined >= MAX_MEMBERS;
                drop(members);
                let batch = batch.clone();
                if full {
                    *open = None;
                }
                return Member::new(batch);
            }
        }
        let (sender, outcome) = watch::channel(None);
        let batch = Arc::new(Batch {
            work: Default::default(),
            members: Mutex::new(Members {
                joined: 1,
                ..Members::default()
            }),
            settled: Notify::new(),
            poisoned: AtomicBool::new(false),
            outcome,
        });
        *open = Some(batch.clone());
        drop(open);
        tokio::spawn(commit_when_settled(
            self.clone(),
            db.clone(),
            batch.clone(),
            sender,
        ));
        Member::new(batch)
    }
}

/// One creation's place in a batch. Dropping it counts as finishing, so a request that goes away
/// never holds its batch open.
#[derive(Debug)]
pub(crate) struct Member {
    batch: Arc<Batch>,
    finished: bool,
}

impl Member {
    fn new(batch: Arc<Batch>) -> Member {
        Member {
            batch,
            finished: false,
        }
    }

    /// Takes the batch's transaction (waiting for the other members' turns, and for the first
    /// turn, for the previous batch's commit) and, for [`Undo::Savepoint`], opens this creation's
    /// savepoint in it.
    pub(crate) async fn begin(&self, db: &Db, undo: Undo) -> Result<Turn, StorageError> {
        let group = db.group_commit();
        let mut work = self.batch.work.clone().lock_owned().await;
        if let Some(reason) = &work.poisoned {
            return Err(StorageError::GroupCommitFailed(reason.clone()));
        }
        // Separate steps, because a request dropped while waiting for `begin` leaves the batch
        // holding the writing lock without a transaction: the next member must not wait for it.
        if work.writing.is_none() {
            work.writing = Some(group.writing.clone().lock_owned().await);
        }
        if work.tx.is_none() {
            match begin_batch(db).await {
                Ok(tx) => work.tx = Some(tx),
                Err(e) => {
                    work.writing = None;
                    poison(&self.batch, &mut work, e.to_string());
                    return Err(e);
                }
            }
        }
        if let Err(e) = clean_dangling(&mut work).await {
            poison(&self.batch, &mut work, e.to_string());
            return Err(e);
        }
        let mut savepoint = None;
        if undo == Undo::Savepoint {
            let name = format!("m{}", group.savepoints.fetch_add(1, Ordering::Relaxed));
            let tx = work.tx.as_mut().expect("transaction begun above");
            if let Err(e) = savepoint_statement(tx, &format!("savepoint {name}")).await {
                poison(&self.batch, &mut work, e.to_string());
                return Err(e);
            }
            savepoint = Some(name);
        }
        Ok(Turn {
            batch: self.batch.clone(),
            work,
            savepoint,
            claim: None,
            rows: None,
            ended: false,
        })
    }

    /// Marks this member's work done: once every member has, the batch commits.
    pub(crate) fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.batch.members.lock().expect("batch lock").finished += 1;
        self.batch.settled.notify_one();
    }

    /// Waits for the batch's commit. `Ok` means what this member kept is durable.
    pub(crate) async fn committed(mut self) -> Result<(), StorageError> {
        self.finish();
        let mut outcome = self.batch.outcome.clone();
        let result = outcome
            .wait_for(Option::is_some)
            .await
            .map_err(|_| StorageError::GroupCommitFailed("the committer stopped".into()))?
            .clone()
            .expect("waited for an outcome");
        result.map_err(StorageError::GroupCommitFailed)
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        self.finish();
    }
}

/// One creation's exclusive use of the batch's transaction.
pub(crate) struct Turn {
    batch: Arc<Batch>,
    work: OwnedMutexGuard<Work>,
    /// Its own savepoint, for [`Undo::Savepoint`].
    savepoint: Option<String>,
    /// The idempotency key this turn claimed, or was claiming when it stopped, to delete again if
    /// its creation is not kept.
    claim: Option<Idempotency>,
    /// This creation's rows, handed to the batch only if the turn ends kept.
    rows: Option<CreationRows>,
    ended: bool,
}

impl Turn {
    /// The batch's transaction, to write this creation's rows in.
    pub(crate) fn tx(&mut self) -> &mut Tx {
        self.work
            .tx
            .as_mut()
            .expect("a turn exists only in a begun batch")
    }

    /// Claims an idempotency key for this creation, or returns the first answer given for it
    /// (see `Tx::claim_idempotency`).
    pub(crate) async fn claim_idempotency(
        &mut self,
        idem: &Idempotency,
    ) -> Result<Option<IdempotentResponse>, DossierWriteError> {
        // Noted before the statement runs: a turn dropped while it runs cannot tell whether the
        // claim was inserted, and deleting a claim never made deletes nothing.
        self.claim = Some(idem.clone());
        let claimed = self.tx().claim_idempotency(idem).await;
        if !matches!(claimed, Ok(None) | Err(DossierWriteError::Storage(_))) {
            // An earlier answer, or a key used for another request: nothing was inserted.
            self.claim = None;
        }
        claimed
    }

    /// What undoes this turn's writes: its savepoint if it has one, else its claim.
    fn undo_left(&self) -> Option<Dangling> {
        match (&self.savepoint, &self.claim) {
            (Some(savepoint), _) => Some(Dangling::Savepoint(savepoint.clone())),
            (None, Some(idem)) => Some(Dangling::Claim(idem.clone())),
            (None, None) => None,
        }
    }

    /// The rows the batch's earlier creations kept.
    pub(crate) fn rows(&self) -> &BatchRows {
        &self.work.rows
    }

    /// Leaves this creation's rows, written with the batch if the turn ends kept.
    pub(crate) fn leave_rows(&mut self, rows: CreationRows) {
        self.rows = Some(rows);
    }

    /// This turn's savepoint (tests that break a batch on purpose).
    #[cfg(test)]
    pub(crate) fn savepoint(&self) -> &str {
        self.savepoint.as_deref().expect("a turn with a savepoint")
    }

    /// Ends the turn: `keep` keeps its writes (its rows commit with the batch); otherwise they
    /// are undone and the batch goes on without them.
    pub(crate) async fn end(mut self, keep: bool) -> Result<(), StorageError> {
        // `ended` is set only once the statement has succeeded: dropped before that, the turn
        // leaves its savepoint or claim to the next user (whose roll-back poisons the batch if
        // the release had already happened, which fails safe).
        let result = if keep {
            match self.savepoint.clone() {
                Some(savepoint) => {
                    savepoint_statement(self.tx(), &format!("release savepoint {savepoint}")).await
                }
                None => Ok(()),
            }
        } else {
            match self.undo_left() {
                Some(undo) => undo.undo(self.tx()).await,
                None => Ok(()),
            }
        };
        self.ended = true;
        match result {
            Ok(()) => {
                if keep {
                    self.work.kept += 1;
                    if let Some(rows) = self.rows.take() {
                        self.work.rows.keep(rows);
                    }
                }
                Ok(())
            }
            Err(e) => {
                // The transaction's state is unknown now: nothing in it may commit.
                let batch = self.batch.clone();
                poison(&batch, &mut self.work, e.to_string());
                Err(e)
            }
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if !self.ended {
            self.work.dangling = self.undo_left();
        }
    }
}

async fn savepoint_statement(tx: &mut Tx, statement: &str) -> Result<(), StorageError> {
    // Savepoint names are made here from a counter, never from input.
    exec_tx!(tx, |c| sqlx::query(sqlx::AssertSqlSafe(
        statement.to_owned()
    ))
    .execute(c)
    .await)?;
    Ok(())
}

async fn rollback_savepoint(tx: &mut Tx, savepoint: &str) -> Result<(), StorageError> {
    savepoint_statement(tx, &format!("rollback to savepoint {savepoint}")).await?;
    savepoint_statement(tx, &format!("release savepoint {savepoint}")).await
}

/// Begins a batch's transaction. On PostgreSQL it first takes a transaction-level advisory lock,
/// so the batches of several servers sharing the database follow one another too (within one
/// server the `writing` lock already orders them; this costs one statement a batch).
async fn begin_batch(db: &Db) -> Result<Tx, StorageError> {
    let mut tx = db.begin().await?;
    if let Tx::Postgres(t) = &mut tx {
        sqlx::query("select pg_advisory_xact_lock($1)")
            .bind(BATCH_LOCK_KEY)
            .execute(&mut **t)
            .await?;
    }
    Ok(tx)
}

/// Marks a batch as unable to commit: its members get `GroupCommitFailed`, and new requests
/// open a batch of their own.
fn poison(batch: &Batch, work: &mut Work, reason: String) {
    batch.poisoned.store(true, Ordering::Release);
    work.poisoned.get_or_insert(reason);
}

/// Undoes the writes of a turn that was dropped mid-way. They stay recorded until the undoing
/// has succeeded, so a caller dropped meanwhile leaves them to the next.
async fn clean_dangling(work: &mut Work) -> Result<(), StorageError> {
    let Some(dangling) = work.dangling.clone() else {
        return Ok(());
    };
    let Some(tx) = work.tx.as_mut() else {
        work.dangling = None;
        return Ok(());
    };
    if let Err(e) = dangling.undo(tx).await {
        let reason = format!("an abandoned creation could not be rolled back: {e}");
        return Err(StorageError::GroupCommitFailed(reason));
    }
    work.dangling = None;
    Ok(())
}

/// Commits a batch's transaction. PostgreSQL answers `COMMIT` of a transaction that an error has
/// aborted with a silent roll-back, which sqlx does not report: a statement first proves the
/// transaction is still alive, so no member is told its rows are kept when they are not.
async fn commit_batch(mut tx: Tx) -> Result<(), StorageError> {
    if let Tx::Postgres(t) = &mut tx {
        sqlx::query("select 1").execute(&mut **t).await?;
    }
    tx.commit().await
}

/// The committer of one batch: waits until it settles, closes it, commits, and tells the members.
async fn commit_when_settled(
    group: Arc<GroupCommit>,
    db: Db,
    batch: Arc<Batch>,
    outcome_sender: watch::Sender<Option<Result<(), String>>>,
) {
    loop {
        let notified = batch.settled.notified();
        if settled(&batch) {
            // Give requests that are already running a chance to join before closing.
            tokio::task::yield_now().await;
            if close_if_settled(&group, &batch) {
                break;
            }
            continue;
        }
        notified.await;
    }
    let mut work = batch.work.lock().await;
    let outcome = if let Some(reason) = work.poisoned.clone() {
        Err(reason)
    } else {
        match clean_dangling(&mut work).await {
            Err(e) => Err(e.to_string()),
            Ok(()) => match work.tx.take() {
                Some(mut tx) => match tx.write_batch_rows(&work.rows).await {
                    Ok(()) => commit_batch(tx).await.map_err(|e| e.to_string()),
                    Err(e) => Err(format!("the batch's rows could not be written: {e}")),
                },
                None => Ok(()),
            },
        }
    };
    if outcome.is_ok() && work.kept > 0 {
        group.batches.fetch_add(1, Ordering::Relaxed);
        group.creations.fetch_add(work.kept, Ordering::Relaxed);
    }
    if outcome.is_err() {
        tracing::warn!(reason = ?outcome, "group commit failed; its creations are rolled back");
    }
    // Dropping an uncommitted transaction rolls it back; then the next batch may begin.
    work.tx = None;
    work.writing = None;
    drop(work);
    drop(db);
    outcome_sender.send_replace(Some(outcome));
}

fn settled(batch: &Batch) -> bool {
    let members = batch.members.lock().expect("batch lock");
    members.finished >= members.joined
}

fn close_if_settled(group: &GroupCommit, batch: &Arc<Batch>) -> bool {
    let mut open = group.open.lock().expect("group commit lock");
    let mut members = batch.members.lock().expect("batch lock");
    if members.finished < members.joined {
        return false;
    }
    members.closed = true;
    if open.as_ref().is_some_and(|b| Arc::ptr_eq(b, batch)) {
        *open = None;
    }
    true
}
