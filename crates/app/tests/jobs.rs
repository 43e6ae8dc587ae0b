//! The job runner's leases, on SQLite and (with `TEST_DATABASE_URL`) PostgreSQL: a periodic job
//! runs in one process at a time, outbox messages are claimed by one consumer each, and two
//! runners working on the population look-up retry queue at once look each applicant up once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use app::App;
use app::dossiers::DossierService;
use app::registry::Registry;
use domain::catalogue::Channel;
use domain::dossier::{Actor, IdentityCheck, IdentityResult, OfficerRole};
use integrations::registry::{
    BoxFuture, LookupOutcome, LookupQuery, PopulationRegistry, RegistryError,
};
use time::OffsetDateTime;

mod support;

use support::application;

/// A population database that answers "not found" a little slowly, and counts the questions.
struct Counting {
    asked: AtomicUsize,
}

impl PopulationRegistry for Counting {
    fn look_up<'a>(
        &'a self,
        _: &'a LookupQuery,
    ) -> BoxFuture<'a, Result<LookupOutcome, RegistryError>> {
        Box::pin(async move {
            self.asked.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok(LookupOutcome::NotFound)
        })
    }
}

/// Registers `n` walk-ins whose look-up the database could not answer, each queuing a retry.
async fn dossiers_awaiting_a_look_up(app: &App, n: usize) -> Vec<String> {
    let data = app.reference.get();
    let procedure = data
        .catalogue
        .procedures
        .iter()
        .find(|p| p.workflow == "commune-standard" && p.channels.contains(&Channel::Counter))
        .expect("a commune procedure with the standard workflow");
    let unit = procedure.agencies[0].clone();
    let reception = Actor::Officer {
        officer_id: "r1".into(),
        role: OfficerRole::Reception,
        unit: unit.clone(),
    };
    let mut codes = Vec::new();
    for i in 0..n {
        let unavailable = IdentityCheck::registry(IdentityResult::Unavailable);
        let view = support::walk_in(
            app,
            procedure,
            &reception,
            i,
            OffsetDateTime::now_utc(),
            Some(&unavailable),
        )
        .await;
        codes.push(view.stored.code.clone());
    }
    codes
}

#[tokio::test]
async fn two_runners_on_one_database_look_each_applicant_up_once() {
    let (_db, mut app) = application().await;
    let codes = dossiers_awaiting_a_look_up(&app, 12).await;
    let registry = Arc::new(Counting {
        asked: AtomicUsize::new(0),
    });
    app.registry = Some(Registry::new(
        registry.clone(),
        b"test-key-0123456789".to_vec(),
    ));

    // The second runner starts while the first is working through its look-ups (20 ms each).
    let (a, b) = tokio::join!(app::registry::retry_due_as(&app, "runner-a"), async {
        tokio::time::sleep(Duration::from_millis(60)).await;
        app::registry::retry_due_as(&app, "runner-b").await
    },);
    let answered = a.expect("runner a") + b.expect("runner b");
    assert_eq!(answered, codes.len(), "every dossier got its answer once");
    assert_eq!(
        registry.asked.load(Ordering::SeqCst),
        codes.len(),
        "no applicant was looked up twice"
    );

    // Nothing is left for a third round.
    assert_eq!(
        app::registry::retry_due_as(&app, "runner-c")
            .await
            .expect("runner c"),
        0
    );
    assert_eq!(registry.asked.load(Ordering::SeqCst), codes.len());
    let data = app.reference.get();
    let service = DossierService::new(&app.db, &app.vault, &data);
    for code in &codes {
        let view = service.get(code).await.expect("dossier");
        assert_eq!(
            view.state.identity.as_ref().map(|c| c.result),
            Some(IdentityResult::NotFound),
            "{code} records the database's answer"
        );
    }
}

#[tokio::test]
async fn outbox_messages_are_claimed_by_one_consumer_each_until_their_lease_ends() {
    let (_db, app) = application().await;
    let codes = dossiers_awaiting_a_look_up(&app, 9).await;
    let now = OffsetDateTime::now_utc();
    let until = now + time::Duration::minutes(5);

    // Four consumers claim three at a time, at once, until nothing is left.
    let consume = |holder: &'static str| {
        let db = app.db.clone();
        async move {
            let mut mine = Vec::new();
            // Bounded, so a claim that hands the same messages out again fails instead of
            // running for ever.
            for _ in 0..10 {
                let claimed = db
                    .claim_registry_retries(holder, now, until, 3)
                    .await
                    .expect("claim");
                if claimed.is_empty() {
                    return mine;
                }
                mine.extend(claimed.into_iter().map(|m| m.id));
            }
            mine
        }
    };
    let (a, b, c, d) = tokio::join!(consume("a"), consume("b"), consume("c"), consume("d"));
    let mut all: Vec<_> = [a, b, c, d].concat();
    let claimed = all.len();
    all.sort();
    all.dedup();
    assert_eq!(claimed, codes.len(), "each message claimed once");
    assert_eq!(all.len(), codes.len());

    // While the leases last nobody else gets them; once they end, the work is taken up again.
    assert!(
        app.db
            .claim_registry_retries("e", now, until, 50)
            .await
            .expect("claim")
            .is_empty()
    );
    let later = until + time::Duration::seconds(1);
    let retaken = app
        .db
        .claim_registry_retries("e", later, later + time::Duration::minutes(5), 50)
        .await
        .expect("claim");
    assert_eq!(retaken.len(), codes.len());
}

#[tokio::test]
async fn a_periodic_job_runs_in_the_one_process_holding_its_lease() {
    let (_db, app) = application().await;
    let ran = Arc::new(AtomicUsize::new(0));
    let job = |ran: Arc<AtomicUsize>| {
        app::jobs::Periodic::new(
            "test.exclusive",
            Duration::from_secs(60),
            app::jobs::Scope::Exclusive,
            move |_| {
                let ran = ran.clone();
                async move {
                    ran.fetch_add(1, Ordering::SeqCst);
                }
            },
        )
    };
    let first = app::jobs::Runner::new(app.clone(), "process-1").with(job(ran.clone()));
    let second = app::jobs::Runner::new(app.clone(), "process-2").with(job(ran.clone()));

    assert!(first.run_once("test.exclusive").await);
    assert!(
        !second.run_once("test.exclusive").await,
        "the lease is held"
    );
    assert!(
        first.run_once("test.exclusive").await,
        "its holder renews it"
    );
    assert_eq!(ran.load(Ordering::SeqCst), 2);

    // A lease that has ended (its holder died) is taken over.
    let past = OffsetDateTime::now_utc() - time::Duration::seconds(1);
    assert!(
        app.db
            .claim_job("test.lapsed", "process-1", past)
            .await
            .expect("claim")
    );
    assert!(
        app.db
            .claim_job(
                "test.lapsed",
                "process-2",
                OffsetDateTime::now_utc() + time::Duration::minutes(1)
            )
            .await
            .expect("claim")
    );
}

#[tokio::test]
async fn a_restarted_process_takes_up_at_once_the_work_a_dead_process_of_its_host_held() {
    let (_db, app) = application().await;
    let codes = dossiers_awaiting_a_look_up(&app, 2).await;
    let own = app::jobs::process_holder();
    let host = own.split(':').next().expect("host");
    // A pid above Linux's largest: that process cannot be running.
    let dead = format!("{host}:4294967:earlier-run");
    let elsewhere = "another-host:1:other";
    let now = OffsetDateTime::now_utc();
    let until = now + time::Duration::minutes(10);
    let held = app
        .db
        .claim_outbox(storage::registry_lookups::RETRY_TOPIC, &dead, now, until, 1)
        .await
        .expect("claim");
    assert_eq!(held.len(), 1);
    let other = app
        .db
        .claim_outbox(
            storage::registry_lookups::RETRY_TOPIC,
            elsewhere,
            now,
            until,
            1,
        )
        .await
        .expect("claim");
    assert_eq!(other.len(), 1);
    assert!(
        app.db
            .claim_outbox(storage::registry_lookups::RETRY_TOPIC, own, now, until, 10)
            .await
            .expect("claim")
            .is_empty(),
        "both are held"
    );

    let released = app::jobs::release_dead_holders(&app, own)
        .await
        .expect("release");
    assert_eq!(released, 1, "only the dead process of this host");
    let free = app
        .db
        .claim_outbox(storage::registry_lookups::RETRY_TOPIC, own, now, until, 10)
        .await
        .expect("claim");
    assert_eq!(
        free.len(),
        1,
        "the dead process's message, not the other host's"
    );
    assert_eq!(free[0].id, held[0].id);
    assert_eq!(codes.len(), 2);
}
