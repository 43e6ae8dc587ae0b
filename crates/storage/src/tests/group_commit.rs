//! Group commit: concurrent creations share commits, each keeps or loses only its own work, and a
//! request that goes away mid-write leaves nothing behind.

use crate::StorageError;
use crate::dossier::group_commit::Undo;
use crate::dossier::{
    BuildRefusal, Built, Creation, DossierWriteError, Idempotency, IdempotentResponse, Written,
};
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
    let mut turn = dropped
        .begin(&test.db, Undo::Savepoint)
        .await
        .expect("turn");
    turn.tx().insert_scratch("dropped").await.expect("insert");
    // The request's future is dropped here: no `end`, no `finish`.
    drop(turn);
    drop(dropped);
    let mut turn = kept
        .begin(&test.db, Undo::Savepoint)
        .await
        .expect("turn after a dropped one");
    turn.tx().insert_scratch("kept").await.expect("insert");
    turn.end(true).await.expect("end");
    kept.committed().await.expect("committed");
    assert_eq!(test.db.scratch_payloads().await.expect("read"), ["kept"]);

    // Alone in its batch, a dropped creation is rolled back by the committer.
    let alone = group.join(&test.db);
    let mut turn = alone.begin(&test.db, Undo::Savepoint).await.expect("turn");
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
    let mut turn = refused
        .begin(&test.db, Undo::Savepoint)
        .await
        .expect("turn");
    turn.tx().insert_scratch("refused").await.expect("insert");
    turn.end(false).await.expect("roll back");
    refused.finish();
    let mut turn = accepted
        .begin(&test.db, Undo::Savepoint)
        .await
        .expect("turn");
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
    let mut turn = abandoned
        .begin(&test.db, Undo::Savepoint)
        .await
        .expect("turn");
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
    match waiting.begin(&test.db, Undo::Savepoint).await {
        Err(crate::StorageError::GroupCommitFailed(_)) => {}
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("a turn in a batch that cannot commit"),
    }
    waiting.finish();

    // A request arriving now is not put in the failed batch.
    let fresh = group.join(&test.db);
    let outcome = waiting.committed();
    let mut turn = fresh
        .begin(&test.db, Undo::Savepoint)
        .await
        .expect("a new batch");
    turn.tx().insert_scratch("kept").await.expect("insert");
    turn.end(true).await.expect("keep");
    let (failed, kept) = tokio::join!(outcome, fresh.committed());
    assert!(failed.is_err(), "the failed batch's member is told");
    kept.expect("the new batch commits");
    assert_eq!(test.db.scratch_payloads().await.expect("read"), ["kept"]);
}

#[tokio::test]
async fn a_retry_in_the_same_batch_as_its_first_request_replays_the_first_answer() {
    let test = TestDb::seeded().await.expect("db");
    let idem = Idempotency {
        scope: "api:client:test".into(),
        key: "same-key".into(),
        request_hash: vec![7; 32],
    };
    let build = |code: &str| -> Result<Built, BuildRefusal> {
        Ok(Built {
            answer: Some(IdempotentResponse {
                status: 201,
                body: format!(r#"{{"code":"{code}"}}"#),
            }),
            ..built(code)
        })
    };
    let make_code = |n: i64| format!("{AGENCY}-261127-{n:04}");
    let creation = |idempotency| Creation {
        make_code: &make_code,
        build: &build,
        idempotency: Some(idempotency),
        from_draft: None,
    };
    let (one, two, three) = (new_dossier(), new_dossier(), new_dossier());
    // Joined in one task, both requests take their turns in the same batch: the second finds the
    // first's answer before the database holds it.
    let (first, retry) = tokio::join!(
        test.db.create_dossier(&one, creation(&idem)),
        test.db.create_dossier(&two, creation(&idem))
    );
    let Ok(Written::Done(stored)) = first else {
        panic!("first: {first:?}");
    };
    let Ok(Written::Replayed(answer)) = retry else {
        panic!("retry: {retry:?}");
    };
    assert_eq!(answer.body, format!(r#"{{"code":"{}"}}"#, stored.code));
    assert_eq!(test.db.group_commit_counts(), (1, 1));
    // After the commit the answer is the database's, for a retry in a later batch.
    let Ok(Written::Replayed(later)) = test.db.create_dossier(&three, creation(&idem)).await else {
        panic!("a later retry must replay");
    };
    assert_eq!(later, answer);
    let other = Idempotency {
        request_hash: vec![8; 32],
        ..idem.clone()
    };
    let reused = test.db.create_dossier(&three, creation(&other)).await;
    assert!(
        matches!(reused, Err(DossierWriteError::KeyReused)),
        "{reused:?}"
    );
}

#[tokio::test]
async fn rows_that_cannot_be_written_fail_their_whole_batch_and_the_next_batch_starts_afresh() {
    let test = TestDb::seeded().await.expect("db");
    // Two creations that take the same code: the batch's dossier insert breaks the unique code.
    let create = |id: u32| {
        let db = test.db.clone();
        async move {
            let written = db
                .create_dossier(
                    &new_dossier(),
                    Creation {
                        make_code: &|_| format!("{AGENCY}-261127-0001"),
                        build: &|code| Ok(built(code)),
                        idempotency: None,
                        from_draft: None,
                    },
                )
                .await;
            (id, written)
        }
    };
    let (a, b) = tokio::join!(create(1), create(2));
    for (id, written) in [a, b] {
        match written {
            Err(DossierWriteError::Storage(e)) => assert!(e.is_unavailable(), "{id}: {e}"),
            other => panic!("creation {id} must fail with its batch: {other:?}"),
        }
    }
    assert!(
        test.db
            .dossier_by_code(&format!("{AGENCY}-261127-0001"))
            .await
            .expect("read")
            .is_none()
    );
    let written = test
        .db
        .create_dossier(
            &new_dossier(),
            Creation {
                make_code: &|n| format!("{AGENCY}-261127-{n:04}"),
                build: &|code| Ok(built(code)),
                idempotency: None,
                from_draft: None,
            },
        )
        .await;
    // The failed batch's counter was rolled back with it: the number is taken afresh.
    let Ok(Written::Done(stored)) = written else {
        panic!("{written:?}");
    };
    assert_eq!(stored.code, format!("{AGENCY}-261127-0001"));
}

#[tokio::test]
async fn a_dossier_for_an_unknown_agency_fails_alone() {
    let test = TestDb::seeded().await.expect("db");
    let unknown = crate::dossier::NewDossier {
        agency_code: "999.99.99.X99".into(),
        ..new_dossier()
    };
    let make_code = |n: i64| format!("X-{n:04}");
    let build = |code: &str| -> Result<Built, BuildRefusal> { Ok(built(code)) };
    let creation = || Creation {
        make_code: &make_code,
        build: &build,
        idempotency: None,
        from_draft: None,
    };
    let known = new_dossier();
    let (bad, good) = tokio::join!(
        test.db.create_dossier(&unknown, creation()),
        test.db.create_dossier(&known, creation())
    );
    assert!(
        matches!(
            bad,
            Err(DossierWriteError::Storage(
                StorageError::InvalidReferenceData(_)
            ))
        ),
        "{bad:?}"
    );
    assert!(matches!(good, Ok(Written::Done(_))), "{good:?}");
}

#[tokio::test]
async fn a_claim_dropped_or_refused_mid_turn_is_withdrawn_so_the_retry_is_carried_out() {
    let test = TestDb::seeded().await.expect("db");
    let group = test.db.group_commit().clone();
    let idem = |key: &str| Idempotency {
        scope: "api:client:test".into(),
        key: key.into(),
        request_hash: vec![7; 32],
    };
    let answer = |code: &str| IdempotentResponse {
        status: 201,
        body: format!(r#"{{"code":"{code}"}}"#),
    };
    let make_code = |n: i64| format!("{AGENCY}-261127-{n:04}");
    let build = |code: &str| -> Result<Built, BuildRefusal> {
        Ok(Built {
            answer: Some(answer(code)),
            ..built(code)
        })
    };
    let refuse = |_: &str| -> Result<Built, BuildRefusal> { Err("refused on purpose".into()) };

    // A request that claims its key without a savepoint, then goes away before its rows are
    // left: the retry in the same batch deletes the claim first, so it is carried out rather
    // than answered with the empty answer of a claim.
    let dropped = group.join(&test.db);
    let retry = group.join(&test.db);
    let mut turn = dropped
        .begin(&test.db, Undo::DeleteClaim)
        .await
        .expect("turn");
    let claimed = turn.claim_idempotency(&idem("dropped")).await;
    assert!(matches!(claimed, Ok(None)), "{claimed:?}");
    drop(turn);
    drop(dropped);
    drop(retry);
    let first = test
        .db
        .create_dossier(
            &new_dossier(),
            Creation {
                make_code: &make_code,
                build: &build,
                idempotency: Some(&idem("dropped")),
                from_draft: None,
            },
        )
        .await;
    let Ok(Written::Done(stored)) = first else {
        panic!("the retry of a dropped request must be carried out: {first:?}");
    };

    // A refused creation withdraws its claim too: the same key, sent again with a request that
    // passes, creates a dossier.
    let key = idem("refused");
    let refusing = Creation {
        make_code: &make_code,
        build: &refuse,
        idempotency: Some(&key),
        from_draft: None,
    };
    let refused = test.db.create_dossier(&new_dossier(), refusing).await;
    assert!(
        matches!(refused, Err(DossierWriteError::Refused(_))),
        "{refused:?}"
    );
    let passing = Creation {
        make_code: &make_code,
        build: &build,
        idempotency: Some(&key),
        from_draft: None,
    };
    let passed = test.db.create_dossier(&new_dossier(), passing).await;
    let Ok(Written::Done(second)) = passed else {
        panic!("the key of a refused request is free: {passed:?}");
    };
    assert_eq!(second.code, make_code(2), "a refusal spends no number");

    // Each key now replays its one answer, and a claim with no answer is left nowhere.
    for (key, stored) in [("dropped", &stored), ("refused", &second)] {
        let again = test
            .db
            .create_dossier(
                &new_dossier(),
                Creation {
                    make_code: &make_code,
                    build: &build,
                    idempotency: Some(&idem(key)),
                    from_draft: None,
                },
            )
            .await;
        let Ok(Written::Replayed(replayed)) = again else {
            panic!("{key}: {again:?}");
        };
        assert_eq!(replayed, answer(&stored.code));
    }
    assert_eq!(test.db.group_commit_counts().1, 2);
}
