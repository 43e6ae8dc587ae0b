//! What the officers' desk reads and writes: concurrent appends of one version, inboxes in
//! deadline order with their filters, and officer sessions that end with the account.

use domain::dossier::Status;
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::Db;
use crate::dossier::{
    Append, Built, Creation, DossierIndex, DossierWriteError, Idempotency, IdempotentResponse,
    NewDossier, NewEvent, Written,
};
use crate::inbox::{InboxQuery, statements};
use crate::officers::NewOfficer;
use crate::testing::TestDb;

const UNIT: &str = "000.00.03.H27";

fn event(kind: &str) -> NewEvent {
    NewEvent {
        kind: kind.into(),
        actor: r#"{"kind":"system","job":"test"}"#.into(),
        payload: "{}".into(),
        recorded_at: datetime!(2026-11-27 03:00 UTC),
    }
}

async fn dossier(
    db: &Db,
    status: &str,
    due: Option<OffsetDateTime>,
    officer: Option<&str>,
) -> (Uuid, String) {
    let id = Uuid::now_v7();
    let is_open = Status::parse(status).is_some_and(|s| Status::OPEN.contains(&s));
    let new = NewDossier {
        id,
        agency_code: UNIT.into(),
        code_date: date!(2026 - 11 - 27),
        procedure_code: "1.000894".into(),
        channel: "counter".into(),
        applicant_name: "Lê Văn C".into(),
        applicant_contact: None,
        phone_last4: Some("1234".into()),
        id_last4: None,
        submitted_at: datetime!(2026-11-27 02:00 UTC),
        applicant_account: None,
        personal_id_hash: None,
    };
    let index = DossierIndex {
        status: status.into(),
        holder_agency_code: UNIT.into(),
        assigned_officer: officer.map(str::to_owned),
        received_at: due.map(|d| d - Duration::days(5)),
        due_at: due,
        finished_at: None,
        supplement_count: 0,
        // As the domain records it: an open dossier is overdue after its due time, unless its
        // clock is stopped for a supplement (then never, while it waits).
        timeliness: Some(if is_open { "open" } else { "on_time" }.into()),
        overdue_after: due.filter(|_| is_open && status != "supplement_requested"),
    };
    let written = db
        .create_dossier(
            &new,
            Creation {
                make_code: &|n| format!("{UNIT}-261127-{n:04}"),
                build: &|_| {
                    Ok(Built {
                        events: vec![event("submitted")],
                        index: index.clone(),
                        state: "{}".into(),
                        outbox: Vec::new(),
                        answer: None,
                        papers: Vec::new(),
                    })
                },
                idempotency: None,
                from_draft: None,
            },
        )
        .await
        .expect("create");
    match written {
        Written::Done(d) => (id, d.code),
        Written::Replayed(_) => panic!("no key, no replay"),
    }
}

#[tokio::test]
async fn concurrent_appends_of_one_version_make_one_winner_and_conflicts_not_errors() {
    let test = TestDb::seeded().await.expect("db");
    let (id, _) = dossier(&test.db, "accepted", None, None).await;
    let events = [event("assigned")];
    let index = DossierIndex {
        status: "processing".into(),
        holder_agency_code: UNIT.into(),
        assigned_officer: Some("h1".into()),
        received_at: None,
        due_at: None,
        finished_at: None,
        supplement_count: 0,
        timeliness: None,
        overdue_after: None,
    };
    let attempts = (0..6).map(|_| {
        let db = test.db.clone();
        let (events, index) = (events.clone(), index.clone());
        tokio::spawn(async move {
            db.append_events(
                id,
                1,
                Append {
                    events: &events,
                    index: &index,
                    state: "{}",
                    outbox: &[],
                    idempotency: None,
                    papers: &[],
                    payments: &[],
                },
            )
            .await
        })
    });
    let mut won = 0;
    for attempt in attempts {
        match attempt.await.expect("task") {
            Ok(Written::Done(2)) => won += 1,
            Err(DossierWriteError::Conflict { expected: 1 }) => {}
            other => panic!("neither a win nor a conflict: {other:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(test.db.dossier_events(id).await.expect("events").len(), 2);
}

#[tokio::test]
async fn a_key_sent_twice_at_once_is_answered_once_and_replayed_once() {
    let test = TestDb::seeded().await.expect("db");
    let (id, _) = dossier(&test.db, "accepted", None, None).await;
    let idem = Idempotency {
        scope: "form:test".into(),
        key: "double-click".into(),
        request_hash: vec![7; 32],
    };
    let answer = IdempotentResponse {
        status: 303,
        body: "/done".into(),
    };
    let run = |db: Db, idem: Idempotency, answer: IdempotentResponse| async move {
        let events = [event("assigned")];
        let index = DossierIndex {
            status: "processing".into(),
            holder_agency_code: UNIT.into(),
            assigned_officer: None,
            received_at: None,
            due_at: None,
            finished_at: None,
            supplement_count: 0,
            timeliness: None,
            overdue_after: None,
        };
        db.append_events(
            id,
            1,
            Append {
                events: &events,
                index: &index,
                state: "{}",
                outbox: &[],
                idempotency: Some((&idem, &answer)),
                papers: &[],
                payments: &[],
            },
        )
        .await
    };
    let a = tokio::spawn(run(test.db.clone(), idem.clone(), answer.clone()));
    let b = tokio::spawn(run(test.db.clone(), idem.clone(), answer.clone()));
    let outcomes = [a.await.expect("task"), b.await.expect("task")];
    let done = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Written::Done(_))))
        .count();
    assert_eq!(done, 1, "{outcomes:?}");
    for o in &outcomes {
        assert!(
            matches!(
                o,
                Ok(Written::Done(_))
                    | Ok(Written::Replayed(_))
                    | Err(DossierWriteError::Conflict { .. })
            ),
            "{o:?}"
        );
    }
    let recorded = test.db.idempotent_answer(&idem).await.expect("answer");
    assert_eq!(recorded, Some(answer));
}

#[tokio::test]
async fn an_inbox_lists_the_units_open_dossiers_soonest_due_first_with_its_filters() {
    let test = TestDb::seeded().await.expect("db");
    let db = &test.db;
    let now = datetime!(2026-11-27 03:00 UTC);
    let (_, late) = dossier(db, "processing", Some(now - Duration::hours(2)), Some("h1")).await;
    let (_, later) = dossier(db, "processing", Some(now + Duration::days(3)), Some("h2")).await;
    let (_, soon) = dossier(db, "accepted", Some(now + Duration::hours(5)), None).await;
    let (_, new) = dossier(db, "submitted", None, None).await;
    let (_, _done) = dossier(db, "returned", Some(now - Duration::days(1)), None).await;
    let open = ["submitted", "accepted", "processing"]
        .map(String::from)
        .to_vec();
    let query = |statuses: Vec<String>| InboxQuery {
        holder_agency_code: UNIT.into(),
        assigned_officer: None,
        statuses,
        due_by: None,
        overdue_at: None,
        limit: 50,
        offset: 0,
    };
    // A chosen set of statuses is bound as parameters; every open status is written as literals
    // and read through the partial index of migration 0014: both must list the same.
    let every_open: Vec<String> = Status::OPEN.iter().map(|s| s.as_str().to_owned()).collect();
    for open in [open, every_open] {
        let page = db.inbox(&query(open.clone())).await.expect("inbox");
        let codes: Vec<&str> = page.items.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(
            codes,
            vec![late.as_str(), soon.as_str(), later.as_str(), new.as_str()]
        );
        assert_eq!(page.total, 4);

        let overdue = db
            .inbox(&InboxQuery {
                overdue_at: Some(now),
                ..query(open.clone())
            })
            .await
            .expect("overdue");
        assert_eq!(overdue.items.len(), 1);
        assert_eq!(overdue.items[0].code, late);

        let mine = db
            .inbox(&InboxQuery {
                assigned_officer: Some("h2".into()),
                ..query(open.clone())
            })
            .await
            .expect("mine");
        assert_eq!(mine.total, 1);
        assert_eq!(mine.items[0].code, later);

        let second_page = db
            .inbox(&InboxQuery {
                limit: 2,
                offset: 2,
                ..query(open)
            })
            .await
            .expect("page 2");
        assert_eq!(second_page.items.len(), 2);
        assert_eq!(second_page.total, 4);
    }
}

#[tokio::test]
async fn the_overdue_inbox_leaves_out_a_dossier_waiting_for_papers_requested_in_time() {
    let test = TestDb::seeded().await.expect("db");
    let db = &test.db;
    let now = datetime!(2026-11-27 03:00 UTC);
    let (_, late) = dossier(db, "processing", Some(now - Duration::hours(2)), Some("h1")).await;
    let (_, waiting) = dossier(
        db,
        "supplement_requested",
        Some(now - Duration::hours(3)),
        None,
    )
    .await;
    let query = |overdue_at, due_by| InboxQuery {
        holder_agency_code: UNIT.into(),
        assigned_officer: None,
        statuses: Status::OPEN.iter().map(|s| s.as_str().to_owned()).collect(),
        due_by,
        overdue_at,
        limit: 50,
        offset: 0,
    };
    let overdue = db.inbox(&query(Some(now), None)).await.expect("overdue");
    let codes: Vec<&str> = overdue.items.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, vec![late.as_str()]);
    assert_eq!(overdue.total, 1);
    // Due soon lists the running clocks only, too.
    let soon = db.inbox(&query(None, Some(now))).await.expect("due soon");
    assert_eq!(soon.total, 1);
    // Before its due time nothing is overdue.
    let earlier = db
        .inbox(&query(Some(now - Duration::hours(4)), None))
        .await
        .expect("earlier");
    assert_eq!(earlier.total, 0);
    let all = db.inbox(&query(None, None)).await.expect("all");
    assert!(all.items.iter().any(|d| d.code == waiting));
}

#[tokio::test]
async fn the_default_inbox_reads_its_page_in_order_from_the_open_dossiers_index_on_sqlite() {
    // PostgreSQL chooses its plan by the table's size, so its plan is checked at scale by hand
    // (docs/PERFORMANCE.md); SQLite's choice is fixed by the query's form, which this guards.
    let test = TestDb::seeded().await.expect("db");
    let Db::Sqlite(pools) = &test.db else {
        return;
    };
    let query = InboxQuery {
        holder_agency_code: UNIT.into(),
        assigned_officer: None,
        statuses: Status::OPEN.iter().map(|s| s.as_str().to_owned()).collect(),
        due_by: None,
        overdue_at: None,
        limit: 50,
        offset: 0,
    };
    let sql = format!("explain query plan {}", statements(&query).list);
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(UNIT)
        .fetch_all(&pools.readers)
        .await
        .expect("plan");
    let plan: Vec<&str> = plan.iter().map(|row| row.3.as_str()).collect();
    assert!(
        plan.iter()
            .any(|step| step.contains("dossier_open_queue_idx")),
        "{plan:?}"
    );
    // Only the fifty rows of the page are sorted, not the unit's open dossiers.
    assert_eq!(
        plan.iter()
            .filter(|step| step.contains("TEMP B-TREE FOR ORDER BY"))
            .count(),
        1,
        "{plan:?}"
    );
}

#[tokio::test]
async fn a_disabled_officer_has_no_session_left() {
    let test = TestDb::seeded().await.expect("db");
    let db = &test.db;
    db.create_officer(&NewOfficer {
        id: "o1".into(),
        username: "o1".into(),
        full_name: "Phạm Thị D".into(),
        agency_code: UNIT.into(),
        role: "reception".into(),
        password_hash: "$argon2id$placeholder".into(),
    })
    .await
    .expect("officer");
    assert_eq!(db.officer_count().await.expect("count"), 1);
    let now = OffsetDateTime::now_utc();
    db.create_session(
        crate::sessions::SessionKind::Officer,
        b"hash-1",
        "o1",
        "csrf",
        now,
        now + Duration::hours(12),
    )
    .await
    .expect("session");
    let session = db.session(b"hash-1").await.expect("read").expect("live");
    assert_eq!(session.officer.full_name, "Phạm Thị D");
    assert_eq!(session.csrf_token, "csrf");
    db.disable_officer("o1").await.expect("disable");
    assert!(db.session(b"hash-1").await.expect("read").is_none());
    assert!(db.officers_of(UNIT).await.expect("list").is_empty());
}
