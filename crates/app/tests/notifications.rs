//! The applicant's notices and their delivery, on SQLite and (with `TEST_DATABASE_URL`)
//! PostgreSQL, with transports that record what they are handed: each change that concerns the
//! applicant is told once per channel, in order per dossier, tried again while the transport
//! is down, given up when it refuses for good, put back by an operator, and never handed to
//! two deliverers at once. The same journey over real sockets, against the sandbox's SMTP sink
//! and SMS gateway, is in `tests/notification_sinks.rs` of the binary.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::App;
use app::dossiers::{DossierService, DossierView};
use app::notifications::Notifier;
use domain::catalogue::Procedure;
use domain::dossier::{Action, Actor, OfficerRole};
use integrations::notify::{Email, Mailer, SendError, Sms, SmsSender};
use integrations::registry::BoxFuture;
use time::OffsetDateTime;

mod support;

use support::{Reach, application, commune_procedure, walk_in_reaching};

const UP: u8 = 0;
const DOWN: u8 = 1;
const REFUSING: u8 = 2;

/// A mail relay and SMS gateway in one, keeping what it is handed, and slow by `delay`.
#[derive(Default)]
struct Recorder {
    emails: Mutex<Vec<Email>>,
    texts: Mutex<Vec<Sms>>,
    mode: AtomicU8,
    tries: AtomicUsize,
    delay: Duration,
}

impl Recorder {
    fn outcome(&self) -> Result<(), SendError> {
        self.tries.fetch_add(1, Ordering::SeqCst);
        match self.mode.load(Ordering::SeqCst) {
            DOWN => Err(SendError::Transient("connection refused".into())),
            REFUSING => Err(SendError::Permanent("550 mailbox unavailable".into())),
            _ => Ok(()),
        }
    }

    fn emails(&self) -> Vec<Email> {
        self.emails.lock().expect("lock").clone()
    }

    fn texts(&self) -> Vec<Sms> {
        self.texts.lock().expect("lock").clone()
    }
}

impl Mailer for Recorder {
    fn send<'a>(&'a self, email: &'a Email) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            self.outcome()?;
            self.emails.lock().expect("lock").push(email.clone());
            Ok(())
        })
    }
}

impl SmsSender for Recorder {
    fn send<'a>(&'a self, sms: &'a Sms) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            self.outcome()?;
            self.texts.lock().expect("lock").push(sms.clone());
            Ok(())
        })
    }
}

/// The app with `recorder` as both transports.
fn notifying(mut app: App, recorder: &Arc<Recorder>) -> App {
    app.notifier = Notifier {
        mailer: Some(recorder.clone()),
        sms: Some(recorder.clone()),
        public_url: "https://dichvucong.example.gov.vn".into(),
        ..Notifier::default()
    };
    app
}

fn reception(procedure: &Procedure) -> Actor {
    Actor::Officer {
        officer_id: "r1".into(),
        role: OfficerRole::Reception,
        unit: procedure.agencies[0].clone(),
    }
}

fn leader(procedure: &Procedure) -> Actor {
    Actor::Officer {
        officer_id: "l1".into(),
        role: OfficerRole::Leader,
        unit: procedure.agencies[0].clone(),
    }
}

/// A walk-in accepted at the counter who gave a mobile number and an e-mail address.
async fn accepted_walk_in(app: &App, n: usize) -> DossierView {
    let procedure = commune_procedure(app);
    walk_in_reaching(
        app,
        &procedure,
        &reception(&procedure),
        n,
        OffsetDateTime::now_utc(),
        None,
        &Reach {
            phone: "0912 345 678",
            email: &format!("cuong{n}@example.vn"),
            account: None,
        },
    )
    .await
}

async fn compose_and_deliver(app: &App) -> app::outbox::Round {
    app::notifications::compose_due_as(app, "test")
        .await
        .expect("compose");
    app::outbox::deliver_due_as(app, "test")
        .await
        .expect("deliver")
}

#[tokio::test]
async fn an_accepted_walk_in_is_told_its_appointment_once_by_email_and_by_sms() {
    let (_db, app) = application().await;
    let recorder = Arc::new(Recorder::default());
    let app = notifying(app, &recorder);
    let view = accepted_walk_in(&app, 1).await;
    let code = view.stored.code.clone();

    let round = compose_and_deliver(&app).await;
    assert_eq!(round.delivered, 2, "{round:?}");
    let emails = recorder.emails();
    assert_eq!(emails.len(), 1);
    let email = &emails[0];
    assert_eq!(email.to, "cuong1@example.vn");
    assert!(email.subject.contains(&code), "{}", email.subject);
    assert!(
        email.subject.contains("đã được tiếp nhận"),
        "{}",
        email.subject
    );
    let appointment = view.state.appointment.expect("an appointment");
    let local = appointment.to_offset(domain::calendar::VIETNAM_OFFSET);
    let date = format!(
        "{:02}/{:02}/{}",
        local.day(),
        u8::from(local.month()),
        local.year()
    );
    assert!(email.text.contains(&date), "{}", email.text);
    assert!(
        email.text.contains("Kính gửi Lê Văn Cường"),
        "{}",
        email.text
    );
    assert!(
        email.text.contains(&format!(
            "https://dichvucong.example.gov.vn/tracking?code={code}"
        )),
        "{}",
        email.text
    );
    assert!(
        email.text.contains("/verify/") && email.text.contains("/receipt?k="),
        "Form 01 is linked: {}",
        email.text
    );
    assert!(
        email
            .html
            .contains("<a href=\"https://dichvucong.example.gov.vn/tracking?code=")
    );
    // The digits that open the dossier never travel in a link.
    assert!(!email.text.contains("5678"), "{}", email.text);

    let texts = recorder.texts();
    assert_eq!(texts.len(), 1);
    let sms = &texts[0];
    assert_eq!(sms.to, "0912345678");
    assert!(sms.text.is_ascii(), "{}", sms.text);
    assert!(
        sms.text.contains(&date) && sms.text.contains(&code),
        "{}",
        sms.text
    );
    assert!(domain::notice::sms_parts(&sms.text) <= 2, "{}", sms.text);
    assert_eq!(sms.id, email.id.max(sms.id), "each delivery has its own id");
    assert_ne!(sms.id, email.id);

    // Nothing new happened: nothing more is sent.
    assert_eq!(
        compose_and_deliver(&app).await,
        app::outbox::Round::default()
    );
    assert_eq!(recorder.emails().len() + recorder.texts().len(), 2);

    // Both show on the dossier, delivered.
    let listed = app::outbox::of_dossier(&app, view.stored.id)
        .await
        .expect("list");
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .all(|d| d.status == "delivered" && d.notice == "accepted")
    );
}

#[tokio::test]
async fn internal_steps_send_nothing_and_a_refusal_at_intake_is_told_with_its_reasons() {
    let (_db, app) = application().await;
    let recorder = Arc::new(Recorder::default());
    let app = notifying(app, &recorder);
    let view = accepted_walk_in(&app, 2).await;
    compose_and_deliver(&app).await;
    let before = recorder.emails().len();

    let data = app.reference.get();
    let service = DossierService::new(&app.db, &app.vault, &data);
    let procedure = commune_procedure(&app);
    support::handling_officer(&app, "x1", &procedure.agencies[0]).await;
    service
        .act(
            &view.stored.code,
            None,
            &leader(&procedure),
            &Action::Assign {
                officer_id: "x1".into(),
            },
            OffsetDateTime::now_utc(),
            None,
        )
        .await
        .expect("assigned");
    compose_and_deliver(&app).await;
    assert_eq!(
        recorder.emails().len(),
        before,
        "an assignment is not the applicant's business"
    );
}

#[tokio::test]
async fn the_notice_of_the_end_invites_the_applicant_to_rate_through_a_signed_link() {
    let (_db, app) = application().await;
    let recorder = Arc::new(Recorder::default());
    let app = notifying(app, &recorder);
    let view = accepted_walk_in(&app, 3).await;
    compose_and_deliver(&app).await;
    assert!(
        !recorder.emails()[0].text.contains("/ratings/"),
        "an open dossier is not rated"
    );
    let data = app.reference.get();
    let service = DossierService::new(&app.db, &app.vault, &data);
    let procedure = commune_procedure(&app);
    service
        .act(
            &view.stored.code,
            None,
            &leader(&procedure),
            &Action::Stop {
                reasons: "Người nộp đề nghị dừng giải quyết".into(),
            },
            OffsetDateTime::now_utc(),
            None,
        )
        .await
        .expect("stopped");
    compose_and_deliver(&app).await;
    let emails = recorder.emails();
    let stopped = emails.last().expect("the stop is told");
    let start = stopped
        .text
        .find("/ratings/")
        .unwrap_or_else(|| panic!("no rating link: {}", stopped.text));
    let link = stopped.text[start..]
        .split_whitespace()
        .next()
        .expect("link");
    assert!(link.contains("door=notice"), "{link}");
    // The link is the vault's own and opens the page for this dossier.
    let query: Vec<(&str, &str)> = link
        .split_once('?')
        .expect("query")
        .1
        .split('&')
        .filter_map(|p| p.split_once('='))
        .collect();
    let get = |k: &str| {
        query
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| *v)
            .expect(k)
    };
    let parsed = app::ratings::RatingLink {
        code: view.stored.code.clone(),
        door: app::ratings::Door::Notice,
        until: get("until").parse().expect("until"),
        signature: get("sig").to_owned(),
    };
    assert_eq!(parsed.check(&app.vault, OffsetDateTime::now_utc()), Ok(()));
    assert!(
        !recorder
            .texts()
            .last()
            .expect("sms")
            .text
            .contains("/ratings/"),
        "the SMS stays within two messages"
    );
}

#[tokio::test]
async fn with_the_transport_down_notices_wait_in_order_and_go_out_when_it_is_back() {
    let (_db, app) = application().await;
    let recorder = Arc::new(Recorder::default());
    let app = notifying(app, &recorder);
    let view = accepted_walk_in(&app, 3).await;
    let data = app.reference.get();
    let service = DossierService::new(&app.db, &app.vault, &data);
    let procedure = commune_procedure(&app);
    // A second notice of the same dossier: fees to pay (once the dossier is being handled).
    support::handling_officer(&app, "h1", &procedure.agencies[0]).await;
    service
        .act(
            &view.stored.code,
            None,
            &leader(&procedure),
            &Action::Assign {
                officer_id: "h1".into(),
            },
            OffsetDateTime::now_utc(),
            None,
        )
        .await
        .expect("assigned");
    let handler = Actor::Officer {
        officer_id: "h1".into(),
        role: OfficerRole::Handling,
        unit: procedure.agencies[0].clone(),
    };
    service
        .act(
            &view.stored.code,
            None,
            &handler,
            &Action::RequestFees {
                amount_vnd: 50_000,
                note: "Lệ phí".into(),
            },
            OffsetDateTime::now_utc(),
            None,
        )
        .await
        .expect("fees requested");

    recorder.mode.store(DOWN, Ordering::SeqCst);
    app::notifications::compose_due_as(&app, "test")
        .await
        .expect("compose");
    let round = app::outbox::deliver_due_as(&app, "test")
        .await
        .expect("deliver");
    assert_eq!(
        round.postponed, 2,
        "the first notice of each channel: {round:?}"
    );
    let waiting = app::outbox::of_dossier(&app, view.stored.id)
        .await
        .expect("list");
    assert_eq!(waiting.len(), 4, "two notices, two channels");
    for d in &waiting {
        assert_eq!(d.status, "pending");
        match d.notice.as_str() {
            "accepted" => {
                assert_eq!(d.attempts, 1);
                assert!(d.next_attempt_at > OffsetDateTime::now_utc());
                assert!(
                    d.last_error
                        .as_deref()
                        .is_some_and(|e| e.contains("connection refused")),
                    "{:?}",
                    d.last_error
                );
            }
            // Not even tried: the earlier notice of its channel goes first.
            _ => assert_eq!(d.attempts, 0, "{}", d.notice),
        }
    }

    // Still down at the next due time: put off again, later.
    let later = OffsetDateTime::now_utc() + time::Duration::minutes(2);
    app::outbox::deliver_due_at(&app, "test", later)
        .await
        .expect("deliver");
    // Back up: everything goes, the accepted notice before the fee notice.
    recorder.mode.store(UP, Ordering::SeqCst);
    let much_later = OffsetDateTime::now_utc() + time::Duration::hours(1);
    let round = app::outbox::deliver_due_at(&app, "test", much_later)
        .await
        .expect("deliver");
    assert_eq!(round.delivered, 4, "{round:?}");
    let subjects: Vec<String> = recorder.emails().into_iter().map(|e| e.subject).collect();
    assert_eq!(subjects.len(), 2);
    assert!(subjects[0].contains("tiếp nhận"), "{subjects:?}");
    assert!(subjects[1].contains("50.000"), "{subjects:?}");
}

#[tokio::test]
async fn a_refusal_for_good_gives_the_notice_up_and_an_operator_can_put_it_back() {
    let (_db, app) = application().await;
    let recorder = Arc::new(Recorder::default());
    let app = notifying(app, &recorder);
    let view = accepted_walk_in(&app, 4).await;
    recorder.mode.store(REFUSING, Ordering::SeqCst);
    let round = compose_and_deliver(&app).await;
    assert_eq!(round.dead, 2, "{round:?}");
    let dead = app::outbox::list(&app, app::outbox::Listing::Dead, None, 1, 50)
        .await
        .expect("list");
    assert_eq!(dead.len(), 2);
    assert!(
        dead.iter()
            .all(|d| d.dossier_code.as_deref() == Some(&view.stored.code[..]))
    );
    // A unit sees its own dossiers' notices only.
    let other_unit = app::outbox::list(&app, app::outbox::Listing::Dead, Some("nowhere"), 1, 50)
        .await
        .expect("list");
    assert!(other_unit.is_empty());

    // Only a dead notice can be put back.
    recorder.mode.store(UP, Ordering::SeqCst);
    let id = dead[0].id;
    app::outbox::retry(&app, id, "admin-1")
        .await
        .expect("retry");
    assert!(matches!(
        app::outbox::retry(&app, id, "admin-1").await,
        Err(app::ServiceError::Refused { .. })
    ));
    let retried = app::outbox::get(&app, id).await.expect("delivery");
    assert_eq!(retried.status, "pending");
    assert_eq!(retried.retried_by.as_deref(), Some("admin-1"));
    let round = app::outbox::deliver_due_as(&app, "test")
        .await
        .expect("deliver");
    assert_eq!(round.delivered, 1, "{round:?}");
    assert_eq!(
        app::outbox::get(&app, id).await.expect("delivery").status,
        "delivered"
    );
}

#[tokio::test]
async fn a_notice_that_keeps_failing_past_its_window_is_given_up() {
    let (_db, app) = application().await;
    let recorder = Arc::new(Recorder::default());
    let mut app = notifying(app, &recorder);
    app.notifier.give_up_after = Duration::from_secs(600);
    accepted_walk_in(&app, 5).await;
    recorder.mode.store(DOWN, Ordering::SeqCst);
    let round = compose_and_deliver(&app).await;
    assert_eq!(round.postponed, 2);
    // Eleven minutes on, the next pause would end past the ten-minute window.
    let round = app::outbox::deliver_due_at(
        &app,
        "test",
        OffsetDateTime::now_utc() + time::Duration::minutes(11),
    )
    .await
    .expect("deliver");
    assert_eq!(round.dead, 2, "{round:?}");
}

#[tokio::test]
async fn two_deliverers_on_one_database_send_each_notice_once() {
    let (_db, app) = application().await;
    let recorder = Arc::new(Recorder {
        delay: Duration::from_millis(15),
        ..Recorder::default()
    });
    let app = notifying(app, &recorder);
    for n in 10..20 {
        accepted_walk_in(&app, n).await;
    }
    app::notifications::compose_due_as(&app, "composer")
        .await
        .expect("compose");
    let (a, b) = tokio::join!(app::outbox::deliver_due_as(&app, "deliverer-a"), async {
        tokio::time::sleep(Duration::from_millis(40)).await;
        app::outbox::deliver_due_as(&app, "deliverer-b").await
    });
    let delivered = a.expect("a").delivered + b.expect("b").delivered;
    assert_eq!(delivered, 20);
    assert_eq!(
        recorder.tries.load(Ordering::SeqCst),
        20,
        "no notice sent twice"
    );
    let mut ids: Vec<_> = recorder.emails().iter().map(|e| e.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 10);
}

#[tokio::test]
async fn without_a_configured_channel_messages_are_closed_and_later_pruned() {
    let (_db, app) = application().await;
    accepted_walk_in(&app, 30).await;
    let before = app::outbox::overview(&app).await.expect("overview");
    let waiting = |o: &app::outbox::Overview| {
        o.backlog
            .iter()
            .find(|t| t.topic == app::notifications::TOPIC)
            .map_or(0, |t| t.pending)
    };
    assert!(waiting(&before) >= 1);
    let written = app::notifications::compose_due_as(&app, "test")
        .await
        .expect("compose");
    assert_eq!(written, 0, "no channel, no delivery");
    let after = app::outbox::overview(&app).await.expect("overview");
    assert_eq!(waiting(&after), 0, "the messages are closed");
    assert!(after.channels.is_empty());
    // Kept for the retention period, then pruned.
    assert_eq!(app::outbox::prune(&app).await.expect("prune"), 0);
    let pruned =
        app::outbox::prune_before(&app, OffsetDateTime::now_utc() + time::Duration::seconds(1))
            .await
            .expect("prune");
    assert!(pruned >= 1, "{pruned}");
}

#[tokio::test]
async fn a_handling_officer_gets_one_morning_digest_of_their_overdue_dossiers() {
    let (_db, app) = application().await;
    let recorder = Arc::new(Recorder::default());
    let app = notifying(app, &recorder);
    let procedure = commune_procedure(&app);
    let unit = procedure.agencies[0].clone();
    app.db
        .create_officer(&storage::officers::NewOfficer {
            id: "h-digest".into(),
            username: "xuly.digest".into(),
            full_name: "Phạm Văn Xử".into(),
            agency_code: unit.clone(),
            role: "handling".into(),
            password_hash: "$argon2id$placeholder".into(),
        })
        .await
        .expect("officer");
    assert!(matches!(
        app::accounts::officers::set_digest_email(&app.db, "h-digest", "not an address").await,
        Err(app::ServiceError::Refused { .. })
    ));
    app::accounts::officers::set_digest_email(&app.db, "h-digest", "xu@example.gov.vn")
        .await
        .expect("address");

    // Received two months ago and assigned to them: long overdue.
    let long_ago = OffsetDateTime::now_utc() - time::Duration::days(60);
    let view = walk_in_reaching(
        &app,
        &procedure,
        &reception(&procedure),
        40,
        long_ago,
        None,
        &Reach::default(),
    )
    .await;
    DossierService::new(&app.db, &app.vault, &app.reference.get())
        .act(
            &view.stored.code,
            None,
            &leader(&procedure),
            &Action::Assign {
                officer_id: "h-digest".into(),
            },
            long_ago,
            None,
        )
        .await
        .expect("assigned");

    // 08:00 on the next working day, Vietnam time.
    let data = app.reference.get();
    let today = OffsetDateTime::now_utc()
        .to_offset(domain::calendar::VIETNAM_OFFSET)
        .date();
    let day = data
        .calendar
        .add_working_days(today, 1)
        .expect("a working day");
    let morning = day
        .with_time(time::macros::time!(08:00))
        .assume_offset(domain::calendar::VIETNAM_OFFSET);
    let early = day
        .with_time(time::macros::time!(06:30))
        .assume_offset(domain::calendar::VIETNAM_OFFSET);
    assert_eq!(
        app::notifications::digest::send_digests(&app, early)
            .await
            .expect("digest"),
        0,
        "not before seven"
    );
    assert_eq!(
        app::notifications::digest::send_digests(&app, morning)
            .await
            .expect("digest"),
        1
    );
    assert_eq!(
        app::notifications::digest::send_digests(&app, morning + time::Duration::hours(2))
            .await
            .expect("digest"),
        0,
        "once a day"
    );
    app::outbox::deliver_due_at(&app, "test", morning)
        .await
        .expect("deliver");
    let emails = recorder.emails();
    let digest = emails
        .iter()
        .find(|e| e.to == "xu@example.gov.vn")
        .expect("the digest was sent");
    assert!(
        digest.text.contains("Kính gửi Phạm Văn Xử"),
        "{}",
        digest.text
    );
    assert!(digest.text.contains("Quá hạn"), "{}", digest.text);
    assert!(digest.text.contains(&view.stored.code), "{}", digest.text);
    assert!(
        digest
            .text
            .contains("/back-office/inbox?show=due_soon&scope=mine"),
        "{}",
        digest.text
    );
}
