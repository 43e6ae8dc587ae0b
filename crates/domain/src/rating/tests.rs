//! Tests of the rating: the criteria computed from event logs, the asked ones, the window, the
//! tallies and indicator 5.4, each against a hand computation.

use proptest::prelude::*;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::catalogue::LegalDuration;
use crate::dossier::tests::{
    BIRTH_CERTIFICATE, DECLARATION, Dossier, LEAD, OTHER, POWER_OF_ATTORNEY, applicant, handler,
    leader, officer, reception, vn,
};
use crate::dossier::{Action, OfficerRole, ReturnMethod, Timeliness};

const FIVE_DAYS: LegalDuration = LegalDuration::WorkingDays { amount: 5 };
const PUBLISHED: [&str; 3] = [DECLARATION, BIRTH_CERTIFICATE, POWER_OF_ATTORNEY];

/// Monday 2 March 2026, 09:00 in Vietnam; the appointment of a five-day dossier accepted then
/// is Monday 9 March, 09:00.
fn monday() -> OffsetDateTime {
    vn(datetime!(2026-03-02 09:00))
}

fn days(n: i64) -> OffsetDateTime {
    monday() + Duration::days(n)
}

fn answers() -> Answers {
    Answers {
        level: Level::Satisfied,
        one_stop: Answer::Good,
        disclosure: Answer::Good,
        conduct: Answer::Good,
        asked_outside_rules: false,
        feedback_handling: Answer::NotApplicable,
        online_service: Answer::Good,
    }
}

/// Processed through every step at `at` and returned at the counter an hour later.
fn returned_at(at: OffsetDateTime) -> Dossier {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier
        .act(
            &handler(),
            Action::ProposeResult {
                summary: "grant".into(),
            },
            at,
        )
        .act(&leader(), Action::Approve { note: None }, at)
        .act(&handler(), Action::MarkResultReady, at)
        .act(
            &reception(),
            Action::ReturnResult {
                method: ReturnMethod::Counter,
            },
            at + Duration::hours(1),
        );
    dossier
}

fn facts(dossier: &Dossier) -> Facts {
    Facts::of(&dossier.events, Some(&PUBLISHED)).expect("the log folds")
}

#[test]
fn a_dossier_finished_early_without_supplements_scores_full_points_on_what_the_system_knows() {
    let dossier = returned_at(monday() + Duration::hours(2));
    let facts = facts(&dossier);
    assert_eq!(facts.timeliness, Some(Timeliness::Early));
    assert!(facts.online, "submitted online");
    // Handling, approval and return steps, each ended before its due time.
    assert_eq!((facts.steps_judged, facts.steps_late), (3, 0));
    assert_eq!(facts.contacts, 0);
    assert_eq!(facts.agencies.len(), 1);
    let scored = score(&facts, &answers());
    assert_eq!(
        scored.points,
        [
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            None,
            Some(2)
        ]
    );
    assert_eq!((scored.total(), scored.most()), (16, 16));
}

#[test]
fn a_late_result_scores_nothing_on_total_time_unless_it_came_with_an_apology() {
    // Finished on Wednesday 11 March, two days after the appointment: every step is late too.
    let late = returned_at(days(9));
    let f = facts(&late);
    assert_eq!(f.timeliness, Some(Timeliness::Late));
    assert_eq!(score(&f, &answers()).of(Criterion::TotalTime), Some(0));
    assert_eq!((f.steps_judged, f.steps_late), (3, 3));
    assert_eq!(score(&f, &answers()).of(Criterion::EachPartTime), Some(0));

    let mut apologised = Dossier::processing(FIVE_DAYS, monday());
    apologised.act(
        &handler(),
        Action::Apologise {
            reasons: "waiting for the survey".into(),
            new_due: vn(datetime!(2026-03-13 17:00)),
        },
        days(3),
    );
    apologised
        .act(
            &handler(),
            Action::ProposeResult {
                summary: "grant".into(),
            },
            days(9),
        )
        .act(&leader(), Action::Approve { note: None }, days(9))
        .act(&handler(), Action::MarkResultReady, days(9));
    let f = facts(&apologised);
    assert!(f.apologised);
    assert_eq!(score(&f, &answers()).of(Criterion::TotalTime), Some(1));
}

#[test]
fn one_late_step_costs_one_point_and_two_cost_both() {
    // The handling step (due Thursday 5 March 13:00) ends on Friday; approval and the return
    // step end in time.
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier
        .act(
            &handler(),
            Action::ProposeResult {
                summary: "grant".into(),
            },
            days(4),
        )
        .act(&leader(), Action::Approve { note: None }, days(4))
        .act(&handler(), Action::MarkResultReady, days(4));
    let f = facts(&dossier);
    assert_eq!(f.timeliness, Some(Timeliness::Early));
    assert_eq!((f.steps_judged, f.steps_late), (3, 1));
    assert_eq!(score(&f, &answers()).of(Criterion::EachPartTime), Some(1));
}

#[test]
fn a_step_entered_again_after_a_proposal_is_sent_back_is_judged_once_by_when_it_was_last_left() {
    // The handling step (due Thursday 5 March 13:00) is left late on Friday, sent back by the
    // leader and left again late: one late step, not two; the leader's step ends in time.
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    let propose = || Action::ProposeResult {
        summary: "grant".into(),
    };
    dossier
        .act(&handler(), propose(), days(4))
        .act(
            &leader(),
            Action::SendBack {
                reasons: "thiếu căn cứ".into(),
            },
            days(4),
        )
        .act(&handler(), propose(), days(4) + Duration::hours(1))
        .act(
            &leader(),
            Action::Approve { note: None },
            days(4) + Duration::hours(2),
        )
        .act(
            &handler(),
            Action::MarkResultReady,
            days(4) + Duration::hours(2),
        );
    let f = facts(&dossier);
    assert_eq!((f.steps_judged, f.steps_late), (3, 1));
    assert_eq!(score(&f, &answers()).of(Criterion::EachPartTime), Some(1));
}

#[test]
fn no_paper_is_held_beyond_the_list_of_a_procedure_no_longer_in_the_catalogue() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier.act(
        &handler(),
        Action::RequestSupplement {
            reasons: "power of attorney".into(),
            papers: vec![POWER_OF_ATTORNEY.into()],
        },
        days(1),
    );
    let f = Facts::of(&dossier.events, None).expect("folds");
    assert!(f.papers_beyond_list.is_empty());
}

#[test]
fn each_request_for_papers_is_a_contact_and_a_second_one_scores_nothing() {
    let supplement = || Action::RequestSupplement {
        reasons: "the copy is unreadable".into(),
        papers: vec![BIRTH_CERTIFICATE.into()],
    };
    let supplied = || Action::ReceiveSupplement { note: None };
    let mut once = Dossier::processing(FIVE_DAYS, monday());
    once.act(&handler(), supplement(), days(1))
        .act(&applicant(), supplied(), days(2));
    let f = facts(&once);
    assert_eq!(f.contacts, 1);
    assert_eq!(score(&f, &answers()).of(Criterion::Contacts), Some(1));

    once.act(&handler(), supplement(), days(3));
    let f = facts(&once);
    assert_eq!(f.contacts, 2);
    assert_eq!(score(&f, &answers()).of(Criterion::Contacts), Some(0));
}

#[test]
fn an_agency_other_than_the_receiving_one_asking_for_papers_counts_as_a_second_contact() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier.act(
        &handler(),
        Action::RequestSupplement {
            reasons: "the survey office needs the plan".into(),
            papers: Vec::new(),
        },
        days(1),
    );
    // The request came from the other agency's officer (its part of an inter-agency dossier).
    let mut events = dossier.events.clone();
    if let Some(last) = events.last_mut() {
        last.actor = officer("s1", OfficerRole::Handling, OTHER);
    }
    let f = Facts::of(&events, Some(&PUBLISHED)).expect("folds");
    assert_eq!(
        f.agencies.iter().map(String::as_str).collect::<Vec<_>>(),
        [LEAD, OTHER]
    );
    assert_eq!(
        score(&f, &answers()).of(Criterion::AgenciesContacted),
        Some(1)
    );
}

#[test]
fn papers_asked_beyond_the_published_list_zero_the_disclosure_criterion_whatever_the_answer() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier.act(
        &handler(),
        Action::RequestSupplement {
            reasons: "power of attorney".into(),
            papers: vec![POWER_OF_ATTORNEY.into()],
        },
        days(1),
    );
    // The procedure's published list no longer names the power of attorney.
    let f = Facts::of(&dossier.events, Some(&[DECLARATION, BIRTH_CERTIFICATE])).expect("folds");
    assert_eq!(f.papers_beyond_list, [POWER_OF_ATTORNEY]);
    assert_eq!(score(&f, &answers()).of(Criterion::Disclosure), Some(0));
    assert_eq!(
        score(&facts(&dossier), &answers()).of(Criterion::Disclosure),
        Some(2),
        "with the paper published, the answer counts"
    );
}

#[test]
fn being_asked_for_anything_outside_the_rules_zeroes_conduct() {
    let f = facts(&returned_at(monday() + Duration::hours(2)));
    let scored = score(
        &f,
        &Answers {
            asked_outside_rules: true,
            ..answers()
        },
    );
    assert_eq!(scored.of(Criterion::Conduct), Some(0));
}

#[test]
fn the_online_criterion_is_not_asked_of_counter_dossiers_and_feedback_may_not_apply() {
    let mut counter = Dossier::new(FIVE_DAYS);
    let code = crate::dossier::DossierCode::new(LEAD, datetime!(2026-03-02 09:00).date(), 1)
        .expect("code");
    counter.act(
        &reception(),
        Action::ReceiveAtCounter {
            code,
            channel: crate::catalogue::Channel::Counter,
            applicant: crate::dossier::tests::applicant_info(),
            papers: Vec::new(),
        },
        monday(),
    );
    counter.act(&reception(), Action::Accept, monday());
    let f = facts(&counter);
    assert!(!f.online);
    let scored = score(
        &f,
        &Answers {
            online_service: Answer::Poor,
            feedback_handling: Answer::Fair,
            ..answers()
        },
    );
    assert_eq!(scored.of(Criterion::OnlineService), None);
    assert_eq!(scored.of(Criterion::FeedbackHandling), Some(1));
}

#[test]
fn a_dossier_refused_at_intake_is_rated_without_the_time_criteria() {
    let mut dossier = Dossier::submitted(FIVE_DAYS, monday());
    dossier.act(
        &reception(),
        Action::Refuse {
            reasons: "not this agency's procedure".into(),
        },
        monday(),
    );
    let f = facts(&dossier);
    let scored = score(&f, &answers());
    assert_eq!(scored.of(Criterion::TotalTime), None);
    assert_eq!(scored.of(Criterion::EachPartTime), None);
    assert_eq!((scored.total(), scored.most()), (12, 12));
}

#[test]
fn only_feedback_and_the_online_service_may_be_answered_not_applicable() {
    assert_eq!(answers().check(), Ok(()));
    let bad = Answers {
        conduct: Answer::NotApplicable,
        ..answers()
    };
    assert_eq!(
        bad.check(),
        Err(AnswersError::MustApply(Criterion::Conduct))
    );
}

#[test]
fn a_dossier_is_rated_once_it_ends_until_the_window_closes_and_changed_for_seven_days() {
    let open = Dossier::processing(FIVE_DAYS, monday());
    assert_eq!(
        may_rate(open.state(), None, days(1)),
        Err(RatingRefusal::NotEnded)
    );
    let dossier = returned_at(days(1));
    let state = dossier.state();
    let returned = days(1) + Duration::hours(1);
    assert_eq!(state.returned_at, Some(returned));
    assert_eq!(
        may_rate(state, None, days(3)),
        Ok(returned + Duration::days(RATING_OPEN_DAYS))
    );
    assert_eq!(
        may_rate(state, None, returned + Duration::days(RATING_OPEN_DAYS + 1)),
        Err(RatingRefusal::Closed)
    );
    let given = days(3);
    assert_eq!(
        may_rate(state, Some(given), given + Duration::days(6)),
        Ok(given + Duration::days(CHANGE_DAYS))
    );
    assert_eq!(
        may_rate(state, Some(given), given + Duration::days(8)),
        Err(RatingRefusal::NoLongerChangeable)
    );
}

#[test]
fn a_tally_of_fewer_than_five_ratings_is_never_shown() {
    let f = facts(&returned_at(monday() + Duration::hours(2)));
    let mut tally = RatingTally::default();
    for _ in 0..4 {
        tally.add(&score(&f, &answers()));
        assert!(tally.shown().is_none());
    }
    tally.add(&score(
        &f,
        &Answers {
            level: Level::NotSatisfied,
            conduct: Answer::Poor,
            ..answers()
        },
    ));
    let shown = tally.shown().expect("five ratings are shown");
    assert_eq!(shown.by_level, [4, 0, 1]);
    assert_eq!(shown.share(Level::NotSatisfied), 0.2);
    // Conduct: 2+2+2+2+0 over five.
    assert_eq!(
        shown.criteria[Criterion::Conduct.index()].average(),
        Some(1.6)
    );
    assert_eq!(
        shown.criteria[Criterion::FeedbackHandling.index()].average(),
        None
    );
}

#[test]
fn indicator_5_4_is_the_share_without_delay_or_complaint_full_at_ninety_percent() {
    // 200 dossiers, 10 overdue, 6 rated "not satisfied": (200 − 10 − 6) / 200 = 0.92 ≥ 0.90.
    let full = dossier_receiving_satisfaction(200, 10, 6);
    assert_eq!((full.numerator, full.denominator), (184, 200));
    assert_eq!(full.score, 6.0);
    // 100 dossiers, 20 overdue, 5 complained: 0.75, so 6 × 0.75 / 0.9 = 5 points.
    let part = dossier_receiving_satisfaction(100, 20, 5);
    assert_eq!(part.ratio, 0.75);
    assert!((part.score - 5.0).abs() < 1e-9);
    assert_eq!(dossier_receiving_satisfaction(0, 0, 0).score, 0.0);
    assert_eq!(dossier_receiving_satisfaction(3, 2, 2).numerator, 0);
}

proptest! {
    /// Whatever the times of the steps, every criterion scores 0 to 2, the time criterion is
    /// full exactly when the dossier ended by its due time, and no more steps are late than
    /// were judged.
    #[test]
    fn computed_criteria_stay_within_their_points_and_follow_the_deadline(
        propose in 0i64..400,
        approve in 0i64..100,
        ready in 0i64..100,
    ) {
        let mut dossier = Dossier::processing(FIVE_DAYS, monday());
        let proposed = monday() + Duration::hours(propose);
        let approved = proposed + Duration::hours(approve);
        let done = approved + Duration::hours(ready);
        dossier
            .act(&handler(), Action::ProposeResult { summary: "grant".into() }, proposed)
            .act(&leader(), Action::Approve { note: None }, approved)
            .act(&handler(), Action::MarkResultReady, done);
        let due = dossier.state().due.expect("accepted");
        let f = facts(&dossier);
        let scored = score(&f, &answers());
        prop_assert!(scored.points.iter().flatten().all(|p| *p <= 2));
        prop_assert!(scored.total() <= scored.most() && scored.most() <= 18);
        prop_assert!(f.steps_late <= f.steps_judged);
        prop_assert_eq!(f.steps_judged, 3);
        prop_assert_eq!(scored.of(Criterion::TotalTime) == Some(2), done <= due);
        if done > due {
            prop_assert!(f.steps_late >= 1, "a late dossier has a late step");
        }
    }
}
