//! Papers: the content-addressed file store, blobs recorded once, papers attached to a dossier
//! in the same transaction as its creation or a supplement, and application drafts.

use time::macros::{date, datetime};
use uuid::Uuid;

use crate::dossier::{
    Append, Built, Creation, DossierIndex, NewDossier, NewEvent, OutboxMessage, Written,
};
use crate::papers::{NewDossierPaper, PaperPurpose, PaperStore, is_sha256_hex, sha256_hex};
use crate::testing::TestDb;

const AGENCY: &str = "000.00.03.H27";
const PDF: &[u8] = b"%PDF-1.4\n% a tiny test paper\n";

fn index(status: &str) -> DossierIndex {
    DossierIndex {
        status: status.into(),
        holder_agency_code: AGENCY.into(),
        assigned_officer: None,
        received_at: None,
        due_at: None,
        finished_at: None,
        supplement_count: 0,
        timeliness: None,
        overdue_after: None,
    }
}

fn paper(component: &str, sha256: &str, purpose: PaperPurpose) -> NewDossierPaper {
    NewDossierPaper {
        component: component.into(),
        sha256: sha256.into(),
        file_name: "giay-to.pdf".into(),
        media_type: "application/pdf".into(),
        size_bytes: i64::try_from(PDF.len()).expect("small"),
        purpose,
    }
}

#[test]
fn identical_content_is_stored_once_under_its_hash_and_reads_back_checked() {
    let dir = tempfile::tempdir().expect("dir");
    let store = PaperStore::new(dir.path().join("attachments"));
    let first = store.put(PDF).expect("put");
    let again = store.put(PDF).expect("put again");
    assert_eq!(first, again);
    assert_eq!(first.sha256, sha256_hex(PDF));
    assert!(is_sha256_hex(&first.sha256));
    let path = store.path_of(&first.sha256).expect("path");
    assert!(path.starts_with(dir.path().join("attachments").join(&first.sha256[..2])));
    let files: Vec<_> = std::fs::read_dir(path.parent().expect("folder"))
        .expect("list")
        .collect();
    assert_eq!(files.len(), 1, "no temporary file is left behind");
    assert_eq!(
        store.open(&first.sha256).expect("open").as_deref(),
        Some(PDF)
    );
}

#[test]
fn a_name_that_is_not_a_hash_never_reaches_the_file_system() {
    let store = PaperStore::new("/nonexistent");
    assert_eq!(store.path_of("../../etc/passwd"), None);
    assert_eq!(store.path_of(&"A".repeat(64)), None);
    assert_eq!(store.open("../x").expect("no error"), None);
}

#[test]
fn a_stored_file_changed_behind_the_store_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().expect("dir");
    let store = PaperStore::new(dir.path());
    let put = store.put(PDF).expect("put");
    std::fs::write(store.path_of(&put.sha256).expect("path"), b"%PDF-tampered").expect("write");
    assert!(store.open(&put.sha256).is_err());
}

#[tokio::test]
async fn papers_are_attached_with_the_dossier_and_with_a_supplement_in_order() {
    let test = TestDb::seeded().await.expect("db");
    let sha = sha256_hex(PDF);
    test.db
        .record_paper_blob(&sha, "application/pdf", 29)
        .await
        .expect("blob");
    test.db
        .record_paper_blob(&sha, "application/pdf", 29)
        .await
        .expect("recording again changes nothing");
    assert_eq!(
        test.db.paper_blob(&sha).await.expect("read"),
        Some(("application/pdf".to_owned(), 29))
    );
    let at = datetime!(2026-11-27 02:00 UTC);
    let new = NewDossier {
        id: Uuid::now_v7(),
        agency_code: AGENCY.into(),
        code_date: date!(2026 - 11 - 27),
        procedure_code: "1.000894".into(),
        channel: "online".into(),
        applicant_name: "Nguyễn Văn A".into(),
        applicant_contact: None,
        phone_last4: Some("5678".into()),
        id_last4: None,
        submitted_at: at,
        applicant_account: None,
        personal_id_hash: None,
    };
    let event = |kind: &str| NewEvent {
        kind: kind.into(),
        actor: "{}".into(),
        payload: "{}".into(),
        recorded_at: at,
    };
    let draft = Uuid::new_v4();
    test.db
        .create_draft(draft, "1.000894", "{}", None)
        .await
        .expect("draft");
    let created = test
        .db
        .create_dossier(
            &new,
            Creation {
                make_code: &|n| format!("{AGENCY}-261127-{n:04}"),
                build: &|_| {
                    Ok(Built {
                        events: vec![event("submitted")],
                        index: index("submitted"),
                        state: "{}".into(),
                        outbox: vec![],
                        answer: None,
                        papers: vec![
                            paper("Tờ khai", &sha, PaperPurpose::Application),
                            paper("Bản sao CCCD", &sha, PaperPurpose::Application),
                        ],
                    })
                },
                idempotency: None,
                from_draft: Some(draft),
            },
        )
        .await
        .expect("create");
    let Written::Done(created) = created else {
        panic!("not created")
    };
    let marked = test.db.draft(draft).await.expect("read").expect("found");
    assert_eq!(
        marked.submitted_code.as_deref(),
        Some(created.code.as_str()),
        "the draft is marked in the dossier's own transaction"
    );
    test.db
        .append_events(
            created.id,
            1,
            Append {
                events: &[event("supplement_received")],
                index: &index("processing"),
                state: "{}",
                outbox: &[],
                idempotency: None,
                papers: &[paper("Bổ sung", &sha, PaperPurpose::Supplement)],
                payments: &[],
            },
        )
        .await
        .expect("append");
    let papers = test.db.dossier_papers(created.id).await.expect("papers");
    let summary: Vec<(i64, &str, PaperPurpose)> = papers
        .iter()
        .map(|p| (p.position, p.component.as_str(), p.purpose))
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, "Tờ khai", PaperPurpose::Application),
            (2, "Bản sao CCCD", PaperPurpose::Application),
            (3, "Bổ sung", PaperPurpose::Supplement),
        ]
    );
    assert!(papers.iter().all(|p| p.sha256 == sha));
}

#[tokio::test]
async fn a_creation_that_fails_after_its_papers_keeps_neither_the_papers_nor_their_content() {
    let test = TestDb::seeded().await.expect("db");
    // The outbox is written after the papers and the draft: breaking it makes the creation fail
    // late, so everything before must be rolled back with it.
    test.execute_raw("drop table outbox")
        .await
        .expect("break the outbox");
    let sha = "0".repeat(64);
    let new = NewDossier {
        id: Uuid::now_v7(),
        agency_code: AGENCY.into(),
        code_date: date!(2026 - 11 - 27),
        procedure_code: "1.000894".into(),
        channel: "online".into(),
        applicant_name: "Nguyễn Văn A".into(),
        applicant_contact: None,
        phone_last4: None,
        id_last4: None,
        submitted_at: datetime!(2026-11-27 02:00 UTC),
        applicant_account: None,
        personal_id_hash: None,
    };
    let draft = Uuid::new_v4();
    test.db
        .create_draft(draft, "1.000894", "{}", None)
        .await
        .expect("draft");
    let result = test
        .db
        .create_dossier(
            &new,
            Creation {
                make_code: &|n| format!("{AGENCY}-261127-{n:04}"),
                build: &|_| {
                    Ok(Built {
                        events: vec![],
                        index: index("submitted"),
                        state: "{}".into(),
                        outbox: vec![OutboxMessage {
                            topic: "notify.applicant".into(),
                            payload: "{}".into(),
                        }],
                        answer: None,
                        papers: vec![paper("Tờ khai", &sha, PaperPurpose::Application)],
                    })
                },
                idempotency: None,
                from_draft: Some(draft),
            },
        )
        .await;
    assert!(result.is_err());
    assert!(test.db.dossier_by_id(new.id).await.expect("read").is_none());
    assert_eq!(
        test.db.paper_blob(&sha).await.expect("read"),
        None,
        "the content recorded by the failed creation is rolled back with it"
    );
    let draft = test.db.draft(draft).await.expect("read").expect("found");
    assert_eq!(
        draft.submitted_code, None,
        "the draft can still be submitted"
    );
}

#[tokio::test]
async fn a_draft_is_created_and_updated_and_a_submitted_one_no_longer_changes() {
    let test = TestDb::new().await.expect("db");
    let id = Uuid::new_v4();
    test.db
        .create_draft(id, "1.000894", "{}", None)
        .await
        .expect("create");
    assert!(
        test.db
            .update_draft(id, r#"{"name":"A"}"#)
            .await
            .expect("update")
    );
    let draft = test.db.draft(id).await.expect("read").expect("found");
    assert_eq!(draft.answers, r#"{"name":"A"}"#);
    assert_eq!(draft.submitted_code, None);
    let mut tx = test.db.begin().await.expect("tx");
    tx.mark_draft_submitted(id, "X-1", datetime!(2026-11-27 02:00 UTC))
        .await
        .expect("submit");
    tx.mark_draft_submitted(id, "X-2", datetime!(2026-11-27 02:00 UTC))
        .await
        .expect("second mark is ignored");
    tx.commit().await.expect("commit");
    assert!(!test.db.update_draft(id, "{}").await.expect("update"));
    let draft = test.db.draft(id).await.expect("read").expect("found");
    assert_eq!(draft.submitted_code.as_deref(), Some("X-1"));
    assert_eq!(draft.answers, r#"{"name":"A"}"#);
    assert!(test.db.draft(Uuid::new_v4()).await.expect("read").is_none());
}
