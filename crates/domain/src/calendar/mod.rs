//! Legal time: deadlines of administrative procedures run in working days of the province's
//! office, so this module holds the Vietnamese lunar calendar (for Tết and Hùng Kings' Day), the
//! statutory holidays that pre-fill the admin-edited holiday table, and the working-time
//! arithmetic that turns a receipt into an appointment date.

pub mod holidays;
pub mod lunar;
pub mod working_time;

pub use holidays::{CalendarDay, DayKind, default_days, merge};
pub use lunar::{LunarDate, lunar_new_years_eve, lunar_to_solar, solar_to_lunar, tet};
pub use working_time::{
    OfficeHours, OfficeHoursError, VIETNAM_OFFSET, WorkCalendar, to_vietnam_local,
};

/// The instant as the records keep it: in UTC, to the microsecond. PostgreSQL keeps
/// microseconds, so whatever is computed from an instant (a dossier's state, a report's bounds)
/// works in them throughout, and a state computed now is exactly the state a replay of the
/// stored log computes.
pub fn recorded_instant(at: time::OffsetDateTime) -> time::OffsetDateTime {
    let at = at.to_offset(time::UtcOffset::UTC);
    at.replace_nanosecond(at.nanosecond() / 1_000 * 1_000)
        .unwrap_or(at)
}

#[cfg(test)]
mod recorded_instant_tests {
    use super::recorded_instant;

    #[test]
    fn a_recorded_instant_is_in_utc_and_keeps_whole_microseconds() {
        let at = time::macros::datetime!(2026-03-02 09:15:00.123_456_789 +07:00);
        let kept = recorded_instant(at);
        assert_eq!(kept.offset(), time::UtcOffset::UTC);
        assert_eq!(
            kept,
            time::macros::datetime!(2026-03-02 02:15:00.123_456 UTC)
        );
        assert_eq!(recorded_instant(kept), kept);
    }
}
