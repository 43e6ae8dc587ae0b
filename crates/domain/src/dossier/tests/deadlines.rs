//! Tests of appointments, clock stops and the on-time classification, with the edge cases of
//! issue 3.

use time::macros::{date, datetime};

use super::*;

const FIVE_DAYS: LegalDuration = LegalDuration::WorkingDays { amount: 5 };

fn supplement() -> Action {
    Action::RequestSupplement {
        reasons: "a paper is missing".into(),
        papers: Vec::new(),
    }
}

fn supplied() -> Action {
    Action::ReceiveSupplement { note: None }
}

fn finish(dossier: &mut Dossier, at: OffsetDateTime) {
    dossier
        .act(
            &handler(),
            Action::ProposeResult {
                summary: "grant".into(),
            },
            at,
        )
        .act(&leader(), Action::Approve { note: None }, at)
        .act(&handler(), Action::MarkResultReady, at);
}

#[test]
fn receipt_on_the_friday_afternoon_before_tet_counts_through_to_the_week_after() {
    // Tết 2026 is Tuesday 17 February; the holidays run Monday 16 to Friday 20.
    let friday = vn(datetime!(2026-02-13 15:30));
    let dossier = Dossier::accepted(LegalDuration::WorkingDays { amount: 3 }, friday);
    let state = dossier.state();
    assert_eq!(state.counting_from, Some(friday));
    // 90 minutes on Friday, then Monday 23 and Tuesday 24, and 390 minutes of Wednesday 25.
    assert_eq!(state.appointment, Some(vn(datetime!(2026-02-25 15:30))));
    assert_eq!(state.code.to_string(), "000.00.15.H27-260213-0001");
}

#[test]
fn a_same_day_procedure_received_on_the_friday_afternoon_before_tet_is_due_after_tet() {
    let friday = vn(datetime!(2026-02-13 15:30));
    let dossier = Dossier::accepted(LegalDuration::SameDay, friday);
    assert_eq!(
        dossier.state().appointment,
        Some(vn(datetime!(2026-02-23 17:00)))
    );
}

#[test]
fn an_online_dossier_submitted_during_tet_counts_from_the_first_working_morning() {
    let tet = vn(datetime!(2026-02-17 20:00));
    let monday = vn(datetime!(2026-02-23 07:00));
    let mut dossier = Dossier::submitted(LegalDuration::WorkingDays { amount: 1 }, tet);
    dossier.act(&reception(), Action::Accept, monday);
    let state = dossier.state();
    assert_eq!(state.counting_from, Some(vn(datetime!(2026-02-23 07:30))));
    assert_eq!(state.appointment, Some(vn(datetime!(2026-02-23 17:00))));
}

#[test]
fn a_same_day_procedure_received_at_15_30_is_due_at_closing_the_next_working_day() {
    let dossier = Dossier::accepted(LegalDuration::SameDay, vn(datetime!(2026-03-02 15:30)));
    assert_eq!(
        dossier.state().appointment,
        Some(vn(datetime!(2026-03-03 17:00)))
    );
    let before = Dossier::accepted(LegalDuration::SameDay, vn(datetime!(2026-03-02 14:59)));
    assert_eq!(
        before.state().appointment,
        Some(vn(datetime!(2026-03-02 17:00)))
    );
}

#[test]
fn a_same_day_procedure_shares_the_rest_of_the_day_among_its_steps() {
    let dossier = Dossier::accepted(LegalDuration::SameDay, vn(datetime!(2026-03-02 13:00)));
    let dues: Vec<PrimitiveDateTime> = dossier
        .state()
        .steps
        .iter()
        .map(|s| local_of(s.due))
        .collect();
    // 240 minutes: 10 %, 70 %, 90 %, 100 %.
    assert_eq!(
        dues,
        vec![
            datetime!(2026-03-02 13:24),
            datetime!(2026-03-02 15:48),
            datetime!(2026-03-02 16:36),
            datetime!(2026-03-02 17:00),
        ]
    );
}

#[test]
fn a_supplement_across_a_holiday_moves_the_due_date_by_working_time_only() {
    // 30 April and 1 May 2026 are a Thursday and a Friday.
    let accepted = vn(datetime!(2026-04-23 09:00));
    let mut dossier = Dossier::processing(FIVE_DAYS, accepted);
    assert_eq!(dossier.state().due, Some(vn(datetime!(2026-05-05 09:00))));
    dossier
        .act(&handler(), supplement(), vn(datetime!(2026-04-29 09:00)))
        .act(&applicant(), supplied(), vn(datetime!(2026-05-04 09:00)));
    let state = dossier.state();
    // Five calendar days passed but only Wednesday 09:00–17:00 and Monday 07:30–09:00 count.
    assert_eq!(state.paused_seconds, 8 * 3600);
    assert_eq!(state.due, Some(vn(datetime!(2026-05-06 09:00))));
    assert_eq!(state.appointment, Some(vn(datetime!(2026-05-05 09:00))));
    finish(&mut dossier, vn(datetime!(2026-05-05 16:00)));
    assert_eq!(
        classify(dossier.state(), vn(datetime!(2026-06-01 00:00))),
        Some(Timeliness::Early)
    );
}

#[test]
fn a_second_supplement_request_counts_as_overdue() {
    let monday = vn(datetime!(2026-03-02 09:00));
    let mut dossier = Dossier::processing(FIVE_DAYS, monday);
    dossier
        .act(&handler(), supplement(), vn(datetime!(2026-03-02 10:00)))
        .act(&applicant(), supplied(), vn(datetime!(2026-03-02 11:00)))
        .act(&handler(), supplement(), vn(datetime!(2026-03-02 14:00)));
    let now = vn(datetime!(2026-03-02 15:00));
    assert_eq!(classify(dossier.state(), now), Some(Timeliness::Overdue));
    assert_eq!(
        urgency(&dossier.calendar, dossier.state(), now),
        Some(Urgency::Overdue)
    );
    dossier.act(&applicant(), supplied(), vn(datetime!(2026-03-03 09:00)));
    finish(&mut dossier, vn(datetime!(2026-03-03 10:00)));
    assert_eq!(
        classify(dossier.state(), vn(datetime!(2026-03-03 11:00))),
        Some(Timeliness::Late),
        "finished days early, still late by the supplement rule"
    );
}

#[test]
fn one_supplement_request_is_not_overdue() {
    let mut dossier = Dossier::processing(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    dossier
        .act(&handler(), supplement(), vn(datetime!(2026-03-02 10:00)))
        .act(&applicant(), supplied(), vn(datetime!(2026-03-02 11:00)));
    finish(&mut dossier, vn(datetime!(2026-03-03 10:00)));
    assert_eq!(
        classify(dossier.state(), vn(datetime!(2026-03-03 11:00))),
        Some(Timeliness::Early)
    );
}

#[test]
fn a_pending_supplement_counts_the_request_time_as_the_end() {
    let mut dossier = Dossier::processing(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    dossier.act(&handler(), supplement(), vn(datetime!(2026-03-05 09:00)));
    let long_after = vn(datetime!(2026-04-01 09:00));
    assert_eq!(
        classify(dossier.state(), long_after),
        Some(Timeliness::InTime)
    );
    assert_eq!(
        urgency(&dossier.calendar, dossier.state(), long_after),
        Some(Urgency::ClockStopped)
    );
    // Stopped while waiting: the clock had stopped at the request.
    dossier.act(
        &leader(),
        Action::Stop {
            reasons: "never supplied".into(),
        },
        long_after,
    );
    assert_eq!(
        classify(dossier.state(), long_after),
        Some(Timeliness::Early)
    );
}

#[test]
fn a_supplement_requested_after_the_due_date_is_overdue() {
    let mut dossier = Dossier::processing(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    dossier.act(&handler(), supplement(), vn(datetime!(2026-03-10 09:00)));
    let now = vn(datetime!(2026-03-11 09:00));
    assert_eq!(classify(dossier.state(), now), Some(Timeliness::Overdue));
    assert_eq!(
        urgency(&dossier.calendar, dossier.state(), now),
        Some(Urgency::Overdue)
    );
    // Supplied later: the pause moves the deadline but the request came too late.
    dossier.act(&applicant(), supplied(), vn(datetime!(2026-03-12 09:00)));
    finish(&mut dossier, vn(datetime!(2026-03-12 10:00)));
    assert_eq!(classify(dossier.state(), now), Some(Timeliness::Late));
}

#[test]
fn finished_dossiers_are_early_on_time_or_late() {
    // Due Monday 9 March 09:00.
    let cases = [
        (datetime!(2026-03-06 16:00), Timeliness::Early),
        (datetime!(2026-03-09 08:00), Timeliness::OnTime),
        (datetime!(2026-03-09 09:00), Timeliness::OnTime),
        (datetime!(2026-03-09 09:01), Timeliness::Late),
    ];
    for (end, expected) in cases {
        let mut dossier = Dossier::processing(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
        finish(&mut dossier, vn(end));
        let returned = vn(datetime!(2026-03-20 09:00));
        dossier.act(
            &reception(),
            Action::ReturnResult {
                method: ReturnMethod::Counter,
            },
            returned,
        );
        assert_eq!(
            classify(dossier.state(), returned),
            Some(expected),
            "ready at {end}"
        );
        assert!(expected.is_finished());
    }
}

#[test]
fn unfinished_dossiers_are_in_time_until_the_due_time_then_overdue() {
    let dossier = Dossier::processing(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    let state = dossier.state();
    assert_eq!(
        classify(state, vn(datetime!(2026-03-09 09:00))),
        Some(Timeliness::InTime)
    );
    assert_eq!(
        classify(state, vn(datetime!(2026-03-09 09:01))),
        Some(Timeliness::Overdue)
    );
    assert!(Timeliness::InTime.counts_as_on_time());
    assert!(!Timeliness::Overdue.counts_as_on_time());
}

#[test]
fn withdrawal_counts_only_for_accepted_dossiers() {
    let at = vn(datetime!(2026-03-02 09:00));
    let mut early = Dossier::submitted(FIVE_DAYS, at);
    early.act(
        &applicant(),
        Action::Withdraw {
            reasons: String::new(),
        },
        at,
    );
    assert_eq!(classify(early.state(), at), None);
    let mut later = Dossier::processing(FIVE_DAYS, at);
    later.act(
        &applicant(),
        Action::Withdraw {
            reasons: String::new(),
        },
        vn(datetime!(2026-03-10 09:00)),
    );
    assert_eq!(classify(later.state(), at), Some(Timeliness::Late));
}

#[test]
fn an_apology_gives_a_new_date_but_the_dossier_still_counts_as_late() {
    let mut dossier = Dossier::processing(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    let new_due = vn(datetime!(2026-03-13 17:00));
    dossier.act(
        &handler(),
        Action::Apologise {
            reasons: "waiting for the survey".into(),
            new_due,
        },
        vn(datetime!(2026-03-05 09:00)),
    );
    let before_new_date = vn(datetime!(2026-03-11 09:00));
    assert_eq!(
        classify(dossier.state(), before_new_date),
        Some(Timeliness::Overdue)
    );
    finish(&mut dossier, before_new_date);
    assert_eq!(
        classify(dossier.state(), before_new_date),
        Some(Timeliness::Late)
    );
    assert_eq!(dossier.state().effective_due(), Some(new_due));
}

#[test]
fn an_apology_date_moves_with_a_later_supplement_pause() {
    let mut dossier = Dossier::processing(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    dossier
        .act(
            &handler(),
            Action::Apologise {
                reasons: "late".into(),
                new_due: vn(datetime!(2026-03-13 17:00)),
            },
            vn(datetime!(2026-03-03 09:00)),
        )
        .act(&handler(), supplement(), vn(datetime!(2026-03-04 09:00)))
        .act(&applicant(), supplied(), vn(datetime!(2026-03-05 09:00)));
    assert_eq!(
        dossier.state().effective_due(),
        Some(vn(datetime!(2026-03-16 17:00))),
        "one working day later, over the weekend"
    );
}

#[test]
fn the_inbox_marks_due_soon_within_one_working_day() {
    let dossier = Dossier::processing(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    let (calendar, state) = (&dossier.calendar, dossier.state());
    let mark = |local| urgency(calendar, state, vn(local));
    assert_eq!(mark(datetime!(2026-03-05 09:00)), Some(Urgency::InTime));
    // Friday 09:00 to Monday 09:00 is one working day.
    assert_eq!(mark(datetime!(2026-03-06 09:00)), Some(Urgency::DueSoon));
    assert_eq!(mark(datetime!(2026-03-09 09:00)), Some(Urgency::DueSoon));
    assert_eq!(mark(datetime!(2026-03-09 09:30)), Some(Urgency::Overdue));
    // The step in progress (handling) is due Thursday 5 March 14:30.
    assert_eq!(
        step_urgency(calendar, state, vn(datetime!(2026-03-04 15:00))),
        Some(Urgency::DueSoon)
    );
    assert_eq!(
        step_urgency(calendar, state, vn(datetime!(2026-03-05 15:00))),
        Some(Urgency::Overdue)
    );
}

#[test]
fn finished_or_unreceived_dossiers_have_no_inbox_mark() {
    let at = vn(datetime!(2026-03-02 09:00));
    let submitted = Dossier::submitted(FIVE_DAYS, at);
    assert_eq!(urgency(&submitted.calendar, submitted.state(), at), None);
    let ready = Dossier::ready(FIVE_DAYS, at);
    assert_eq!(urgency(&ready.calendar, ready.state(), at), None);
}

#[test]
fn the_apology_deadline_skips_back_over_days_off() {
    // Due Monday 23 February 2026 after Tết: the last working day before it is Friday 13.
    let dossier = Dossier::accepted(LegalDuration::SameDay, vn(datetime!(2026-02-13 15:30)));
    assert_eq!(
        apology_deadline(&dossier.calendar, dossier.state()),
        Some(date!(2026 - 02 - 13))
    );
}

#[test]
fn a_result_promised_for_a_day_is_due_at_the_close_of_its_office_hours() {
    let due = due_at_close_of(calendar().office_hours(), date!(2026 - 03 - 10));
    assert_eq!(due, datetime!(2026-03-10 17:00 +7));
}
