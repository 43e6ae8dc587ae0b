//! Group commit: concurrent creations share commits, each keeps or loses only its own work, and a
//! request that goes away mid-write leaves nothing behind.

use crate::dossier::{Built, Creation, DossierWriteError, Written};
use crate::testing::TestDb;

use super::dossier::{index, new_dossier};

const AGENCY: &str = "000.00.03.H27";

fn built(code: &str) -> Built {
    Built {
        events: Vec::new(),
        index: index("submitted"),
        state: format!(r#"{{"code":"{code}"}}"#),
        outbox: Vec::new(),
        answer: None,
        papers: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creations_share_commits_and_a_refusal_spends_no_number() {
    let test = TestDb::seeded().await.expect("db");
    let mut tasks = Vec::new();
    for i in 0..40 {
        let db = test.db.clone();
        tasks.push(tokio::spawn(async move {
            let refuse = i % 5 == 0;
            let written = db
                .create_dossier(
                    &new_dossier(),
                    Creation {
                        make_code: &|n| format!("{AGENCY}-261127-{n:04}"),
                        build: &|code| {
                            if refuse {
                                Err("refused on purpose".into())
                            } else {
                                Ok(built(code))
                            }
                        },
                        idempotency: None,
                        from_draft: None,
                    },
                )
                .await;
            match written {
                Ok(Written::Done(stored)) => {
                    // Answered means committed: another connection reads it at once.
                    let read = db.dossier_by_code(&stored.code).await.expect("read");
                    assert!(read.is_some(), "{} answered but not readable", stored.code);
                    Some(stored.code)
                }
                Err(DossierWriteError::Refused(_)) if refuse => None,
                other => panic!("creation {i}: {other:?}"),
            }
        }));
    }
    let mut codes = Vec::new();
    for task in tasks {
        codes.extend(task.await.expect("task"));
    }
    codes.sort();
    let expected: Vec<String> = (1..=32)
        .map(|n| format!("{AGENCY}-261127-{n:04}"))
        .collect();
    assert_eq!(codes, expected, "32 distinct codes with no gap");
    let (batches, creations) = test.db.group_commit_counts();
    assert_eq!(creations, 32);
    // Forty requests arriving at once must not each pay a commit of their own.
    assert!(batches < 32, "{batches} commits for 32 creations");
}

#[tokio::test]
async fn a_creation_dropped_mid_turn_leaves_nothing_and_its_batch_mate_commits() {
    let test = TestDb::new().await.expect("db");
    test.db.create_scratch_table().await.expect("table");
    let group = test.db.group_commit().clone();

    let dropped = group.join(&test.db);
    let kept = group.join(&test.db);
    let mut turn = dropped.begin(&test.db).await.expect("turn");
    turn.tx().insert_scratch("dropped").await.expect("insert");
    // The request's future is dropped here: no `end`, no `finish`.
    drop(turn);
    drop(dropped);
    let mut turn = kept
        .begin(&test.db)
        .await
        .expect("turn after a dropped one");
    turn.tx().insert_scratch("kept").await.expect("insert");
    turn.end(true).await.expect("end");
    kept.committed().await.expect("committed");
    assert_eq!(test.db.scratch_payloads().await.expect("read"), ["kept"]);

    // Alone in its batch, a dropped creation is rolled back by the committer.
    let alone = group.join(&test.db);
    let mut turn = alone.begin(&test.db).await.expect("turn");
    turn.tx().insert_scratch("alone").await.expect("insert");
    drop(turn);
    drop(alone);
    let after = group.join(&test.db);
    after
        .committed()
        .await
        .expect("the next batch still commits");
    assert_eq!(test.db.scratch_payloads().await.expect("read"), ["kept"]);
}

#[tokio::test]
async fn a_creation_that_rolls_itself_back_keeps_nothing_and_the_batch_commits_the_rest() {
    let test = TestDb::new().await.expect("db");
    test.db.create_scratch_table().await.expect("table");
    let group = test.db.group_commit().clone();

    let mut refused = group.join(&test.db);
    let mut accepted = group.join(&test.db);
    let mut turn = refused.begin(&test.db).await.expect("turn");
    turn.tx().insert_scratch("refused").await.expect("insert");
    turn.end(false).await.expect("roll back");
    refused.finish();
    let mut turn = accepted.begin(&test.db).await.expect("turn");
    turn.tx().insert_scratch("accepted").await.expect("insert");
    turn.end(true).await.expect("keep");
    accepted.finish();
    // Both wait together: each is answered only by the one shared commit.
    let (a, b) = tokio::join!(refused.committed(), accepted.committed());
    a.expect("refused member's batch committed");
    b.expect("accepted member's batch committed");
    assert_eq!(
        test.db.scratch_payloads().await.expect("read"),
        ["accepted"]
    );
    assert_eq!(test.db.group_commit_counts(), (1, 1));
}

#[tokio::test]
async fn a_batch_that_cannot_undo_an_abandoned_creation_fails_whole_and_new_requests_start_afresh()
{
    let test = TestDb::new().await.expect("db");
    test.db.create_scratch_table().await.expect("table");
    let group = test.db.group_commit().clone();

    let abandoned = group.join(&test.db);
    let mut waiting = group.join(&test.db);
    let mut turn = abandoned.begin(&test.db).await.expect("turn");
    turn.tx().insert_scratch("lost").await.expect("insert");
    // Its savepoint disappears behind the batch's back, then the request goes away: the next
    // member cannot roll it back, so nothing of this batch may commit.
    let release = format!("release savepoint {}", turn.savepoint());
    crate::db::exec_tx!(turn.tx(), |c| sqlx::query(sqlx::AssertSqlSafe(release))
        .execute(c)
        .await)
    .expect("release behind the batch's back");
    drop(turn);
    drop(abandoned);
    match waiting.begin(&test.db).await {
        Err(crate::StorageError::GroupCommitFailed(_)) => {}
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("a turn in a batch that cannot commit"),
    }
    waiting.finish();

    // A request arriving now is not put in the failed batch.
    let fresh = group.join(&test.db);
    let outcome = waiting.committed();
    let mut turn = fresh.begin(&test.db).await.expect("a new batch");
    turn.tx().insert_scratch("kept").await.expect("insert");
    turn.end(true).await.expect("keep");
    let (failed, kept) = tokio::join!(outcome, fresh.committed());
    assert!(failed.is_err(), "the failed batch's member is told");
    kept.expect("the new batch commits");
    assert_eq!(test.db.scratch_payloads().await.expect("read"), ["kept"]);
}
