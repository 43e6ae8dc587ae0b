//! One definition of on time (Decision 766/QĐ-TTg, indicator 2.1), on SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL: three dossiers that the old definitions judged wrongly (two
//! supplement requests, a clock stopped for papers, an apology) get the same answer from the
//! domain, from the inbox's overdue filter and from the monthly report.

use app::dossiers::{Application, DossierService, DossierView, Opening, Outcome};
use app::{App, ReferenceData};
use domain::applicant::{ApplicantDetails, ApplicantForm, Intake};
use domain::catalogue::{Channel, LegalDuration, Procedure};
use domain::dossier::{
    Action, Actor, Applicant, ApplicantKind, OfficerRole, Status, Timeliness, classify,
};
use storage::inbox::InboxQuery;
use storage::testing::TestDb;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

async fn application() -> (TestDb, App) {
    let db = TestDb::seeded().await.expect("seeded test database");
    let reference = ReferenceData::load(&db.db, Default::default())
        .await
        .expect("reference data");
    let app = App::new(db.db.clone(), reference);
    (db, app)
}

fn officer(id: &str, role: OfficerRole, unit: &str) -> Actor {
    Actor::Officer {
        officer_id: id.into(),
        role,
        unit: unit.into(),
    }
}

/// A commune procedure without fees, taken at the counter, with a deadline of several working
/// days: room for two supplement requests and an apology before it.
fn procedure(app: &App) -> Procedure {
    app.reference
        .get()
        .catalogue
        .procedures
        .iter()
        .find(|p| {
            p.workflow == "commune-standard"
                && p.channels.contains(&Channel::Counter)
                && p.fees.is_empty()
                && matches!(p.duration, LegalDuration::WorkingDays { amount } if amount >= 5)
        })
        .cloned()
        .expect("a commune procedure without fees and with a deadline of days")
}

struct Desk<'a> {
    app: &'a App,
    procedure: Procedure,
    reception: Actor,
    handling: Actor,
    leader: Actor,
}

impl Desk<'_> {
    /// A complete walk-in, accepted at once, and taken by the handling officer an hour later.
    async fn walk_in(&self, n: usize, at: OffsetDateTime) -> String {
        let data = self.app.reference.get();
        let service = DossierService::new(&self.app.db, &self.app.vault, &data);
        let personal_id = format!("0010900{n:05}");
        let details = ApplicantDetails::parse(
            &ApplicantForm {
                personal_id: &personal_id,
                birth_date: "1990-05-17",
                ..ApplicantForm::default()
            },
            Intake::Counter,
            time::macros::date!(2026 - 12 - 07),
        )
        .expect("valid applicant");
        let opened = service
            .open(
                &self.reception,
                &Application {
                    procedure_code: self.procedure.code.clone(),
                    opening: Opening::Counter {
                        channel: Channel::Counter,
                        accept: true,
                        papers: Vec::new(),
                    },
                    applicant: Applicant {
                        id: format!("walk-in-{n}"),
                        kind: ApplicantKind::Citizen,
                    },
                    applicant_name: "Lê Văn Cường".into(),
                    applicant_contact: Some(app::dossiers::contact_json(&details)),
                    phone: None,
                    personal_id: Some(personal_id.clone()),
                    papers: Vec::new(),
                    from_draft: None,
                    account: None,
                },
                at,
                None,
            )
            .await
            .expect("registered");
        let Outcome::Done(view) = opened else {
            panic!("a first registration is not a replay");
        };
        let code = view.stored.code.clone();
        let Actor::Officer { officer_id, .. } = &self.handling else {
            unreachable!("the handling actor is an officer");
        };
        let assign = Action::Assign {
            officer_id: officer_id.clone(),
        };
        self.act(&code, &self.handling, assign, at + Duration::hours(1))
            .await;
        code
    }

    async fn act(&self, code: &str, actor: &Actor, action: Action, at: OffsetDateTime) {
        let data = self.app.reference.get();
        let service = DossierService::new(&self.app.db, &self.app.vault, &data);
        let name = action.name();
        service
            .act(code, None, actor, &action, at, None)
            .await
            .unwrap_or_else(|e| panic!("{name} on {code} at {at}: {e:?}"));
    }

    async fn finish(&self, code: &str, at: OffsetDateTime) {
        let propose = Action::ProposeResult {
            summary: "Đủ điều kiện".into(),
        };
        self.act(code, &self.handling, propose, at - Duration::minutes(20))
            .await;
        let approve = Action::Approve { note: None };
        self.act(code, &self.leader, approve, at - Duration::minutes(10))
            .await;
        self.act(code, &self.handling, Action::MarkResultReady, at)
            .await;
    }

    async fn view(&self, code: &str) -> DossierView {
        let data = self.app.reference.get();
        DossierService::new(&self.app.db, &self.app.vault, &data)
            .get(code)
            .await
            .expect("dossier")
    }

    /// The codes the inbox's overdue filter lists at `now`.
    async fn overdue_in_inbox(&self, unit: &str, now: OffsetDateTime) -> Vec<String> {
        let page = self
            .app
            .db
            .inbox(&InboxQuery {
                holder_agency_code: unit.into(),
                statuses: Status::OPEN.iter().map(|s| s.as_str().to_owned()).collect(),
                overdue_at: Some(now),
                limit: 50,
                ..InboxQuery::default()
            })
            .await
            .expect("inbox");
        page.items.into_iter().map(|d| d.code).collect()
    }
}

#[tokio::test]
async fn the_domain_the_overdue_inbox_and_the_monthly_report_judge_a_dossier_alike() {
    let (_db, app) = application().await;
    let procedure = procedure(&app);
    let unit = procedure.agencies[0].clone();
    let desk = Desk {
        app: &app,
        reception: officer("r1", OfficerRole::Reception, &unit),
        handling: officer("h1", OfficerRole::Handling, &unit),
        leader: officer("l1", OfficerRole::Leader, &unit),
        procedure,
    };
    // Monday 2 March 2026, 08:00 in Vietnam: a plain working week, no holiday near.
    let start = datetime!(2026-03-02 08:00 +7);

    // Two supplement requests: overdue whatever the times, though its due date is days away.
    let twice = desk.walk_in(1, start).await;
    for (asked, answered) in [(2, 3), (4, 5)] {
        let request = Action::RequestSupplement {
            reasons: "Thiếu bản sao giấy khai sinh".into(),
            papers: Vec::new(),
        };
        desk.act(
            &twice,
            &desk.handling,
            request,
            start + Duration::hours(asked),
        )
        .await;
        let receive = Action::ReceiveSupplement { note: None };
        let at = start + Duration::hours(answered);
        desk.act(&twice, &desk.reception, receive, at).await;
    }

    // A supplement requested in time and never answered: the clock is stopped, so it stays in
    // time however long the applicant takes, even past its due time.
    let waiting = desk.walk_in(2, start).await;
    let request = Action::RequestSupplement {
        reasons: "Thiếu tờ khai".into(),
        papers: Vec::new(),
    };
    desk.act(
        &waiting,
        &desk.handling,
        request,
        start + Duration::hours(2),
    )
    .await;

    // An apology promises a new date but does not move the deadline the dossier is judged by.
    let apologised = desk.walk_in(3, start).await;
    let due = desk.view(&apologised).await.state.due.expect("accepted");
    let apology = Action::Apologise {
        reasons: "Cần xác minh thêm".into(),
        new_due: due + Duration::days(7),
    };
    desk.act(
        &apologised,
        &desk.handling,
        apology,
        start + Duration::hours(6),
    )
    .await;

    // A moment after everyone's due time, before any result.
    let now = due + Duration::hours(2);
    let mut listed = desk.overdue_in_inbox(&unit, now).await;
    listed.sort();
    let mut expected = Vec::new();
    for code in [&twice, &waiting, &apologised] {
        let verdict = classify(&desk.view(code).await.state, now);
        if verdict == Some(Timeliness::Overdue) {
            expected.push(code.clone());
        }
    }
    expected.sort();
    assert_eq!(listed, expected, "the inbox lists what the domain says");
    let mut overdue = vec![twice.clone(), apologised.clone()];
    overdue.sort();
    assert_eq!(listed, overdue, "two supplements and an apology past due");
    assert_eq!(
        classify(&desk.view(&waiting).await.state, now),
        Some(Timeliness::InTime)
    );

    // Both finish the next day, before the apology's new date: late, as the report counts.
    desk.finish(&twice, now + Duration::hours(20)).await;
    desk.finish(&apologised, now + Duration::hours(21)).await;
    let mut late = 0;
    let mut on_time = 0;
    for code in [&twice, &apologised] {
        let state = desk.view(code).await.state;
        match classify(&state, now + Duration::days(30)) {
            Some(Timeliness::Late) => late += 1,
            Some(Timeliness::Early | Timeliness::OnTime) => on_time += 1,
            other => panic!("{code} finished but is {other:?}"),
        }
    }
    assert_eq!((late, on_time), (2, 0));
    let figures = app
        .db
        .monthly_figures(
            datetime!(2026-03-01 00:00 +7),
            datetime!(2026-04-01 00:00 +7),
        )
        .await
        .expect("monthly figures");
    let line = figures
        .finished
        .iter()
        .find(|f| f.agency_code == unit)
        .expect("the unit's finished dossiers");
    assert_eq!((line.late, line.on_time), (late, on_time), "{figures:?}");
}

#[tokio::test]
async fn dossiers_written_before_timeliness_was_kept_are_filled_in_once() {
    let (db, app) = application().await;
    let procedure = procedure(&app);
    let unit = procedure.agencies[0].clone();
    let desk = Desk {
        app: &app,
        reception: officer("r1", OfficerRole::Reception, &unit),
        handling: officer("h1", OfficerRole::Handling, &unit),
        leader: officer("l1", OfficerRole::Leader, &unit),
        procedure,
    };
    let start = datetime!(2026-03-02 08:00 +7);
    let open = desk.walk_in(1, start).await;
    let done = desk.walk_in(2, start).await;
    desk.finish(&done, start + Duration::hours(5)).await;
    let before = (
        desk.view(&open).await.stored.index,
        desk.view(&done).await.stored.index,
    );
    assert_eq!(before.0.timeliness.as_deref(), Some("open"));
    assert_eq!(before.1.timeliness.as_deref(), Some("early"));

    // As an upgraded database holds them: the columns empty.
    db.execute_raw("update dossier set timeliness = null, overdue_after = null")
        .await
        .expect("columns emptied");
    assert_eq!(desk.view(&open).await.stored.index.timeliness, None);

    let filled = app::dossiers::record_missing_timeliness(&app.db)
        .await
        .expect("filled in");
    assert_eq!(filled, 2);
    let after = (
        desk.view(&open).await.stored.index,
        desk.view(&done).await.stored.index,
    );
    assert_eq!(after, before, "filled in as the service writes them");
    let again = app::dossiers::record_missing_timeliness(&app.db)
        .await
        .expect("nothing left");
    assert_eq!(again, 0);
}
