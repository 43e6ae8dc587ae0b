//! Ratings: one per dossier, changed in place, and counted per group and period with the
//! criteria that did not apply left out of their averages.

use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::dossier::{create, done};
use crate::ratings::{RatingGroup, RatingRow};
use crate::testing::TestDb;

fn rating(dossier_id: Uuid, officer: &str, level: &str, ended_at: OffsetDateTime) -> RatingRow {
    RatingRow {
        dossier_id,
        agency_code: "000.00.15.H27".into(),
        procedure_code: "1.000894".into(),
        officer_id: Some(officer.into()),
        source: "tracking".into(),
        level: level.into(),
        points: [
            Some(2),
            Some(1),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            None,
            Some(1),
        ],
        answers: "{}".into(),
        ended_at,
        at: ended_at + Duration::days(1),
    }
}

#[tokio::test]
async fn a_second_rating_of_a_dossier_changes_the_first_and_counts_the_change() {
    let test = TestDb::seeded().await.expect("test db");
    let db = &test.db;
    let dossier = done(create(db, None).await);
    let ended = datetime!(2026-11-30 03:00 UTC);
    let since = ended - Duration::days(7);
    assert!(
        db.put_rating(&rating(dossier.id, "h1", "satisfied", ended), since)
            .await
            .expect("rated")
    );
    let mut changed = rating(dossier.id, "h1", "not_satisfied", ended);
    changed.at = ended + Duration::days(2);
    changed.source = "kiosk".into();
    assert!(db.put_rating(&changed, since).await.expect("changed"));
    // First given a day after the end: a change that must come from ratings given since the
    // third day is refused, and nothing moves.
    let mut late = rating(dossier.id, "h1", "acceptable", ended);
    late.at = ended + Duration::days(9);
    assert!(
        !db.put_rating(&late, ended + Duration::days(2))
            .await
            .expect("answered")
    );
    let stored = db
        .rating_of(dossier.id)
        .await
        .expect("read")
        .expect("rated");
    assert_eq!(stored.level, "not_satisfied");
    assert_eq!(stored.source, "kiosk");
    assert_eq!(stored.first_given_at, ended + Duration::days(1));
    assert_eq!(stored.changed_at, ended + Duration::days(2));
    assert_eq!(stored.changes, 1);
    assert_eq!(db.rating_of(Uuid::now_v7()).await.expect("read"), None);
}

#[tokio::test]
async fn ratings_are_counted_per_officer_within_the_period_and_the_units_asked_for() {
    let test = TestDb::seeded().await.expect("test db");
    let db = &test.db;
    let in_month = datetime!(2026-11-10 03:00 UTC);
    let levels = [
        ("h1", "satisfied", in_month),
        ("h1", "acceptable", in_month),
        ("h1", "not_satisfied", in_month),
        ("h2", "satisfied", in_month),
        // Ended the month before: not counted.
        ("h1", "satisfied", datetime!(2026-10-31 16:59 UTC)),
    ];
    for (officer, level, ended) in levels {
        let dossier = done(create(db, None).await);
        let mut row = rating(dossier.id, officer, level, ended);
        if level == "not_satisfied" {
            // Refused at intake: no time criteria, so indicator 5.4 does not count it.
            row.points[0] = None;
            row.points[1] = None;
        }
        assert!(db.put_rating(&row, ended).await.expect("rated"));
    }
    let (from, to) = (
        datetime!(2026-10-31 17:00 UTC),
        datetime!(2026-11-30 17:00 UTC),
    );
    let per_officer = db
        .rating_counts(RatingGroup::Officer, from, to, None)
        .await
        .expect("counted");
    assert_eq!(per_officer.len(), 2);
    let h1 = per_officer.iter().find(|c| c.key == "h1").expect("h1");
    assert_eq!(h1.ratings, 3);
    assert_eq!(h1.by_level, [1, 1, 1]);
    assert_eq!(h1.not_satisfied_judged, 0);
    // Total time applied to two of the three (2 + 2); feedback handling to none.
    assert_eq!(h1.criteria[0], (2, 4));
    assert_eq!(h1.criteria[7], (0, 0));
    assert_eq!(h1.criteria[8], (3, 3));
    let per_unit = db
        .rating_counts(
            RatingGroup::Agency,
            from,
            to,
            Some(&["000.00.15.H27".to_owned()]),
        )
        .await
        .expect("counted");
    assert_eq!(per_unit.len(), 1);
    assert_eq!(per_unit[0].ratings, 4);
    let elsewhere = db
        .rating_counts(RatingGroup::Procedure, from, to, Some(&[]))
        .await
        .expect("counted");
    assert!(elsewhere.is_empty(), "no unit asked for, nothing counted");
}
