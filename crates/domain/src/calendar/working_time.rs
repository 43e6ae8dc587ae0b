//! Working time: when a dossier counts as received and when its result is due. Legal deadlines
//! run in working days or hours of the office, so this module turns the holiday table and the
//! office hours into receipt times, appointment dates and clock stops.

use std::collections::BTreeMap;

use thiserror::Error;
use time::macros::{offset, time};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::holidays::{CalendarDay, DayKind, is_weekend};
use crate::catalogue::LegalDuration;

/// Vietnam's offset from UTC. Asia/Ho_Chi_Minh has kept +07:00 without daylight saving since
/// 1975, so a fixed offset is exact for every date the system handles.
pub const VIETNAM_OFFSET: UtcOffset = offset!(+7);

/// Why a set of office hours was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum OfficeHoursError {
    /// The periods do not run forward through the day.
    #[error(
        "office hours must run forward: the morning opens before it closes and the afternoon opens no earlier than the morning closes and before it closes"
    )]
    OutOfOrder,
    /// The same-day cut-off is not within the office day.
    #[error("the same-day cut-off must lie between opening and closing time")]
    CutoffOutsideHours,
}

/// The office day of the one-stop unit: a morning and an afternoon period, and the cut-off after
/// which a same-day procedure is settled on the next working day. Each province sets its own
/// hours (within the 8-hour day and 40-hour week of Decision 188/1999/QĐ-TTg), so they are data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OfficeHours {
    morning: (Time, Time),
    afternoon: (Time, Time),
    same_day_cutoff: Time,
}

impl Default for OfficeHours {
    /// 07:30–11:30 and 13:00–17:00, cut-off 15:00.
    fn default() -> Self {
        Self {
            morning: (time!(07:30), time!(11:30)),
            afternoon: (time!(13:00), time!(17:00)),
            same_day_cutoff: time!(15:00),
        }
    }
}

impl OfficeHours {
    /// Office hours from `(opening, closing)` of each period and the same-day cut-off. The
    /// afternoon may start when the morning ends (no lunch break).
    pub fn new(
        morning: (Time, Time),
        afternoon: (Time, Time),
        same_day_cutoff: Time,
    ) -> Result<Self, OfficeHoursError> {
        if !(morning.0 < morning.1 && morning.1 <= afternoon.0 && afternoon.0 < afternoon.1) {
            return Err(OfficeHoursError::OutOfOrder);
        }
        if !(morning.0..=afternoon.1).contains(&same_day_cutoff) {
            return Err(OfficeHoursError::CutoffOutsideHours);
        }
        Ok(Self {
            morning,
            afternoon,
            same_day_cutoff,
        })
    }

    /// The morning period, opening and closing.
    pub fn morning(&self) -> (Time, Time) {
        self.morning
    }

    /// The afternoon period, opening and closing.
    pub fn afternoon(&self) -> (Time, Time) {
        self.afternoon
    }

    /// Receipts of same-day procedures at or after this time are settled the next working day.
    pub fn same_day_cutoff(&self) -> Time {
        self.same_day_cutoff
    }

    /// When the office opens.
    pub fn opening(&self) -> Time {
        self.morning.0
    }

    /// When the office closes.
    pub fn closing(&self) -> Time {
        self.afternoon.1
    }

    /// The working time of one full day.
    pub fn working_time_per_day(&self) -> Duration {
        (self.morning.1 - self.morning.0) + (self.afternoon.1 - self.afternoon.0)
    }

    fn periods(&self) -> [(Time, Time); 2] {
        [self.morning, self.afternoon]
    }
}

/// Converts an instant to Vietnamese local time, or `None` at the very edge of the date range.
pub fn to_vietnam_local(at: OffsetDateTime) -> Option<PrimitiveDateTime> {
    let local = at.checked_to_offset(VIETNAM_OFFSET)?;
    Some(PrimitiveDateTime::new(local.date(), local.time()))
}

/// The legal calendar of one province: its holiday table (defaults merged with the yearly
/// decisions) and its office hours. All times it takes and gives without an offset are local to
/// Vietnam.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    days: BTreeMap<Date, DayKind>,
    hours: OfficeHours,
}

impl WorkCalendar {
    /// A calendar from dated entries (a later entry for the same date wins, as in
    /// [`super::merge`]) and office hours.
    pub fn new(days: Vec<CalendarDay>, hours: OfficeHours) -> Self {
        Self {
            days: days.into_iter().map(|day| (day.date, day.kind)).collect(),
            hours,
        }
    }

    /// The office hours.
    pub fn office_hours(&self) -> &OfficeHours {
        &self.hours
    }

    /// What the table says about a date, if anything.
    pub fn day_kind(&self, date: Date) -> Option<DayKind> {
        self.days.get(&date).copied()
    }

    /// Whether the office works on a date: Monday to Friday (Decision 188/1999/QĐ-TTg) unless a
    /// holiday or compensatory day, or any day the table swaps into a working day.
    pub fn is_working_day(&self, date: Date) -> bool {
        match self.day_kind(date) {
            Some(DayKind::WorkingDay) => true,
            Some(DayKind::Holiday | DayKind::Compensatory) => false,
            None => !is_weekend(date),
        }
    }

    /// The first working day strictly after `date`, or `None` past the end of the date range.
    pub fn next_working_day(&self, date: Date) -> Option<Date> {
        let mut next = date.next_day()?;
        while !self.is_working_day(next) {
            next = next.next_day()?;
        }
        Some(next)
    }

    /// The `n`-th working day after `date`. With `n = 0` it is `date` itself when that is a
    /// working day, else the next working day, so the result is always a working day.
    pub fn add_working_days(&self, date: Date, n: u32) -> Option<Date> {
        let mut day = if n == 0 && !self.is_working_day(date) {
            self.next_working_day(date)?
        } else {
            date
        };
        for _ in 0..n {
            day = self.next_working_day(day)?;
        }
        Some(day)
    }

    /// Working minutes in a full working day (480 by default).
    pub fn working_minutes_per_day(&self) -> i64 {
        self.hours.working_time_per_day().whole_minutes()
    }

    /// When legal time starts counting for a dossier received at `received`, in local time.
    ///
    /// Inside office hours it is the receipt itself; during the lunch break, the afternoon
    /// opening; before opening on a working day, that day's opening; after closing or on a day
    /// off, the opening of the next working day. Decree 45/2020/NĐ-CP counts online dossiers
    /// submitted outside working hours or on days off as received on the next working day, and
    /// the same start is used for every channel so counter and online dossiers compare fairly.
    pub fn receipt_start(&self, received: OffsetDateTime) -> Option<PrimitiveDateTime> {
        self.local_receipt_start(to_vietnam_local(received)?)
    }

    fn local_receipt_start(&self, local: PrimitiveDateTime) -> Option<PrimitiveDateTime> {
        let (date, at) = (local.date(), local.time());
        if self.is_working_day(date) {
            for (open, close) in self.hours.periods() {
                if at < open {
                    return Some(PrimitiveDateTime::new(date, open));
                }
                if at < close {
                    return Some(local);
                }
            }
        }
        let next = self.next_working_day(date)?;
        Some(PrimitiveDateTime::new(next, self.hours.opening()))
    }

    /// The appointment date (ngày hẹn trả) of a dossier received at `received`, in local time.
    ///
    /// - `WorkingDays { n }` and `WorkingHours { n }` add `n` full working days (of
    ///   [`Self::working_minutes_per_day`]) or `n` hours of working time to the receipt start,
    ///   counting only time inside office hours: received Monday 09:00, one day is due Tuesday
    ///   09:00. A count that ends exactly at a closing time stays there rather than moving to the
    ///   next opening, so a dossier received Monday at opening with one day is due Monday at
    ///   closing: exactly the eight working hours the law gives.
    /// - `SameDay`: received (counted from the receipt start) before the cut-off, due at closing
    ///   of that day; at or after the cut-off, at closing of the next working day ("tiếp nhận sau
    ///   15 giờ thì trả kết quả trong ngày làm việc tiếp theo": Decree 23/2015/NĐ-CP Art. 7 and
    ///   the 15:00 rule of Decree 61/2018/NĐ-CP Art. 17, carried into Decree 118/2025/NĐ-CP).
    ///   A dossier received before opening or on a day off therefore counts from the next
    ///   opening, which is before the cut-off: due that day at closing.
    pub fn appointment(
        &self,
        received: OffsetDateTime,
        duration: LegalDuration,
    ) -> Option<PrimitiveDateTime> {
        let start = self.receipt_start(received)?;
        match duration {
            LegalDuration::SameDay => {
                let day = if start.time() < self.hours.same_day_cutoff {
                    start.date()
                } else {
                    self.next_working_day(start.date())?
                };
                Some(PrimitiveDateTime::new(day, self.hours.closing()))
            }
            LegalDuration::WorkingDays { amount } => {
                let per_day = self.hours.working_time_per_day().whole_seconds();
                let seconds = per_day.checked_mul(i64::from(amount))?;
                self.add_working_time(start, Duration::seconds(seconds))
            }
            LegalDuration::WorkingHours { amount } => {
                self.add_working_time(start, Duration::hours(i64::from(amount)))
            }
        }
    }

    /// The moment `amount` of working time after `start`, counting only office hours of working
    /// days. An end that falls exactly on the close of a period stays there. A zero or negative
    /// amount gives `start` unchanged.
    pub fn add_working_time(
        &self,
        start: PrimitiveDateTime,
        amount: Duration,
    ) -> Option<PrimitiveDateTime> {
        if amount <= Duration::ZERO {
            return Some(start);
        }
        let mut remaining = amount;
        let mut date = start.date();
        let mut from_time = start.time();
        loop {
            if self.is_working_day(date) {
                for (open, close) in self.hours.periods() {
                    let from = from_time.max(open);
                    if from >= close {
                        continue;
                    }
                    let available = close - from;
                    if remaining <= available {
                        // Stays within the period, so the time cannot wrap past midnight.
                        return Some(PrimitiveDateTime::new(date, from + remaining));
                    }
                    remaining -= available;
                }
            }
            date = date.next_day()?;
            from_time = Time::MIDNIGHT;
        }
    }

    /// Working time from `from` to `to` (local times), in whole minutes; negative when `to` is
    /// before `from`.
    pub fn working_minutes_between(&self, from: PrimitiveDateTime, to: PrimitiveDateTime) -> i64 {
        self.working_time_between(from, to).whole_minutes()
    }

    /// Working time from `from` to `to` (local times), exact; negative when `to` is before
    /// `from`.
    pub fn working_time_between(&self, from: PrimitiveDateTime, to: PrimitiveDateTime) -> Duration {
        if to < from {
            return -self.working_time_between(to, from);
        }
        let mut total = Duration::ZERO;
        let mut date = from.date();
        while date <= to.date() {
            if self.is_working_day(date) {
                let day_from = if date == from.date() {
                    from.time()
                } else {
                    Time::MIDNIGHT
                };
                for (open, close) in self.hours.periods() {
                    let start = day_from.max(open);
                    let end = if date == to.date() {
                        to.time().min(close)
                    } else {
                        close
                    };
                    if end > start {
                        total += end - start;
                    }
                }
            }
            match date.next_day() {
                Some(next) => date = next,
                None => break,
            }
        }
        total
    }

    /// The due date after a supplement request stopped the clock from `paused_at` until the
    /// citizen completed the dossier at `resumed_at`: it moves later by the working time of the
    /// pause (Decree 118/2025/NĐ-CP: the time to supplement is not counted; Decision 766/QĐ-TTg
    /// subtracts "completed − requested" from the processing time). A pause with no working time
    /// leaves it unchanged; it never moves earlier.
    pub fn extend_for_pause(
        &self,
        due: PrimitiveDateTime,
        paused_at: PrimitiveDateTime,
        resumed_at: PrimitiveDateTime,
    ) -> Option<PrimitiveDateTime> {
        let paused = self.working_time_between(paused_at, resumed_at);
        self.add_working_time(due, paused)
    }
}

#[cfg(test)]
mod tests;
