//! Public holidays and swapped days. The law fixes which days are holidays, but every year the
//! government decides the exact Tết and National Day days and swaps working Saturdays, so the
//! calendar is admin-edited data; this module only computes the defaults that pre-fill it and
//! merges the officers' overrides over them.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, Weekday};

use super::lunar::{LunarDate, lunar_to_solar, tet};

// Dates travel as "2025-09-02" in storage and forms, not as time's default (year, ordinal) pair.
time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// What a dated entry of the calendar does to that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday (ngày nghỉ lễ, Tết): no work, no deadline counting.
    Holiday,
    /// A day off given back for a holiday that fell on a weekend (nghỉ bù).
    Compensatory,
    /// A day that is worked although it would be a day off: a Saturday or Sunday swapped into a
    /// working day (làm bù). On a weekday it cancels a default holiday.
    WorkingDay,
}

impl DayKind {
    /// Stable text form, used in storage and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Compensatory => "compensatory",
            DayKind::WorkingDay => "working_day",
        }
    }

    /// Reads the text form written by [`DayKind::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "holiday" => Some(DayKind::Holiday),
            "compensatory" => Some(DayKind::Compensatory),
            "working_day" => Some(DayKind::WorkingDay),
            _ => None,
        }
    }

    /// Whether the day is a day off.
    pub fn is_day_off(self) -> bool {
        !matches!(self, DayKind::WorkingDay)
    }
}

/// One dated entry of the legal calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// The solar date, local to Vietnam.
    #[serde(with = "iso_date")]
    pub date: Date,
    /// What the entry does to the day.
    pub kind: DayKind,
    /// Vietnamese name shown to citizens and officers.
    pub name: String,
    /// English name.
    pub name_en: String,
}

impl CalendarDay {
    /// Builds an entry.
    pub fn new(
        date: Date,
        kind: DayKind,
        name: impl Into<String>,
        name_en: impl Into<String>,
    ) -> Self {
        Self {
            date,
            kind,
            name: name.into(),
            name_en: name_en.into(),
        }
    }
}

/// The statutory holidays of a solar year with their compensatory days, sorted by date.
///
/// Labour Code 2019 Art. 112(1) gives 11 days: 1 January; five days of Tết; Hùng Kings'
/// Commemoration (lunar 10/3); 30 April; 1 May; 2 September and one adjacent day. Art. 112(3)
/// lets the Prime Minister fix the Tết and National Day days each year, so the choices below are
/// defaults for officers to correct. Years outside the range of [`Date`] give an empty list.
pub fn default_days(year: i32) -> Vec<CalendarDay> {
    let mut days = Vec::with_capacity(14);
    let mut holiday = |date: Option<Date>, name: &str, name_en: &str| {
        if let Some(date) = date {
            days.push(CalendarDay::new(date, DayKind::Holiday, name, name_en));
        }
    };

    holiday(
        solar(year, Month::January, 1),
        "Tết Dương lịch",
        "New Year's Day",
    );

    // Tết: the usual government choice is the last day of the old lunar year and lunar 1/1 to
    // 4/1; the yearly decision of the Prime Minister overrides it (often with extra swapped days).
    if let Some(new_year) = tet(year) {
        holiday(
            new_year.checked_sub(Duration::DAY),
            "Tết Nguyên đán (ngày cuối năm âm lịch)",
            "Lunar New Year's Eve (Tết)",
        );
        for n in 1..=4_u8 {
            holiday(
                new_year.checked_add(Duration::days(i64::from(n) - 1)),
                &format!("Tết Nguyên đán (mùng {n})"),
                &format!("Lunar New Year (Tết), day {n}"),
            );
        }
    }

    holiday(
        lunar_to_solar(LunarDate::new(year, 3, 10)),
        "Giỗ Tổ Hùng Vương (10/3 âm lịch)",
        "Hùng Kings' Commemoration Day",
    );
    holiday(
        solar(year, Month::April, 30),
        "Ngày Chiến thắng (30/4)",
        "Reunification Day",
    );
    holiday(
        solar(year, Month::May, 1),
        "Ngày Quốc tế Lao động (1/5)",
        "International Labour Day",
    );
    if let Some(national_day) = solar(year, Month::September, 2) {
        holiday(Some(national_day), "Quốc khánh (2/9)", "National Day");
        holiday(
            national_day_adjacent(national_day),
            "Quốc khánh (ngày liền kề)",
            "National Day holiday (adjacent day)",
        );
    }

    days.sort_by_key(|day| day.date);
    let compensatory = compensatory_days(&days);
    days.extend(compensatory);
    days.sort_by_key(|day| day.date);
    days
}

/// Merges officers' entries over the computed defaults: an override replaces whatever the
/// defaults said for its date (a later override of the same date wins). The result is sorted by
/// date, one entry per date.
pub fn merge(defaults: Vec<CalendarDay>, overrides: Vec<CalendarDay>) -> Vec<CalendarDay> {
    let mut by_date = BTreeMap::new();
    for day in defaults.into_iter().chain(overrides) {
        by_date.insert(day.date, day);
    }
    by_date.into_values().collect()
}

/// Whether a date is a weekly rest day: civil servants work Monday to Friday (40-hour week,
/// Decision 188/1999/QĐ-TTg).
pub(crate) fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn solar(year: i32, month: Month, day: u8) -> Option<Date> {
    Date::from_calendar_date(year, month, day).ok()
}

/// The day next to 2 September that makes the best bridge (Labour Code 2019 Art. 112(1)(đ)
/// leaves the choice to the yearly decision). A working weekday is preferred, one touching a
/// weekend above all; with no bridge either way (a Wednesday), 1 September, as the governments
/// chose in 2022, 2023 and 2025:
/// Mon → Tue 3/9 (1/9 is a Sunday, as in 2024); Tue → Mon 1/9 (2025); Wed → Tue 1/9;
/// Thu → Fri 3/9 (2021); Fri → Thu 1/9 (2022); Sat → Fri 1/9 (2023); Sun → Mon 3/9.
fn national_day_adjacent(national_day: Date) -> Option<Date> {
    match national_day.weekday() {
        Weekday::Monday | Weekday::Thursday | Weekday::Sunday => national_day.next_day(),
        Weekday::Tuesday | Weekday::Wednesday | Weekday::Friday | Weekday::Saturday => {
            national_day.previous_day()
        }
    }
}

/// Labour Code 2019 Art. 111(3): a holiday that falls on a weekly rest day is given back on the
/// next working day (nghỉ bù): the next Monday–Friday that is not itself a holiday or already
/// given back. `holidays` must be sorted by date so that earlier holidays claim earlier days.
fn compensatory_days(holidays: &[CalendarDay]) -> Vec<CalendarDay> {
    let mut taken: BTreeSet<Date> = holidays.iter().map(|day| day.date).collect();
    let mut given = Vec::new();
    for holiday in holidays.iter().filter(|day| is_weekend(day.date)) {
        let mut candidate = holiday.date.next_day();
        while let Some(date) = candidate {
            if !is_weekend(date) && !taken.contains(&date) {
                break;
            }
            candidate = date.next_day();
        }
        let Some(date) = candidate else { continue };
        taken.insert(date);
        given.push(CalendarDay::new(
            date,
            DayKind::Compensatory,
            format!("Nghỉ bù {}", holiday.name),
            format!("Compensatory day off for {}", holiday.name_en),
        ));
    }
    given
}

#[cfg(test)]
mod tests;
