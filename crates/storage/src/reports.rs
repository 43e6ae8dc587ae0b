//! The monthly dossier report's figures (DESIGN §2 "reporting"; the seed's table): per receiving
//! agency, the dossiers received in a month by channel, and those whose processing ended in it,
//! on time or late as the domain judged them when processing ended
//! (`domain::dossier::RecordedTimeliness`, Decision 766/QĐ-TTg indicator 2.1: supplement time
//! is subtracted, a second supplement request makes a dossier late, an apology does not move the
//! deadline). SQL only counts the recorded verdicts. Counted by the database with `group by` over indexes that hold every column read, so
//! the report costs the month's index entries, not a year of rows brought into the program.

use time::OffsetDateTime;

use crate::StorageError;
use crate::db::{Db, on_db};
use crate::dossier::to_micros;

/// Dossiers received by one agency through one channel.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReceivedCount {
    /// The receiving agency.
    pub agency_code: String,
    /// `counter`, `online` or `post`.
    pub channel: String,
    /// How many.
    pub dossiers: i64,
}

/// Dossiers of one agency whose processing ended.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FinishedCount {
    /// The receiving agency.
    pub agency_code: String,
    /// Ended early or on time.
    pub on_time: i64,
    /// Ended late.
    pub late: i64,
    /// Ended without being judged: never accepted (refused or withdrawn before acceptance).
    pub undated: i64,
}

/// The figures of a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthlyFigures {
    /// Received, per agency and channel, sorted by agency then channel.
    pub received: Vec<ReceivedCount>,
    /// Ended, per agency, sorted by agency.
    pub finished: Vec<FinishedCount>,
}

impl Db {
    /// The report's figures for `[from, to)`. Times are compared in UTC, as they are stored
    /// (SQLite compares them as text, which orders correctly only between UTC values).
    pub async fn monthly_figures(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<MonthlyFigures, StorageError> {
        let (from, to) = (to_micros(from), to_micros(to));
        let received: Vec<ReceivedCount> = on_db!(self, |pool| {
            sqlx::query_as(
                "select agency_code, channel, count(*) as dossiers from dossier \
                 where submitted_at >= $1 and submitted_at < $2 \
                 group by agency_code, channel order by agency_code, channel",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await
        })?;
        let finished: Vec<FinishedCount> = on_db!(self, |pool| {
            sqlx::query_as(
                "select agency_code, \
                   sum(case when timeliness in ('early', 'on_time') then 1 else 0 end) as on_time, \
                   sum(case when timeliness = 'late' then 1 else 0 end) as late, \
                   sum(case when timeliness = 'unjudged' then 1 else 0 end) as undated \
                 from dossier where finished_at >= $1 and finished_at < $2 \
                 group by agency_code order by agency_code",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await
        })?;
        Ok(MonthlyFigures { received, finished })
    }
}
