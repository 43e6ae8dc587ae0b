//! The month a report page is asked for (`?month=YYYY-MM`, this month when absent) as the
//! instants that bound it in Vietnam's time, and shares written as the reports print them. The
//! monthly dossier report and the ratings report read periods the same way.

use domain::calendar::VIETNAM_OFFSET;
use time::{Date, Month, OffsetDateTime, Time};

use crate::error::AppError;
use crate::ui::Ui;

/// A calendar month of Vietnam's time.
pub(crate) struct ReportMonth {
    /// Its first instant.
    pub from: OffsetDateTime,
    /// The first instant of the next month.
    pub to: OffsetDateTime,
    /// `YYYY-MM`, for the month field.
    pub value: String,
    /// As the page names it (`MM/YYYY` in Vietnamese).
    pub label: String,
}

/// The first instant of a month in Vietnam.
pub(crate) fn month_start(year: i32, month: Month) -> Option<OffsetDateTime> {
    Date::from_calendar_date(year, month, 1)
        .ok()
        .map(|d| d.with_time(Time::MIDNIGHT).assume_offset(VIETNAM_OFFSET))
}

/// The month `text` names (`YYYY-MM`, from 2000 to next year), or the month of `today` when
/// it is absent or empty; a 400 in the page's language otherwise.
pub(crate) fn report_month(
    ui: &Ui,
    today: Date,
    text: Option<&str>,
) -> Result<ReportMonth, AppError> {
    let bad = || AppError::BadRequest(ui.t("report.monthly.bad_month").to_owned());
    let (year, month) = match text.map(str::trim).filter(|m| !m.is_empty()) {
        None => (today.year(), today.month()),
        Some(text) => {
            let (y, m) = text.split_once('-').ok_or_else(bad)?;
            let year = y
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=today.year() + 1).contains(y))
                .ok_or_else(bad)?;
            let month = m
                .parse::<u8>()
                .ok()
                .and_then(|m| Month::try_from(m).ok())
                .ok_or_else(bad)?;
            (year, month)
        }
    };
    let next = if month == Month::December {
        month_start(year + 1, Month::January)
    } else {
        month_start(year, month.next())
    };
    let (Some(from), Some(to)) = (month_start(year, month), next) else {
        return Err(bad());
    };
    let number = u8::from(month);
    Ok(ReportMonth {
        from,
        to,
        value: format!("{year:04}-{number:02}"),
        label: if ui.is_en() {
            format!("{year:04}-{number:02}")
        } else {
            format!("{number:02}/{year:04}")
        },
    })
}

/// `part` of `whole` as a percentage with one decimal and a decimal comma ("–" of nothing).
pub(crate) fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        "–".to_owned()
    } else {
        let per_mille = part * 1000 / whole;
        format!("{},{} %", per_mille / 10, per_mille % 10)
    }
}
