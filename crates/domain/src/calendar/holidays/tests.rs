//! Tests of the default holiday lists and of merging officers' overrides.

use time::macros::date;

use super::*;

fn summary(days: &[CalendarDay]) -> Vec<(Date, DayKind)> {
    days.iter().map(|day| (day.date, day.kind)).collect()
}

#[test]
fn the_2025_defaults_are_the_statutory_days_with_one_compensatory_day() {
    use DayKind::{Compensatory as C, Holiday as H};
    assert_eq!(
        summary(&default_days(2025)),
        vec![
            (date!(2025 - 01 - 01), H),
            (date!(2025 - 01 - 28), H),
            (date!(2025 - 01 - 29), H),
            (date!(2025 - 01 - 30), H),
            (date!(2025 - 01 - 31), H),
            (date!(2025 - 02 - 01), H), // mùng 4 Tết, a Saturday
            (date!(2025 - 02 - 03), C), // … given back on Monday
            (date!(2025 - 04 - 07), H),
            (date!(2025 - 04 - 30), H),
            (date!(2025 - 05 - 01), H),
            (date!(2025 - 09 - 01), H),
            (date!(2025 - 09 - 02), H),
        ]
    );
}

#[test]
fn the_2026_defaults_give_back_hung_kings_day_on_monday() {
    use DayKind::{Compensatory as C, Holiday as H};
    assert_eq!(
        summary(&default_days(2026)),
        vec![
            (date!(2026 - 01 - 01), H),
            (date!(2026 - 02 - 16), H),
            (date!(2026 - 02 - 17), H),
            (date!(2026 - 02 - 18), H),
            (date!(2026 - 02 - 19), H),
            (date!(2026 - 02 - 20), H),
            (date!(2026 - 04 - 26), H), // Hùng Kings, a Sunday
            (date!(2026 - 04 - 27), C),
            (date!(2026 - 04 - 30), H),
            (date!(2026 - 05 - 01), H),
            (date!(2026 - 09 - 01), H),
            (date!(2026 - 09 - 02), H),
        ]
    );
}

#[test]
fn every_year_from_2020_to_2035_has_exactly_eleven_holidays() {
    for year in 2020..=2035 {
        let holidays = default_days(year)
            .into_iter()
            .filter(|day| day.kind == DayKind::Holiday && day.date.year() == year)
            .count();
        assert_eq!(holidays, 11, "year {year}");
    }
}

#[test]
fn every_weekend_holiday_is_given_back_on_a_distinct_weekday() {
    for year in 2020..=2035 {
        let days = default_days(year);
        let weekend_holidays = days
            .iter()
            .filter(|day| day.kind == DayKind::Holiday && is_weekend(day.date))
            .count();
        let compensatory: Vec<_> = days
            .iter()
            .filter(|day| day.kind == DayKind::Compensatory)
            .collect();
        assert_eq!(compensatory.len(), weekend_holidays, "year {year}");
        assert!(compensatory.iter().all(|day| !is_weekend(day.date)));
        let mut dates: Vec<_> = days.iter().map(|day| day.date).collect();
        dates.dedup();
        assert_eq!(dates.len(), days.len(), "one entry per date in {year}");
    }
}

#[test]
fn the_weekend_holidays_of_2023_are_given_back_in_date_order() {
    // 1/1 is a Sunday; Tết eve and mùng 1 fall on Sat 21 and Sun 22 January, mùng 2–4 on
    // Mon–Wed; Hùng Kings (29/4) and 30/4 on a weekend before 1/5 (Monday); 2/9 on a Saturday.
    let compensatory: Vec<_> = default_days(2023)
        .into_iter()
        .filter(|day| day.kind == DayKind::Compensatory)
        .map(|day| day.date)
        .collect();
    assert_eq!(
        compensatory,
        vec![
            date!(2023 - 01 - 02),
            date!(2023 - 01 - 26),
            date!(2023 - 01 - 27),
            date!(2023 - 05 - 02),
            date!(2023 - 05 - 03),
            date!(2023 - 09 - 04),
        ]
    );
}

#[test]
fn the_national_day_bridge_follows_the_weekday_of_the_2nd_of_september() {
    let adjacent = |year| {
        default_days(year)
            .into_iter()
            .find(|day| day.name_en == "National Day holiday (adjacent day)")
            .map(|day| day.date)
    };
    assert_eq!(adjacent(2021), Some(date!(2021 - 09 - 03))); // Thu → Fri
    assert_eq!(adjacent(2022), Some(date!(2022 - 09 - 01))); // Fri → Thu
    assert_eq!(adjacent(2023), Some(date!(2023 - 09 - 01))); // Sat → Fri
    assert_eq!(adjacent(2024), Some(date!(2024 - 09 - 03))); // Mon → Tue
    assert_eq!(adjacent(2025), Some(date!(2025 - 09 - 01))); // Tue → Mon
    assert_eq!(adjacent(2029), Some(date!(2029 - 09 - 03))); // Sun → Mon
}

#[test]
fn an_override_replaces_the_default_of_its_date() {
    let defaults = default_days(2026);
    let overrides = vec![
        // The decision moves the National Day bridge from 1 to 3 September …
        CalendarDay::new(
            date!(2026 - 09 - 01),
            DayKind::WorkingDay,
            "Làm việc",
            "Working day",
        ),
        CalendarDay::new(
            date!(2026 - 09 - 03),
            DayKind::Holiday,
            "Quốc khánh (ngày liền kề)",
            "National Day holiday (adjacent day)",
        ),
        // … and swaps a Saturday into a working day.
        CalendarDay::new(
            date!(2026 - 02 - 07),
            DayKind::WorkingDay,
            "Làm bù",
            "Swapped working Saturday",
        ),
    ];
    let merged = merge(defaults.clone(), overrides);
    assert_eq!(merged.len(), defaults.len() + 2);
    let kind = |date| {
        merged
            .iter()
            .find(|day| day.date == date)
            .map(|day| day.kind)
    };
    assert_eq!(kind(date!(2026 - 09 - 01)), Some(DayKind::WorkingDay));
    assert_eq!(kind(date!(2026 - 09 - 03)), Some(DayKind::Holiday));
    assert_eq!(kind(date!(2026 - 02 - 07)), Some(DayKind::WorkingDay));
    assert_eq!(kind(date!(2026 - 01 - 01)), Some(DayKind::Holiday));
    assert!(merged.windows(2).all(|pair| pair[0].date < pair[1].date));
}

#[test]
fn day_kinds_round_trip_through_their_text_form() {
    for kind in [DayKind::Holiday, DayKind::Compensatory, DayKind::WorkingDay] {
        assert_eq!(DayKind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(DayKind::parse("Holiday"), None);
}

#[test]
fn a_calendar_day_serialises_with_an_iso_date_and_a_snake_case_kind() {
    let day = CalendarDay::new(
        date!(2026 - 02 - 07),
        DayKind::WorkingDay,
        "Làm bù",
        "Swapped working Saturday",
    );
    let text = toml::to_string(&day).expect("serialises");
    assert!(text.contains("date = \"2026-02-07\""), "{text}");
    assert!(text.contains("kind = \"working_day\""), "{text}");
    assert_eq!(toml::from_str::<CalendarDay>(&text).expect("parses"), day);
}

#[test]
fn years_outside_the_date_range_give_no_days() {
    assert!(default_days(i32::MAX).is_empty());
}
