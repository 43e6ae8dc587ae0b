//! One definition of on time (Decision 766/QĐ-TTg, indicator 2.1), on SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL: three dossiers that the old definitions judged wrongly (two
//! supplement requests, a clock stopped for papers, an apology) get the same answer from the
//! domain, from the inbox's overdue filter and from the monthly report.

use app::App;
use app::dossiers::{DossierService, DossierView};
use domain::catalogue::{Channel, LegalDuration, Procedure};
use domain::dossier::{Action, Actor, OfficerRole, Status, Timeliness, classify};
use storage::inbox::InboxQuery;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

mod support;

use support::application;

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

impl<'a> Desk<'a> {
    /// The first unit of a suitable procedure, with its three officers.
    fn of(app: &'a App) -> Desk<'a> {
        let procedure = procedure(app);
        let unit = procedure.agencies[0].clone();
        Desk {
            app,
            reception: officer("r1", OfficerRole::Reception, &unit),
            handling: officer("h1", OfficerRole::Handling, &unit),
            leader: officer("l1", OfficerRole::Leader, &unit),
            procedure,
        }
    }

    fn unit(&self) -> String {
        self.procedure.agencies[0].clone()
    }

    /// A complete walk-in, accepted at once, and taken by the handling officer an hour later.
    async fn walk_in(&self, n: usize, at: OffsetDateTime) -> String {
        let view = support::walk_in(self.app, &self.procedure, &self.reception, n, at, None).await;
        let code = view.stored.code.clone();
        let Actor::Officer { officer_id, .. } = &self.handling else {
            unreachable!("the handling actor is an officer");
        };
        support::handling_officer(self.app, officer_id, &self.unit()).await;
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

    /// The inbox's overdue filter at `now` lists exactly the dossiers the domain calls overdue,
    /// and those are `expected`.
    async fn agree_on_overdue<const N: usize>(
        &self,
        unit: &str,
        dossiers: [&String; N],
        now: OffsetDateTime,
        expected: &[&String],
    ) {
        let mut listed = self.overdue_in_inbox(unit, now).await;
        listed.sort();
        let mut judged = Vec::new();
        for code in dossiers {
            if classify(&self.view(code).await.state, now) == Some(Timeliness::Overdue) {
                judged.push(code.clone());
            }
        }
        judged.sort();
        assert_eq!(
            listed, judged,
            "the inbox lists what the domain says at {now}"
        );
        let mut expected: Vec<String> = expected.iter().map(|c| (*c).clone()).collect();
        expected.sort();
        assert_eq!(listed, expected, "overdue at {now}");
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
    let desk = Desk::of(&app);
    let unit = desk.unit();
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

    // The same afternoon, days before every due time: only the dossier asked twice for papers
    // is overdue, by the rule, whatever its due time says.
    let afternoon = start + Duration::hours(7);
    assert!(afternoon < due);
    desk.agree_on_overdue(&unit, [&twice, &waiting, &apologised], afternoon, &[&twice])
        .await;
    // It is finished that evening, long before its due time, and is late all the same.
    desk.finish(&twice, start + Duration::hours(8)).await;

    // A moment after the due time: the apology did not move it, so that dossier is overdue; the
    // one waiting for papers requested in time is not, though its due time has passed.
    let now = due + Duration::hours(2);
    desk.agree_on_overdue(&unit, [&twice, &waiting, &apologised], now, &[&apologised])
        .await;
    assert_eq!(
        classify(&desk.view(&waiting).await.state, now),
        Some(Timeliness::InTime)
    );

    // The apologised one finishes the next day, before its new date: late too.
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
    let desk = Desk::of(&app);
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

    // A state that does not read is passed over, and the service still starts.
    db.execute_raw(&format!(
        "update dossier set state = 'not a state', timeliness = null where code = '{open}'"
    ))
    .await
    .expect("state broken");
    let broken = app::dossiers::record_missing_timeliness(&app.db)
        .await
        .expect("passed over");
    assert_eq!(broken, 0);
}
