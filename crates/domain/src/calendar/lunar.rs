//! The Vietnamese lunar calendar, needed because Tết and the Hùng Kings' Commemoration are fixed
//! by lunar dates. It follows Hồ Ngọc Đức's published algorithm (Meeus' new-moon and
//! sun-longitude formulas) in the UTC+7 time zone: the Chinese calendar (UTC+8) puts Tết on a
//! different day in some years (1985, 2007, 2030…), so a Chinese table must never be used.

use std::f64::consts::PI;

use time::{Date, Duration};

/// The time zone of the Vietnamese calendar, in hours east of UTC.
const TIME_ZONE_HOURS: f64 = 7.0;

/// Length of the mean synodic month, in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;

/// Julian day of the first new moon that the new-moon series counts from (1900-01-01 13:52 UT).
const NEW_MOON_EPOCH: f64 = 2_415_021.076_998_695;

/// A date of the Vietnamese lunar calendar (âm lịch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LunarDate {
    /// The lunar year, numbered like the solar year in which its first day falls.
    pub year: i32,
    /// The month, 1–12; a leap month carries the number of the month it follows.
    pub month: u8,
    /// The day of the month, 1–30.
    pub day: u8,
    /// Whether the month is the leap month (tháng nhuận) of the year.
    pub leap: bool,
}

impl LunarDate {
    /// A date in an ordinary (non-leap) month.
    pub const fn new(year: i32, month: u8, day: u8) -> Self {
        Self {
            year,
            month,
            day,
            leap: false,
        }
    }
}

/// Converts a solar (Gregorian) date to the Vietnamese lunar date.
///
/// Dates are proleptic Gregorian throughout (the published code switches to the Julian calendar
/// before 1582, which no dossier reaches); the astronomy is accurate for a few centuries around
/// the present.
pub fn solar_to_lunar(date: Date) -> LunarDate {
    let day_number = date.to_julian_day();
    // The mean lunation estimates which new moon starts the month; the true new moon can be a
    // lunation away from that estimate, so settle on the last new-moon day not after `date`.
    // (The published code only steps back once and gives "day 0" on 2054-05-07 and 2062-04-09.)
    let mut k = ((f64::from(day_number) - NEW_MOON_EPOCH) / SYNODIC_MONTH).floor() as i32 + 1;
    while new_moon_day(k) > day_number {
        k -= 1;
    }
    while new_moon_day(k + 1) <= day_number {
        k += 1;
    }
    let month_start = new_moon_day(k);

    // The lunar year runs between two months 11 (the months holding the winter solstice).
    let solar_year = date.year();
    let mut a11 = lunar_month_11(solar_year);
    let mut b11 = a11;
    let mut year = if a11 >= month_start {
        a11 = lunar_month_11(solar_year - 1);
        solar_year
    } else {
        b11 = lunar_month_11(solar_year + 1);
        solar_year + 1
    };

    let day = day_number - month_start + 1;
    let diff = (month_start - a11).div_euclid(29);
    let mut leap = false;
    let mut month = diff + 11;
    // Thirteen new moons between two solstice months: one of them is the leap month.
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11);
        if diff >= leap_diff {
            month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if month > 12 {
        month -= 12;
    }
    // Months 11 and 12 at the start of the span still belong to the previous lunar year.
    if month >= 11 && diff < 4 {
        year -= 1;
    }

    LunarDate {
        year,
        // Both stay small by construction: month in 1..=12, day in 1..=30.
        month: u8::try_from(month).unwrap_or(0),
        day: u8::try_from(day).unwrap_or(0),
        leap,
    }
}

/// Converts a Vietnamese lunar date to the solar date, or `None` when the lunar date does not
/// exist (a leap flag on a month that is not leap that year, a 30th day in a 29-day month, a
/// month or day out of range) or falls outside the range of [`Date`].
pub fn lunar_to_solar(lunar: LunarDate) -> Option<Date> {
    if !(1..=12).contains(&lunar.month)
        || !(1..=30).contains(&lunar.day)
        || !(Date::MIN.year()..=Date::MAX.year()).contains(&lunar.year)
    {
        return None;
    }
    let month = i32::from(lunar.month);
    let (a11, b11) = if month < 11 {
        (lunar_month_11(lunar.year - 1), lunar_month_11(lunar.year))
    } else {
        (lunar_month_11(lunar.year), lunar_month_11(lunar.year + 1))
    };

    let k = (0.5 + (f64::from(a11) - NEW_MOON_EPOCH) / SYNODIC_MONTH).floor() as i32;
    let mut off = (month - 11).rem_euclid(12);
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11);
        let leap_month = (leap_off - 2).rem_euclid(12);
        if lunar.leap && month != leap_month {
            return None;
        }
        if lunar.leap || off >= leap_off {
            off += 1;
        }
    } else if lunar.leap {
        return None;
    }

    let month_start = new_moon_day(k + off);
    let month_length = new_moon_day(k + off + 1) - month_start;
    let day = i32::from(lunar.day);
    if day > month_length {
        return None;
    }
    Date::from_julian_day(month_start + day - 1).ok()
}

/// The solar date of lunar new year's day (mùng 1 Tết) of the given lunar year.
pub fn tet(year: i32) -> Option<Date> {
    lunar_to_solar(LunarDate::new(year, 1, 1))
}

/// The last day of the given lunar year (ngày cuối năm, the 29th or 30th of month 12).
pub fn lunar_new_years_eve(year: i32) -> Option<Date> {
    tet(year.checked_add(1)?)?.checked_sub(Duration::DAY)
}

/// The Julian day (in UTC+7) of the first day of the lunar month that starts with the `k`-th new
/// moon after 1900-01-01.
fn new_moon_day(k: i32) -> i32 {
    (new_moon(k) + 0.5 + TIME_ZONE_HOURS / 24.0).floor() as i32
}

/// The moment of the `k`-th new moon after 1900-01-01 13:52 UT, as a fractional Julian day
/// (Meeus, Astronomical Algorithms, ch. 49, as simplified by Hồ Ngọc Đức).
fn new_moon(k: i32) -> f64 {
    let k = f64::from(k);
    let t = k / 1236.85; // Julian centuries from 1900-01-00.5
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;

    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    // Mean anomalies of the sun and the moon, and the moon's argument of latitude.
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;

    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 -= 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 += 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 -= 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 -= 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 += 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();

    // ΔT, the difference between dynamical and universal time.
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - delta_t
}

/// The sun's apparent longitude, in radians in [0, 2π), at a fractional Julian day
/// (Meeus, Astronomical Algorithms, ch. 25, low precision).
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2_451_545.0) / 36_525.0; // Julian centuries from J2000.0
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// Which of the twelve 30° sectors (major solar terms, trung khí) the sun is in at the start of
/// the given day in UTC+7; 0 begins at the March equinox.
fn sun_sector(day_number: i32) -> i32 {
    let jdn = f64::from(day_number) - 0.5 - TIME_ZONE_HOURS / 24.0;
    (sun_longitude(jdn) / PI * 6.0).floor() as i32
}

/// The Julian day starting lunar month 11 of the given solar year: the month that contains the
/// winter solstice.
fn lunar_month_11(year: i32) -> i32 {
    // 31 December of `year`, proleptic Gregorian, computed without `Date` so any year works.
    let y = i64::from(year) + 4800;
    let dec_31 = 31 + (153 * 9 + 2) / 5 + 365 * y + y.div_euclid(4) - y.div_euclid(100)
        + y.div_euclid(400)
        - 32_045;
    let off = dec_31 as f64 - 2_415_021.0;
    let k = (off / SYNODIC_MONTH).floor() as i32;
    let new_moon_before_new_year = new_moon_day(k);
    // A new moon on or after the sun reaches 270° (sector 9) is past the solstice.
    if sun_sector(new_moon_before_new_year) >= 9 {
        new_moon_day(k - 1)
    } else {
        new_moon_before_new_year
    }
}

/// For a lunar year with thirteen months starting at month 11 on `a11`, the offset of the leap
/// month: the first month after month 11 during which the sun enters no new sector.
fn leap_month_offset(a11: i32) -> i32 {
    let k = ((f64::from(a11) - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5).floor() as i32;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

#[cfg(test)]
mod tests;
