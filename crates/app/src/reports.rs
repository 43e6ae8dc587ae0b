//! The figures a province is judged by and reports upward, read as the storage counts them:
//! dossiers received and finished in a period (their timeliness as the domain recorded it), the
//! payments by channel, the population look-ups by answer, and the calendar days the legal time
//! runs on. Pages, the API and (later) the exports to the national portal read them here.

use time::{Date, OffsetDateTime};

use crate::ServiceError;
pub use storage::DaySource;
use storage::Db;
pub use storage::payments::PaidGroupRow;
pub use storage::reference_data::CALENDAR_YEARS;
pub use storage::registry_lookups::LookupCount;
pub use storage::reports::{FinishedCount, MonthlyFigures, ReceivedCount};

/// The monthly report's figures for `[from, to)`.
pub async fn monthly_figures(
    db: &Db,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<MonthlyFigures, ServiceError> {
    Ok(db.monthly_figures(from, to).await?)
}

/// Paid payments (refunds subtracted) collected in `[from, to)`, per channel, procedure and
/// agency.
pub async fn paid_payment_groups(
    db: &Db,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Vec<PaidGroupRow>, ServiceError> {
    Ok(db.paid_payment_groups(from, to).await?)
}

/// How many dossiers paid fees in `[from, to)`, and how many of them paid through one of the
/// `online` channels.
pub async fn paying_dossiers(
    db: &Db,
    from: OffsetDateTime,
    to: OffsetDateTime,
    online: &[&str],
) -> Result<(i64, i64), ServiceError> {
    Ok(db.paying_dossiers(from, to, online).await?)
}

/// Population look-ups of `year` by agency and answer (every agency when `agencies` is `None`).
pub async fn registry_lookup_counts(
    db: &Db,
    agencies: Option<&[String]>,
    year: Option<i32>,
) -> Result<Vec<LookupCount>, ServiceError> {
    Ok(db.registry_lookup_counts(agencies, year).await?)
}

/// The calendar's days from `first` to `last` with where each came from.
pub async fn calendar_days(
    db: &Db,
    first: Date,
    last: Date,
) -> Result<Vec<(domain::calendar::CalendarDay, DaySource)>, ServiceError> {
    Ok(db.calendar_days(first, last).await?)
}
