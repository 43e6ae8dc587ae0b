//! A dossier's whole life through the dossier service, on SQLite and (with `TEST_DATABASE_URL`)
//! PostgreSQL: the rules decide, the log records, the projection follows, retries do not repeat,
//! and the audit chain verifies at the end.

use app::ServiceError;
use app::dossiers::{Application, DossierService, Opening, Outcome};
use domain::catalogue::Channel;
use domain::dossier::{Action, Actor, Applicant, ApplicantKind, OfficerRole, ReturnMethod, Status};
use storage::dossier::{Idempotency, IdempotentResponse};
use time::macros::datetime;

use crate::TestApp;

fn officer(id: &str, role: OfficerRole, unit: &str) -> Actor {
    Actor::Officer {
        officer_id: id.into(),
        role,
        unit: unit.into(),
    }
}

/// Records an active handling officer `id` of `unit`, whom dossiers can be assigned to.
async fn handling_officer(app: &TestApp, id: &str, unit: &str) {
    storage::testing::handling_officer(&app.db.db, id, unit)
        .await
        .expect("officer");
}

fn done(outcome: Outcome) -> Box<app::dossiers::DossierView> {
    match outcome {
        Outcome::Done(view) => view,
        Outcome::Replayed(r) => panic!("unexpected replay: {r:?}"),
    }
}

#[tokio::test]
async fn a_counter_dossier_goes_from_intake_to_returned_result() {
    let app = TestApp::new().await;
    let data = app.state.reference.get();
    let procedure = data
        .catalogue
        .procedures
        .iter()
        .find(|p| p.workflow == "commune-standard" && p.channels.contains(&Channel::Counter))
        .expect("a commune procedure with the standard workflow");
    let unit = procedure.agencies[0].clone();
    let service = DossierService::new(&app.state.db, &app.state.vault, &data);
    let reception = officer("r1", OfficerRole::Reception, &unit);
    let handler = officer("h1", OfficerRole::Handling, &unit);
    let leader = officer("l1", OfficerRole::Leader, &unit);
    handling_officer(&app, "h1", &unit).await;

    // Tuesday 24 November 2026, 09:00 in Vietnam.
    let mut at = datetime!(2026-11-24 02:00 UTC);
    let opened = done(
        service
            .open(
                &reception,
                &Application {
                    procedure_code: procedure.code.clone(),
                    opening: Opening::Counter {
                        channel: Channel::Counter,
                        accept: true,
                        papers: Vec::new(),
                    },
                    applicant: Applicant {
                        id: "walk-in-1".into(),
                        kind: ApplicantKind::Citizen,
                    },
                    applicant_name: "Trần Thị Bình".into(),
                    applicant_contact: Some("0987 654 321".into()),
                    phone: Some("0987 654 321".into()),
                    personal_id: None,
                    papers: Vec::new(),
                    from_draft: None,
                    account: None,
                },
                at,
                None,
            )
            .await
            .expect("counter intake"),
    );
    let code = opened.stored.code.clone();
    assert!(code.starts_with(&format!("{unit}-261124-")), "{code}");
    assert_eq!(opened.state.status, Status::Accepted);
    assert!(opened.state.appointment.is_some());
    assert_eq!(opened.stored.event_count, 2);

    let steps: Vec<(&Actor, Action)> = vec![
        (
            &handler,
            Action::Assign {
                officer_id: "h1".into(),
            },
        ),
        (
            &handler,
            Action::RequestSupplement {
                reasons: "Thiếu bản sao giấy khai sinh".into(),
                papers: Vec::new(),
            },
        ),
        (&reception, Action::ReceiveSupplement { note: None }),
        (
            &handler,
            Action::ProposeResult {
                summary: "Đủ điều kiện".into(),
            },
        ),
        (&leader, Action::Approve { note: None }),
        (&handler, Action::MarkResultReady),
        (
            &reception,
            Action::ReturnResult {
                method: ReturnMethod::Counter,
            },
        ),
    ];
    let mut status = Status::Accepted;
    for (actor, action) in steps {
        at += time::Duration::hours(1);
        let view = done(
            service
                .act(&code, None, actor, &action, at, None)
                .await
                .unwrap_or_else(|e| panic!("{action:?} by {actor:?} refused: {e}")),
        );
        status = view.state.status;
        let stored = service.get(&code).await.expect("read back");
        assert_eq!(stored.state, view.state, "projection after {action:?}");
        assert_eq!(stored.stored.index.status, status.as_str());
    }
    assert_eq!(status, Status::Returned);

    let view = service.get(&code).await.expect("read");
    assert_eq!(view.state.supplement_requests, 1);
    let timeline = service.timeline(&view).await.expect("timeline");
    assert_eq!(timeline.len() as i64, view.stored.event_count);
    assert_eq!(
        domain::dossier::replay(&timeline).expect("replay"),
        Some(view.state.clone()),
        "replaying the stored log gives the stored projection"
    );
    let report = app.state.db.verify_audit_chain().await.expect("verify");
    assert_eq!(report.first_broken, None);
}

#[tokio::test]
async fn the_rules_refuse_and_nothing_is_written() {
    let app = TestApp::new().await;
    let data = app.state.reference.get();
    let procedure = data
        .catalogue
        .procedures
        .iter()
        .find(|p| p.workflow == "commune-standard")
        .expect("procedure");
    let unit = procedure.agencies[0].clone();
    let other_unit = procedure.agencies[1].clone();
    let service = DossierService::new(&app.state.db, &app.state.vault, &data);
    handling_officer(&app, "h1", &unit).await;
    let at = datetime!(2026-11-24 02:00 UTC);
    let opened = done(
        service
            .open(
                &officer("r1", OfficerRole::Reception, &unit),
                &Application {
                    procedure_code: procedure.code.clone(),
                    opening: Opening::Counter {
                        channel: Channel::Counter,
                        accept: true,
                        papers: Vec::new(),
                    },
                    applicant: Applicant {
                        id: "walk-in-2".into(),
                        kind: ApplicantKind::Citizen,
                    },
                    applicant_name: "Lê Văn Cường".into(),
                    applicant_contact: None,
                    phone: None,
                    personal_id: Some("001090012345".into()),
                    papers: Vec::new(),
                    from_draft: None,
                    account: None,
                },
                at,
                None,
            )
            .await
            .expect("intake"),
    );
    // An officer of another commune cannot act on this dossier.
    let refused = service
        .act(
            &opened.stored.code,
            None,
            &officer("h9", OfficerRole::Handling, &other_unit),
            &Action::Assign {
                officer_id: "h9".into(),
            },
            at + time::Duration::hours(1),
            None,
        )
        .await;
    assert!(
        matches!(refused, Err(ServiceError::Refused { .. })),
        "{refused:?}"
    );
    // A stale version is a conflict, not a silent overwrite.
    let stale = service
        .act(
            &opened.stored.code,
            Some(1),
            &officer("h1", OfficerRole::Handling, &unit),
            &Action::Assign {
                officer_id: "h1".into(),
            },
            at + time::Duration::hours(1),
            None,
        )
        .await;
    assert!(matches!(stale, Err(ServiceError::Conflict)));
    let after = service.get(&opened.stored.code).await.expect("read");
    assert_eq!(after.stored.event_count, 2);
    assert!(matches!(
        service.get("000.00.00.H27-261124-9999").await,
        Err(ServiceError::NotFound)
    ));
}

#[tokio::test]
async fn an_online_submission_retried_with_its_key_makes_one_dossier() {
    let app = TestApp::new().await;
    let data = app.state.reference.get();
    let procedure = data
        .catalogue
        .procedures
        .iter()
        .find(|p| {
            p.service_mode.accepts_online_application() && p.channels.contains(&Channel::Online)
        })
        .expect("an online procedure");
    let service = DossierService::new(&app.state.db, &app.state.vault, &data);
    let application = Application {
        procedure_code: procedure.code.clone(),
        opening: Opening::Online {
            agency: procedure.agencies[0].clone(),
        },
        applicant: Applicant {
            id: "citizen-7".into(),
            kind: ApplicantKind::Citizen,
        },
        applicant_name: "Phạm Thu Hà".into(),
        applicant_contact: Some("ha@example.vn".into()),
        phone: Some("0912345678".into()),
        personal_id: None,
        papers: Vec::new(),
        from_draft: None,
        account: None,
    };
    let key = Idempotency {
        scope: "api:citizen-7".into(),
        key: "5d1c6a8e".into(),
        request_hash: vec![7; 32],
    };
    let answer = |v: &app::dossiers::DossierView| IdempotentResponse {
        status: 201,
        body: v.stored.code.clone(),
    };
    let at = datetime!(2026-11-28 14:00 UTC); // Saturday night in Vietnam
    let applicant = Actor::Applicant {
        applicant_id: "citizen-7".into(),
    };
    let first = done(
        service
            .open(&applicant, &application, at, Some((&key, &answer)))
            .await
            .expect("submit"),
    );
    assert_eq!(first.state.status, Status::Submitted);
    let again = service
        .open(&applicant, &application, at, Some((&key, &answer)))
        .await
        .expect("retry");
    match again {
        Outcome::Replayed(r) => assert_eq!(r.body, first.stored.code),
        Outcome::Done(v) => panic!("a second dossier {}", v.stored.code),
    }
}
