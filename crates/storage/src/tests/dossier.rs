//! The dossier event log: creation with codes, appends with optimistic concurrency,
//! idempotency, and tamper detection by `verify_audit_chain`.

use time::OffsetDateTime;
use time::macros::{date, datetime};
use uuid::Uuid;

use crate::Db;
use crate::dossier::{
    Append, Built, Creation, DossierIndex, DossierWriteError, Idempotency, IdempotentResponse,
    NewDossier, NewEvent, OutboxMessage, Written,
};
use crate::testing::TestDb;

const AGENCY: &str = "000.00.03.H27";

pub(super) fn index(status: &str) -> DossierIndex {
    DossierIndex {
        status: status.into(),
        holder_agency_code: AGENCY.into(),
        assigned_officer: None,
        received_at: None,
        due_at: Some(datetime!(2026-12-02 10:00 UTC)),
        finished_at: None,
        supplement_count: 0,
        timeliness: None,
        overdue_after: None,
    }
}

fn event(kind: &str, at: OffsetDateTime) -> NewEvent {
    NewEvent {
        kind: kind.into(),
        actor: r#"{"kind":"applicant"}"#.into(),
        payload: format!(r#"{{"note":"{kind}"}}"#),
        recorded_at: at,
    }
}

pub(super) fn new_dossier() -> NewDossier {
    NewDossier {
        id: Uuid::now_v7(),
        agency_code: AGENCY.into(),
        code_date: date!(2026 - 11 - 27),
        procedure_code: "1.000894".into(),
        channel: "online".into(),
        applicant_name: "Nguyễn Văn A".into(),
        applicant_contact: Some("0912 345 678".into()),
        phone_last4: Some("5678".into()),
        id_last4: None,
        submitted_at: datetime!(2026-11-27 02:15:30.123456789 UTC),
        applicant_account: None,
        personal_id_hash: None,
    }
}

pub(super) async fn create(
    db: &Db,
    idem: Option<&Idempotency>,
) -> Written<crate::dossier::StoredDossier> {
    db.create_dossier(
        &new_dossier(),
        Creation {
            make_code: &|n| format!("{AGENCY}-261127-{n:04}"),
            build: &|code| {
                Ok(Built {
                    events: vec![event(
                        "submitted",
                        datetime!(2026-11-27 02:15:30.123456789 UTC),
                    )],
                    index: index("submitted"),
                    state: format!(r#"{{"code":"{code}"}}"#),
                    outbox: vec![OutboxMessage {
                        topic: "notify.applicant".into(),
                        payload: "{}".into(),
                    }],
                    answer: Some(IdempotentResponse {
                        status: 201,
                        body: format!(r#"{{"code":"{code}"}}"#),
                    }),
                    papers: Vec::new(),
                })
            },
            idempotency: idem,
            from_draft: None,
        },
    )
    .await
    .expect("create")
}

pub(super) fn done<T>(w: Written<T>) -> T {
    match w {
        Written::Done(v) => v,
        Written::Replayed(r) => panic!("unexpected replay {r:?}"),
    }
}

#[tokio::test]
async fn dossier_codes_count_per_agency_per_day() {
    let test = TestDb::seeded().await.expect("db");
    let first = done(create(&test.db, None).await);
    let second = done(create(&test.db, None).await);
    assert_eq!(first.code, format!("{AGENCY}-261127-0001"));
    assert_eq!(second.code, format!("{AGENCY}-261127-0002"));
    let stored = test
        .db
        .dossier_by_code(&first.code)
        .await
        .expect("read")
        .expect("found");
    assert_eq!(stored, first);
}

#[tokio::test]
async fn a_refused_creation_writes_nothing_and_spends_no_number() {
    let test = TestDb::seeded().await.expect("db");
    let refused = test
        .db
        .create_dossier(
            &new_dossier(),
            Creation {
                make_code: &|n| format!("{AGENCY}-261127-{n:04}"),
                build: &|_| Err("the procedure is not offered online".into()),
                idempotency: None,
                from_draft: None,
            },
        )
        .await;
    assert!(matches!(refused, Err(DossierWriteError::Refused(r)) if r.message.contains("online")));
    let first = done(create(&test.db, None).await);
    assert_eq!(first.code, format!("{AGENCY}-261127-0001"));
}

#[tokio::test]
async fn concurrent_submissions_never_share_a_code() {
    let test = TestDb::seeded().await.expect("db");
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let db = test.db.clone();
        tasks.push(tokio::spawn(
            async move { done(create(&db, None).await).code },
        ));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.expect("task"));
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 12);
}

#[tokio::test]
async fn a_retried_submission_with_the_same_key_makes_no_second_dossier() {
    let test = TestDb::seeded().await.expect("db");
    let idem = Idempotency {
        scope: "portal".into(),
        key: "k-1".into(),
        request_hash: vec![1, 2, 3],
    };
    let first = done(create(&test.db, Some(&idem)).await);
    match create(&test.db, Some(&idem)).await {
        Written::Replayed(r) => assert_eq!(r.body, format!(r#"{{"code":"{}"}}"#, first.code)),
        Written::Done(d) => panic!("second dossier {}", d.code),
    }
    let other = Idempotency {
        request_hash: vec![9],
        ..idem
    };
    let err = test
        .db
        .create_dossier(
            &new_dossier(),
            Creation {
                make_code: &|n| n.to_string(),
                build: &|_| Err("must not be called".into()),
                idempotency: Some(&other),
                from_draft: None,
            },
        )
        .await;
    assert!(matches!(err, Err(DossierWriteError::KeyReused)));
}

#[tokio::test]
async fn appends_are_refused_when_someone_else_wrote_first() {
    let test = TestDb::seeded().await.expect("db");
    let d = done(create(&test.db, None).await);
    let e = [event("accepted", datetime!(2026-11-27 03:00 UTC))];
    let count = done(
        test.db
            .append_events(
                d.id,
                1,
                Append {
                    events: &e,
                    index: &index("accepted"),
                    state: "{}",
                    outbox: &[],
                    idempotency: None,
                    papers: &[],
                    payments: &[],
                },
            )
            .await
            .expect("append"),
    );
    assert_eq!(count, 2);
    let stale = test
        .db
        .append_events(
            d.id,
            1,
            Append {
                events: &e,
                index: &index("accepted"),
                state: "{}",
                outbox: &[],
                idempotency: None,
                papers: &[],
                payments: &[],
            },
        )
        .await;
    assert!(matches!(
        stale,
        Err(DossierWriteError::Conflict { expected: 1 })
    ));
    let missing = test
        .db
        .append_events(
            Uuid::now_v7(),
            0,
            Append {
                events: &e,
                index: &index("accepted"),
                state: "{}",
                outbox: &[],
                idempotency: None,
                papers: &[],
                payments: &[],
            },
        )
        .await;
    assert!(matches!(missing, Err(DossierWriteError::NotFound)));
    let events = test.db.dossier_events(d.id).await.expect("events");
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(events[1].prev_hash, events[0].hash);
}

async fn tamper(test: &TestDb, statement: &str) {
    test.execute_raw(statement).await.expect("tamper statement");
}

async fn three_dossiers(db: &Db) -> Vec<String> {
    let mut codes = Vec::new();
    for _ in 0..3 {
        let d = done(create(db, None).await);
        for (i, kind) in ["accepted", "processing"].iter().enumerate() {
            let at = datetime!(2026-11-27 03:00 UTC) + time::Duration::minutes(i as i64);
            done(
                db.append_events(
                    d.id,
                    1 + i as i64,
                    Append {
                        events: &[event(kind, at)],
                        index: &index(kind),
                        state: "{}",
                        outbox: &[],
                        idempotency: None,
                        papers: &[],
                        payments: &[],
                    },
                )
                .await
                .expect("append"),
            );
        }
        codes.push(d.code);
    }
    codes
}

#[tokio::test]
async fn an_untouched_log_verifies() {
    let test = TestDb::seeded().await.expect("db");
    three_dossiers(&test.db).await;
    test.db
        .write_checkpoint(OffsetDateTime::now_utc())
        .await
        .expect("checkpoint");
    let report = test.db.verify_audit_chain().await.expect("verify");
    assert_eq!(report.first_broken, None);
    assert_eq!(
        (report.dossiers, report.events, report.checkpoints),
        (3, 9, 1)
    );
}

#[tokio::test]
async fn an_edited_event_is_named_by_verification() {
    let test = TestDb::seeded().await.expect("db");
    let codes = three_dossiers(&test.db).await;
    tamper(&test, &format!(
            "update dossier_event set payload = '{{\"note\":\"forged\"}}' where seq = 2 and dossier_id = \
             (select id from dossier where code = '{}')",
            codes[1]
        ),
    )
    .await;
    let broken = test
        .db
        .verify_audit_chain()
        .await
        .expect("verify")
        .first_broken
        .expect("broken");
    assert_eq!(
        (broken.dossier.as_str(), broken.seq),
        (codes[1].as_str(), 2)
    );
    assert!(broken.reason.contains("edited"), "{}", broken.reason);
}

#[tokio::test]
async fn a_removed_event_is_named_by_verification() {
    let test = TestDb::seeded().await.expect("db");
    let codes = three_dossiers(&test.db).await;
    tamper(&test, &format!(
            "delete from dossier_event where seq = 2 and dossier_id = (select id from dossier where code = '{}')",
            codes[0]
        ),
    )
    .await;
    let broken = test
        .db
        .verify_audit_chain()
        .await
        .expect("verify")
        .first_broken
        .expect("broken");
    assert_eq!(
        (broken.dossier.as_str(), broken.seq),
        (codes[0].as_str(), 3)
    );
}

#[tokio::test]
async fn a_removed_dossier_is_caught_by_the_checkpoint() {
    let test = TestDb::seeded().await.expect("db");
    let codes = three_dossiers(&test.db).await;
    test.db
        .write_checkpoint(OffsetDateTime::now_utc())
        .await
        .expect("checkpoint");
    for table in ["outbox", "dossier_event"] {
        tamper(
            &test,
            &format!(
                "delete from {table} where dossier_id = (select id from dossier where code = '{}')",
                codes[2]
            ),
        )
        .await;
    }
    tamper(
        &test,
        &format!("delete from dossier where code = '{}'", codes[2]),
    )
    .await;
    let broken = test
        .db
        .verify_audit_chain()
        .await
        .expect("verify")
        .first_broken
        .expect("broken");
    assert_eq!(broken.dossier, "checkpoint 1");
    assert!(broken.reason.contains("removed"), "{}", broken.reason);
}

#[tokio::test]
async fn contacts_with_a_personal_id_in_clear_are_found_replaced_only_if_unchanged_and_found_by_hash()
 {
    let test = TestDb::seeded().await.expect("db");
    let d = done(create(&test.db, None).await);
    assert!(
        test.db
            .contacts_with_clear_personal_id(10)
            .await
            .expect("query")
            .is_empty(),
        "a plain contact line holds no personal ID"
    );
    let clear = r#"{"phone":"0912345678","personal_id":"001099012345"}"#;
    assert!(
        test.db
            .replace_contact(d.id, "0912 345 678", clear, None)
            .await
            .expect("replace")
    );
    let found = test
        .db
        .contacts_with_clear_personal_id(10)
        .await
        .expect("query");
    assert_eq!(found, vec![(d.id, clear.to_owned())]);
    assert!(
        !test
            .db
            .replace_contact(d.id, "something else", "{}", None)
            .await
            .expect("replace"),
        "replaced although the contact had changed"
    );
    let sealed = r#"{"phone":"0912345678","personal_id_hash":"ab","personal_id_sealed":"v1:cd"}"#;
    assert!(
        test.db
            .replace_contact(d.id, clear, sealed, Some("ab"))
            .await
            .expect("replace")
    );
    assert!(
        test.db
            .contacts_with_clear_personal_id(10)
            .await
            .expect("query")
            .is_empty()
    );
    let found = test
        .db
        .dossiers_by_personal_id("ab", &d.agency_code, 10)
        .await
        .expect("look-up");
    assert_eq!(
        found.iter().map(|f| &f.code).collect::<Vec<_>>(),
        vec![&d.code]
    );
    assert!(
        test.db
            .dossiers_by_personal_id("ab", "another-unit", 10)
            .await
            .expect("look-up")
            .is_empty(),
        "another unit's search found the dossier"
    );
    assert!(
        test.db
            .dossiers_by_personal_id("cd", &d.agency_code, 10)
            .await
            .expect("look-up")
            .is_empty()
    );
}
