//! `motcua seed --synthetic`: a small history on the test database (SQLite, or PostgreSQL with
//! TEST_DATABASE_URL) has a province's mix, passes the audit, and is what the inbox and the
//! reports read.

use bench::synthetic::{Plan, Summary, seed_synthetic};
use storage::inbox::InboxQuery;
use storage::testing::TestDb;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-20 03:00 UTC);

async fn seeded(n: u64, seed: u64) -> (TestDb, Summary) {
    let test = TestDb::seeded().await.expect("seeded test database");
    let plan = Plan {
        dossiers: n,
        seed,
        now: NOW,
    };
    let summary = seed_synthetic(&test.db, &plan, &|_| {})
        .await
        .expect("synthetic history");
    (test, summary)
}

fn count(summary: &Summary, status: &str) -> u64 {
    summary.by_status.get(status).copied().unwrap_or(0)
}

#[tokio::test]
async fn a_synthetic_history_has_a_provinces_mix_and_passes_the_audit() {
    let (test, summary) = seeded(500, 7).await;
    assert_eq!(summary.dossiers, 500, "{summary:?}");
    let returned = count(&summary, "returned");
    assert!(
        returned > 300,
        "most dossiers are settled and returned: {summary:?}"
    );
    let open: u64 = [
        "submitted",
        "accepted",
        "processing",
        "supplement_requested",
        "awaiting_fees",
        "result_ready",
    ]
    .iter()
    .map(|s| count(&summary, s))
    .sum();
    assert!(
        open > 0,
        "the most recent dossiers are still open: {summary:?}"
    );
    assert!(count(&summary, "refused") > 0, "{summary:?}");
    let online = summary.by_channel.get("online").copied().unwrap_or(0);
    assert!(
        (100..=350).contains(&online),
        "a province's online share: {summary:?}"
    );
    assert!(summary.by_channel.contains_key("counter"), "{summary:?}");
    assert!(
        summary.late > 0 && summary.late * 100 < 15 * (summary.on_time + summary.late),
        "some results are late, not many: {summary:?}"
    );
    assert!(summary.payments > 0 && summary.lookups > 0, "{summary:?}");
    assert!(
        summary.agencies > 10,
        "spread over the agency tree: {summary:?}"
    );
    assert!(summary.events >= 4 * summary.dossiers, "{summary:?}");

    let audit = test.db.verify_audit_chain().await.expect("audit");
    assert_eq!(audit.first_broken, None);
    assert_eq!(audit.dossiers, 500);
    assert_eq!(audit.events, summary.events);
}

#[tokio::test]
async fn the_inbox_and_the_reports_read_the_synthetic_dossiers() {
    let (test, summary) = seeded(500, 11).await;
    let db = &test.db;
    // The two years before NOW, month by month: every dossier was received in one of them.
    let from = datetime!(2024-11-01 00:00 +7);
    let to = datetime!(2026-12-01 00:00 +7);
    let figures = db.monthly_figures(from, to).await.expect("monthly figures");
    let received: i64 = figures.received.iter().map(|r| r.dossiers).sum();
    assert_eq!(u64::try_from(received).ok(), Some(summary.dossiers));
    let on_time: i64 = figures.finished.iter().map(|f| f.on_time).sum();
    let late: i64 = figures.finished.iter().map(|f| f.late).sum();
    assert!(on_time > 0 && late > 0, "{figures:?}");

    let paid = db.paid_payments(from, to).await.expect("payment rows");
    assert_eq!(paid.len() as u64, summary.payments);
    let lookups: i64 = db
        .registry_lookup_counts(None, None)
        .await
        .expect("look-up counts")
        .iter()
        .map(|c| c.lookups)
        .sum();
    assert_eq!(u64::try_from(lookups).ok(), Some(summary.lookups));
    assert!(summary.ratings > 0, "{summary:?}");
    let rated: i64 = db
        .rating_counts(storage::ratings::RatingGroup::Agency, from, to, None)
        .await
        .expect("rating counts")
        .iter()
        .map(|c| c.ratings)
        .sum();
    assert_eq!(u64::try_from(rated).ok(), Some(summary.ratings));

    // The unit holding the most open dossiers sees them in its inbox, soonest due first.
    let open = [
        "submitted",
        "accepted",
        "processing",
        "supplement_requested",
        "awaiting_fees",
        "result_ready",
        "transferred",
    ];
    let mut best = (String::new(), 0);
    for r in &figures.received {
        let page = db
            .inbox(&InboxQuery {
                holder_agency_code: r.agency_code.clone(),
                assigned_officer: None,
                statuses: open.iter().map(|s| (*s).to_owned()).collect(),
                due_by: None,
                overdue_at: None,
                limit: 5,
                offset: 0,
            })
            .await
            .expect("inbox");
        if page.total > best.1 {
            best = (r.agency_code.clone(), page.total);
        }
    }
    assert!(best.1 > 0, "some unit has open dossiers");
    let page = db
        .inbox(&InboxQuery {
            holder_agency_code: best.0.clone(),
            assigned_officer: None,
            statuses: open.iter().map(|s| (*s).to_owned()).collect(),
            due_by: None,
            overdue_at: None,
            limit: 500,
            offset: 0,
        })
        .await
        .expect("inbox");
    assert_eq!(page.items.len() as i64, page.total);
    let dues: Vec<_> = page.items.iter().filter_map(|d| d.index.due_at).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "deadline order");
    // A real submission afterwards takes a code no synthetic dossier holds.
    let counters = db.code_counters().await.expect("counters");
    assert!(counters.iter().any(|c| c.last_value >= 1));
}

#[tokio::test]
async fn the_same_seed_gives_the_same_mix() {
    let (_a, first) = seeded(200, 3).await;
    let (_b, second) = seeded(200, 3).await;
    assert_eq!(first.by_status, second.by_status);
    assert_eq!(first.by_channel, second.by_channel);
    assert_eq!((first.late, first.payments), (second.late, second.payments));
}
