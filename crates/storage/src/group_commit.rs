//! Group commit: dossier creations that arrive together share one transaction and one durable
//! commit, so the disk's sync — the cost every acknowledged submission must pay (Decree
//! 45/2020/ND-CP art. 11: an online dossier counts as received when the system acknowledges it)
//! — is paid once per batch instead of once per dossier.
//!
//! How a batch works:
//! - Each creation [`join`](GroupCommit::join)s the open batch (or opens one) and does its work in
//!   a [`Turn`]: the batch's transaction, held exclusively, inside a savepoint of its own. A refusal
//!   or an error rolls back that savepoint only; the other creations keep theirs.
//! - A creation is answered only after the shared commit has returned
//!   ([`Member::committed`]): nothing is acknowledged before it is durable.
//! - A batch closes when every member has finished its turn and one yield of the executor brought
//!   no one new, or when it holds [`MAX_MEMBERS`]. A committer task then commits it.
//! - Batches follow one another: a batch's transaction begins only after the previous batch has
//!   committed. Two open batches on PostgreSQL would each hold the row lock of some agency's code
//!   counter and wait on the other's; one at a time they cannot.
//! - A request dropped in the middle of its turn (its client went away) leaves its savepoint open.
//!   The next user of the transaction, or the committer, rolls it back. If even that fails, the
//!   whole batch is rolled back and every member gets [`StorageError::GroupCommitFailed`], an
//!   "unavailable" answer: the client retries with its idempotency key, and nothing half-written
//!   is kept.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as AsyncMutex, Notify, OwnedMutexGuard, watch};

use crate::StorageError;
use crate::db::{Db, Tx, exec_tx};

/// Most creations one batch carries: enough to amortise the sync many times over, few enough
/// that the last member of a batch does not wait long behind the others' turns.
pub(crate) const MAX_MEMBERS: usize = 64;

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
    outcome: watch::Sender<Option<Result<(), String>>>,
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
    /// A savepoint whose turn was dropped before it ended.
    dangling: Option<String>,
    /// Why the batch can no longer commit.
    poisoned: Option<String>,
    /// Creations kept (their savepoint released), counted when the batch commits.
    kept: u64,
}

impl std::fmt::Debug for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Work")
            .field("open", &self.tx.is_some())
            .field("dangling", &self.dangling)
            .field("poisoned", &self.poisoned)
            .field("kept", &self.kept)
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
        if let Some(batch) = open.as_ref() {
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
        let (outcome, _) = watch::channel(None);
        let batch = Arc::new(Batch {
            work: Default::default(),
            members: Mutex::new(Members {
                joined: 1,
                ..Members::default()
            }),
            settled: Notify::new(),
            outcome,
        });
        *open = Some(batch.clone());
        drop(open);
        tokio::spawn(commit_when_settled(self.clone(), db.clone(), batch.clone()));
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
    /// turn, for the previous batch's commit) and opens this creation's savepoint in it.
    pub(crate) async fn begin(&self, db: &Db) -> Result<Turn, StorageError> {
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
            match db.begin().await {
                Ok(tx) => work.tx = Some(tx),
                Err(e) => {
                    work.writing = None;
                    work.poisoned = Some(e.to_string());
                    return Err(e);
                }
            }
        }
        clean_dangling(&mut work).await?;
        let savepoint = format!("m{}", group.savepoints.fetch_add(1, Ordering::Relaxed));
        let tx = work.tx.as_mut().expect("transaction begun above");
        if let Err(e) = savepoint_statement(tx, &format!("savepoint {savepoint}")).await {
            work.poisoned = Some(e.to_string());
            return Err(e);
        }
        Ok(Turn {
            work,
            savepoint,
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
        let mut outcome = self.batch.outcome.subscribe();
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

/// One creation's exclusive use of the batch's transaction, inside its own savepoint.
pub(crate) struct Turn {
    work: OwnedMutexGuard<Work>,
    savepoint: String,
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

    /// Ends the turn: `keep` releases the savepoint (its rows commit with the batch); otherwise
    /// they are rolled back and the batch goes on without them.
    pub(crate) async fn end(mut self, keep: bool) -> Result<(), StorageError> {
        self.ended = true;
        let savepoint = std::mem::take(&mut self.savepoint);
        let tx = self.tx();
        let result = if keep {
            savepoint_statement(tx, &format!("release savepoint {savepoint}")).await
        } else {
            rollback_savepoint(tx, &savepoint).await
        };
        match result {
            Ok(()) => {
                if keep {
                    self.work.kept += 1;
                }
                Ok(())
            }
            Err(e) => {
                // The transaction's state is unknown now: nothing in it may commit.
                self.work.poisoned = Some(e.to_string());
                Err(e)
            }
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if !self.ended {
            self.work.dangling = Some(std::mem::take(&mut self.savepoint));
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

/// Rolls back the savepoint of a turn that was dropped mid-way; poisons the batch if it cannot.
async fn clean_dangling(work: &mut Work) -> Result<(), StorageError> {
    let Some(savepoint) = work.dangling.take() else {
        return Ok(());
    };
    let Some(tx) = work.tx.as_mut() else {
        return Ok(());
    };
    if let Err(e) = rollback_savepoint(tx, &savepoint).await {
        let reason = format!("an abandoned creation could not be rolled back: {e}");
        work.poisoned = Some(reason.clone());
        return Err(StorageError::GroupCommitFailed(reason));
    }
    Ok(())
}

/// The committer of one batch: waits until it settles, closes it, commits, and tells the members.
async fn commit_when_settled(group: Arc<GroupCommit>, db: Db, batch: Arc<Batch>) {
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
                Some(tx) => tx.commit().await.map_err(|e| e.to_string()),
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
    batch.outcome.send_replace(Some(outcome));
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
