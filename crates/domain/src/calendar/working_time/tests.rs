//! Tests of receipt times, appointment dates and clock stops.

use proptest::prelude::*;
use time::macros::{date, datetime, offset, time};

use super::*;
use crate::calendar::{default_days, merge};

/// The default holidays of 2024–2031, with the office's default hours.
fn calendar() -> WorkCalendar {
    WorkCalendar::new(
        (2024..=2031).flat_map(default_days).collect(),
        OfficeHours::default(),
    )
}

/// As [`calendar`], with Saturday 2025-03-15 swapped into a working day.
fn calendar_with_swapped_saturday() -> WorkCalendar {
    let swap = CalendarDay::new(
        date!(2025 - 03 - 15),
        DayKind::WorkingDay,
        "Làm bù",
        "Swapped working Saturday",
    );
    WorkCalendar::new(
        merge((2024..=2031).flat_map(default_days).collect(), vec![swap]),
        OfficeHours::default(),
    )
}

fn days(amount: u32) -> LegalDuration {
    LegalDuration::WorkingDays { amount }
}

fn hours(amount: u32) -> LegalDuration {
    LegalDuration::WorkingHours { amount }
}

/// A local Vietnamese time as an instant.
fn vn(local: PrimitiveDateTime) -> OffsetDateTime {
    local.assume_offset(VIETNAM_OFFSET)
}

#[test]
fn vietnam_is_seven_hours_ahead_of_utc() {
    assert_eq!(VIETNAM_OFFSET, offset!(+07:00));
}

#[test]
fn the_default_office_day_has_480_working_minutes() {
    assert_eq!(calendar().working_minutes_per_day(), 480);
    let hours = OfficeHours::default();
    assert_eq!(hours.opening(), time!(07:30));
    assert_eq!(hours.closing(), time!(17:00));
    assert_eq!(hours.same_day_cutoff(), time!(15:00));
}

#[test]
fn office_hours_that_do_not_run_forward_are_refused() {
    let refused = OfficeHours::new(
        (time!(07:30), time!(13:30)),
        (time!(13:00), time!(17:00)),
        time!(15:00),
    );
    assert_eq!(refused, Err(OfficeHoursError::OutOfOrder));
    let refused = OfficeHours::new(
        (time!(07:00), time!(11:30)),
        (time!(13:30), time!(17:00)),
        time!(17:30),
    );
    assert_eq!(refused, Err(OfficeHoursError::CutoffOutsideHours));
}

#[test]
fn a_province_may_set_its_own_hours() {
    // Thanh Hóa works 07:00–11:30 and 13:30–17:00.
    let hours = OfficeHours::new(
        (time!(07:00), time!(11:30)),
        (time!(13:30), time!(17:00)),
        time!(15:00),
    )
    .expect("valid hours");
    let calendar = WorkCalendar::new(Vec::new(), hours);
    assert_eq!(calendar.working_minutes_per_day(), 480);
    assert_eq!(
        calendar.receipt_start(vn(datetime!(2025-03-10 12:00))),
        Some(datetime!(2025-03-10 13:30))
    );
}

#[test]
fn weekends_holidays_and_compensatory_days_are_not_working_days() {
    let calendar = calendar();
    assert!(calendar.is_working_day(date!(2025 - 03 - 14))); // Friday
    assert!(!calendar.is_working_day(date!(2025 - 03 - 15))); // Saturday
    assert!(!calendar.is_working_day(date!(2025 - 03 - 16))); // Sunday
    assert!(!calendar.is_working_day(date!(2025 - 09 - 02))); // National Day
    assert!(!calendar.is_working_day(date!(2026 - 04 - 27))); // nghỉ bù Hùng Kings
}

#[test]
fn a_swapped_working_saturday_counts() {
    let calendar = calendar_with_swapped_saturday();
    assert!(calendar.is_working_day(date!(2025 - 03 - 15)));
    assert_eq!(
        calendar.next_working_day(date!(2025 - 03 - 14)),
        Some(date!(2025 - 03 - 15))
    );
    assert_eq!(
        calendar.appointment(vn(datetime!(2025-03-14 09:00)), days(1)),
        Some(datetime!(2025-03-15 09:00))
    );
}

#[test]
fn adding_working_days_skips_weekends_and_holidays() {
    let calendar = calendar();
    // Tuesday 29 April 2025 + 1: 30/4 and 1/5 are holidays, Friday 2 May works.
    assert_eq!(
        calendar.add_working_days(date!(2025 - 04 - 29), 1),
        Some(date!(2025 - 05 - 02))
    );
    assert_eq!(
        calendar.add_working_days(date!(2025 - 04 - 29), 2),
        Some(date!(2025 - 05 - 05))
    );
    // Zero days from a Saturday is the next working day.
    assert_eq!(
        calendar.add_working_days(date!(2025 - 03 - 15), 0),
        Some(date!(2025 - 03 - 17))
    );
}

#[test]
fn receipt_inside_office_hours_starts_at_once() {
    let calendar = calendar();
    assert_eq!(
        calendar.receipt_start(vn(datetime!(2025-03-10 09:15:30))),
        Some(datetime!(2025-03-10 09:15:30))
    );
    assert_eq!(
        calendar.receipt_start(vn(datetime!(2025-03-10 07:30))),
        Some(datetime!(2025-03-10 07:30))
    );
}

#[test]
fn receipt_during_lunch_starts_at_the_afternoon_opening() {
    assert_eq!(
        calendar().receipt_start(vn(datetime!(2025-03-10 11:30))),
        Some(datetime!(2025-03-10 13:00))
    );
}

#[test]
fn receipt_before_opening_starts_at_opening_the_same_day() {
    assert_eq!(
        calendar().receipt_start(vn(datetime!(2025-03-10 06:10))),
        Some(datetime!(2025-03-10 07:30))
    );
}

#[test]
fn receipt_after_closing_or_on_a_day_off_starts_the_next_working_day() {
    let calendar = calendar();
    assert_eq!(
        calendar.receipt_start(vn(datetime!(2025-03-10 17:00))),
        Some(datetime!(2025-03-11 07:30))
    );
    assert_eq!(
        calendar.receipt_start(vn(datetime!(2025-03-15 10:00))),
        Some(datetime!(2025-03-17 07:30))
    );
    // Online at night on National Day 2025: counted from Wednesday 3 September.
    assert_eq!(
        calendar.receipt_start(vn(datetime!(2025-09-01 22:00))),
        Some(datetime!(2025-09-03 07:30))
    );
}

#[test]
fn receipt_times_in_utc_are_read_in_vietnamese_time() {
    // 02:00 UTC is 09:00 in Hà Nội.
    assert_eq!(
        calendar().receipt_start(datetime!(2025-03-10 02:00 UTC)),
        Some(datetime!(2025-03-10 09:00))
    );
}

#[test]
fn one_working_day_from_monday_0900_is_tuesday_0900() {
    assert_eq!(
        calendar().appointment(vn(datetime!(2025-03-10 09:00)), days(1)),
        Some(datetime!(2025-03-11 09:00))
    );
}

#[test]
fn one_working_day_from_monday_opening_ends_at_monday_closing() {
    assert_eq!(
        calendar().appointment(vn(datetime!(2025-03-10 07:30)), days(1)),
        Some(datetime!(2025-03-10 17:00))
    );
}

#[test]
fn working_hours_skip_the_lunch_break() {
    assert_eq!(
        calendar().appointment(vn(datetime!(2025-03-10 10:30)), hours(2)),
        Some(datetime!(2025-03-10 14:00))
    );
}

#[test]
fn friday_afternoon_before_tet_2026_is_due_after_the_holidays() {
    let calendar = calendar();
    // The defaults close Monday 16 to Friday 20 February 2026 (eve and mùng 1–4).
    for day in 16..=20 {
        let date = Date::from_calendar_date(2026, time::Month::February, day).expect("date");
        assert!(!calendar.is_working_day(date), "{date}");
    }
    // One hour on Friday 13th, then seven from Monday 23rd.
    assert_eq!(
        calendar.appointment(vn(datetime!(2026-02-13 16:00)), days(1)),
        Some(datetime!(2026-02-23 16:00))
    );
}

#[test]
fn a_same_day_procedure_received_before_the_cutoff_is_due_at_closing() {
    assert_eq!(
        calendar().appointment(vn(datetime!(2025-03-12 14:59)), LegalDuration::SameDay),
        Some(datetime!(2025-03-12 17:00))
    );
}

#[test]
fn a_same_day_procedure_received_at_1530_on_wednesday_is_due_thursday_at_closing() {
    assert_eq!(
        calendar().appointment(vn(datetime!(2025-03-12 15:30)), LegalDuration::SameDay),
        Some(datetime!(2025-03-13 17:00))
    );
}

#[test]
fn a_same_day_procedure_received_exactly_at_the_cutoff_is_due_the_next_working_day() {
    assert_eq!(
        calendar().appointment(vn(datetime!(2025-03-14 15:00)), LegalDuration::SameDay),
        Some(datetime!(2025-03-17 17:00))
    );
}

#[test]
fn a_same_day_procedure_received_on_a_saturday_is_due_monday() {
    assert_eq!(
        calendar().appointment(vn(datetime!(2025-03-15 10:00)), LegalDuration::SameDay),
        Some(datetime!(2025-03-17 17:00))
    );
}

#[test]
fn a_same_day_procedure_received_after_closing_is_due_the_next_day() {
    assert_eq!(
        calendar().appointment(vn(datetime!(2025-03-12 18:00)), LegalDuration::SameDay),
        Some(datetime!(2025-03-13 17:00))
    );
}

#[test]
fn working_minutes_between_counts_only_office_hours() {
    let calendar = calendar();
    let monday = datetime!(2025-03-10 07:30);
    assert_eq!(
        calendar.working_minutes_between(monday, datetime!(2025-03-11 07:30)),
        480
    );
    assert_eq!(
        calendar.working_minutes_between(datetime!(2025-03-11 07:30), monday),
        -480
    );
    // Friday 16:00 to Monday 08:30: one hour each side of the weekend.
    assert_eq!(
        calendar.working_minutes_between(datetime!(2025-03-14 16:00), datetime!(2025-03-17 08:30)),
        120
    );
}

#[test]
fn a_pause_moves_the_due_date_by_its_working_time() {
    let calendar = calendar();
    // Paused a full working day (Monday 09:00 → Tuesday 09:00): due Thursday → Friday.
    assert_eq!(
        calendar.extend_for_pause(
            datetime!(2025-03-13 17:00),
            datetime!(2025-03-10 09:00),
            datetime!(2025-03-11 09:00),
        ),
        Some(datetime!(2025-03-14 17:00))
    );
    // A pause over a weekend only costs nothing.
    assert_eq!(
        calendar.extend_for_pause(
            datetime!(2025-03-13 17:00),
            datetime!(2025-03-14 17:00),
            datetime!(2025-03-17 07:30),
        ),
        Some(datetime!(2025-03-13 17:00))
    );
}

#[test]
fn dates_at_the_end_of_the_range_give_none_instead_of_panicking() {
    let calendar = calendar();
    assert_eq!(calendar.next_working_day(Date::MAX), None);
    assert_eq!(
        calendar.appointment(
            PrimitiveDateTime::new(Date::MAX, time!(16:00)).assume_offset(VIETNAM_OFFSET),
            days(1)
        ),
        None
    );
    assert_eq!(to_vietnam_local(PrimitiveDateTime::MAX.assume_utc()), None);
}

/// A receipt instant in 2025–2029, at any second, seen from any offset.
fn any_receipt() -> impl Strategy<Value = OffsetDateTime> {
    let first = datetime!(2025-01-01 00:00 UTC).unix_timestamp();
    let last = datetime!(2029-12-31 00:00 UTC).unix_timestamp();
    (first..last, -12_i8..=14).prop_map(|(seconds, hours)| {
        let offset = UtcOffset::from_hms(hours, 0, 0).expect("offset");
        OffsetDateTime::from_unix_timestamp(seconds)
            .expect("timestamp")
            .to_offset(offset)
    })
}

fn any_duration() -> impl Strategy<Value = LegalDuration> {
    prop_oneof![
        Just(LegalDuration::SameDay),
        (0_u32..=60).prop_map(days),
        (0_u32..=120).prop_map(hours),
    ]
}

fn any_date() -> impl Strategy<Value = Date> {
    let first = date!(2025 - 01 - 01).to_julian_day();
    let last = date!(2029 - 12 - 31).to_julian_day();
    (first..=last).prop_map(|jd| Date::from_julian_day(jd).expect("date"))
}

fn any_local_time() -> impl Strategy<Value = PrimitiveDateTime> {
    any_receipt().prop_map(|at| to_vietnam_local(at).expect("local"))
}

proptest! {
    #[test]
    fn an_appointment_is_never_earlier_than_the_receipt(
        received in any_receipt(),
        duration in any_duration(),
    ) {
        let calendar = calendar_with_swapped_saturday();
        let due = calendar.appointment(received, duration).expect("in range");
        prop_assert!(due >= to_vietnam_local(received).expect("local"));
        prop_assert!(calendar.is_working_day(due.date()));
    }

    #[test]
    fn the_appointment_is_exactly_the_legal_working_time_after_the_receipt_start(
        received in any_receipt(),
        duration in any_duration(),
    ) {
        let calendar = calendar_with_swapped_saturday();
        let start = calendar.receipt_start(received).expect("in range");
        let due = calendar.appointment(received, duration).expect("in range");
        let expected = match duration {
            LegalDuration::SameDay => return Ok(()),
            LegalDuration::WorkingDays { amount } => i64::from(amount) * 480,
            LegalDuration::WorkingHours { amount } => i64::from(amount) * 60,
        };
        prop_assert_eq!(calendar.working_minutes_between(start, due), expected);
    }

    #[test]
    fn adding_working_days_always_lands_on_a_working_day(d in any_date(), n in 0_u32..=60) {
        let calendar = calendar_with_swapped_saturday();
        let day = calendar.add_working_days(d, n).expect("in range");
        prop_assert!(calendar.is_working_day(day));
        prop_assert!(day >= d);
    }

    #[test]
    fn adding_working_days_is_associative_from_a_working_day(
        d in any_date(),
        a in 0_u32..=40,
        b in 0_u32..=40,
    ) {
        let calendar = calendar_with_swapped_saturday();
        let d = calendar.add_working_days(d, 0).expect("in range");
        let at_once = calendar.add_working_days(d, a + b);
        let in_steps = calendar
            .add_working_days(d, a)
            .and_then(|mid| calendar.add_working_days(mid, b));
        prop_assert_eq!(at_once, in_steps);
    }

    #[test]
    fn a_pause_never_moves_the_due_date_earlier(
        due in any_local_time(),
        paused_at in any_local_time(),
        pause_minutes in 0_i64..=20_000,
    ) {
        let calendar = calendar_with_swapped_saturday();
        let resumed_at = paused_at + Duration::minutes(pause_minutes);
        let new_due = calendar.extend_for_pause(due, paused_at, resumed_at).expect("in range");
        prop_assert!(new_due >= due);
    }

    #[test]
    fn a_pause_adds_its_working_time_to_a_due_date_in_office_hours(
        received in any_receipt(),
        paused_at in any_local_time(),
        pause_minutes in 0_i64..=20_000,
    ) {
        let calendar = calendar_with_swapped_saturday();
        let due = calendar.appointment(received, days(5)).expect("in range");
        let resumed_at = paused_at + Duration::minutes(pause_minutes);
        let new_due = calendar.extend_for_pause(due, paused_at, resumed_at).expect("in range");
        prop_assert_eq!(
            calendar.working_time_between(due, new_due),
            calendar.working_time_between(paused_at, resumed_at)
        );
    }
}
