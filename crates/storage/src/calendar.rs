//! Stores the legal calendar: the days that differ from "Monday to Friday is a working day".
//! Computed defaults and the shipped government decisions can be reloaded at any time; an
//! administrator's edit always wins over both and survives reloading.

use domain::calendar::{CalendarDay, DayKind};
use time::{Date, OffsetDateTime};

use crate::StorageError;
use crate::db::{Db, Tx, exec_tx, on_db};

/// Where a stored calendar day comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaySource {
    /// Computed from the Labour Code rules and the lunar calendar.
    Computed,
    /// The government's yearly decision, shipped in `catalog/holidays.toml`.
    Official,
    /// Entered by an administrator of this province.
    Admin,
}

impl DaySource {
    /// Stable text form used in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            DaySource::Computed => "computed",
            DaySource::Official => "official",
            DaySource::Admin => "admin",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [DaySource::Computed, DaySource::Official, DaySource::Admin]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

const UPSERT: &str = "insert into calendar_day (date, kind, name, name_en, source, updated_at) \
     values ($1, $2, $3, $4, $5, $6) \
     on conflict (date) do update set kind = excluded.kind, name = excluded.name, \
       name_en = excluded.name_en, source = excluded.source, updated_at = excluded.updated_at";

impl Tx {
    /// Replaces the computed and official days by `days`, leaving administrators' edits alone.
    pub(crate) async fn replace_shipped_days(
        &mut self,
        days: &[(CalendarDay, DaySource)],
    ) -> Result<(), StorageError> {
        exec_tx!(self, |c| {
            sqlx::query("delete from calendar_day where source <> 'admin'")
                .execute(c)
                .await
        })?;
        let now = OffsetDateTime::now_utc();
        for (day, source) in days {
            exec_tx!(self, |c| {
                sqlx::query(
                    "insert into calendar_day (date, kind, name, name_en, source, updated_at) \
                     values ($1, $2, $3, $4, $5, $6) on conflict (date) do nothing",
                )
                .bind(day.date)
                .bind(day.kind.as_str())
                .bind(&day.name)
                .bind(&day.name_en)
                .bind(source.as_str())
                .bind(now)
                .execute(c)
                .await
            })?;
        }
        Ok(())
    }

    async fn upsert_day(
        &mut self,
        day: &CalendarDay,
        source: DaySource,
    ) -> Result<(), StorageError> {
        let now = OffsetDateTime::now_utc();
        exec_tx!(self, |c| {
            sqlx::query(UPSERT)
                .bind(day.date)
                .bind(day.kind.as_str())
                .bind(&day.name)
                .bind(&day.name_en)
                .bind(source.as_str())
                .bind(now)
                .execute(c)
                .await
        })?;
        Ok(())
    }
}

type DayRow = (Date, String, String, String, String);

fn day_from_row(
    (date, kind, name, name_en, source): DayRow,
) -> Result<(CalendarDay, DaySource), StorageError> {
    let kind = DayKind::parse(&kind)
        .ok_or_else(|| StorageError::Corrupt(format!("unknown day kind {kind:?}")))?;
    let source = DaySource::parse(&source)
        .ok_or_else(|| StorageError::Corrupt(format!("unknown day source {source:?}")))?;
    Ok((
        CalendarDay {
            date,
            kind,
            name,
            name_en,
        },
        source,
    ))
}

impl Db {
    /// Every stored special day between two dates, inclusive, in date order.
    pub async fn calendar_days(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<(CalendarDay, DaySource)>, StorageError> {
        let rows: Vec<DayRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "select date, kind, name, name_en, source from calendar_day \
                 where date >= $1 and date <= $2 order by date",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await
        })?;
        rows.into_iter().map(day_from_row).collect()
    }

    /// Every stored special day, for building the working-time calendar.
    pub async fn all_calendar_days(&self) -> Result<Vec<CalendarDay>, StorageError> {
        let rows: Vec<DayRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "select date, kind, name, name_en, source from calendar_day order by date",
            )
            .fetch_all(pool)
            .await
        })?;
        rows.into_iter()
            .map(|row| day_from_row(row).map(|(day, _)| day))
            .collect()
    }

    /// Records an administrator's decision for one date (a swapped working day, an extra day off),
    /// replacing whatever was stored for it.
    pub async fn set_calendar_day(&self, day: &CalendarDay) -> Result<(), StorageError> {
        let mut tx = self.begin().await?;
        tx.upsert_day(day, DaySource::Admin).await?;
        tx.commit().await
    }

    /// Withdraws an administrator's decision for a date and puts back what was shipped for it
    /// (`shipped`), or nothing when the date is an ordinary day. Returns whether anything changed.
    pub async fn unset_calendar_day(
        &self,
        date: Date,
        shipped: Option<(CalendarDay, DaySource)>,
    ) -> Result<bool, StorageError> {
        let mut tx = self.begin().await?;
        let deleted = exec_tx!(&mut tx, |c| {
            sqlx::query("delete from calendar_day where date = $1 and source = 'admin'")
                .bind(date)
                .execute(c)
                .await
        })?;
        if deleted > 0
            && let Some((day, source)) = shipped
        {
            tx.upsert_day(&day, source).await?;
        }
        tx.commit().await?;
        Ok(deleted > 0)
    }
}
