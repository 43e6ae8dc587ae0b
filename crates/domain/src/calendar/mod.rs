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
