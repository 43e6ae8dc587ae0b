//! The reference data shipped in `catalog/` (embedded in the binary at build time) and how it is
//! loaded into a database: on first start automatically, later on demand with `motcua seed`.
//! Loading validates the whole catalogue first, so a bad edit never half-replaces good data.

use domain::calendar::{CalendarDay, default_days, merge};
use domain::catalogue::{Agency, Catalogue, Field, Procedure, Workflow};
use serde::Deserialize;

use crate::StorageError;
use crate::calendar::DaySource;
use crate::db::Db;

include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

/// Years whose holidays are computed and stored on first start (DESIGN §5).
pub const CALENDAR_YEARS: std::ops::RangeInclusive<i32> = 2020..=2035;

/// Key in `app_meta` recording that the shipped reference data was loaded.
const SEEDED_KEY: &str = "reference_data_seeded_at";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgencyFile {
    agency: Vec<Agency>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldFile {
    field: Vec<Field>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkflowFile {
    workflow: Vec<Workflow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProcedureFile {
    procedure: Vec<Procedure>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayFile {
    #[serde(default)]
    day: Vec<HolidayEntry>,
}

/// A day as written in `holidays.toml`, with a native TOML date (`date = 2026-02-14`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayEntry {
    date: toml::value::Datetime,
    kind: domain::calendar::DayKind,
    name: String,
    name_en: String,
}

impl HolidayEntry {
    fn into_day(self) -> Result<CalendarDay, String> {
        let date = match (self.date.date, self.date.time) {
            (Some(d), None) => time::Month::try_from(d.month)
                .ok()
                .and_then(|m| time::Date::from_calendar_date(i32::from(d.year), m, d.day).ok()),
            _ => None,
        }
        .ok_or_else(|| format!("catalog/holidays.toml: {} is not a plain date", self.date))?;
        Ok(CalendarDay {
            date,
            kind: self.kind,
            name: self.name,
            name_en: self.name_en,
        })
    }
}

fn parse<T: for<'de> Deserialize<'de>>(path: &str, text: &str) -> Result<T, StorageError> {
    toml::from_str(text)
        .map_err(|e| StorageError::InvalidReferenceData(vec![format!("catalog/{path}: {e}")]))
}

fn file(path: &str) -> Result<&'static str, StorageError> {
    CATALOG_FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
        .ok_or_else(|| {
            StorageError::InvalidReferenceData(vec![format!("catalog/{path} is missing")])
        })
}

/// The catalogue shipped in `catalog/`, with placeholders expanded and every rule checked.
pub fn shipped_catalogue() -> Result<Catalogue, StorageError> {
    let mut catalogue = Catalogue {
        agencies: parse::<AgencyFile>("agencies.toml", file("agencies.toml")?)?.agency,
        fields: parse::<FieldFile>("fields.toml", file("fields.toml")?)?.field,
        workflows: parse::<WorkflowFile>("workflows.toml", file("workflows.toml")?)?.workflow,
        procedures: Vec::new(),
    };
    for (path, text) in CATALOG_FILES {
        if path.starts_with("procedures/") {
            catalogue
                .procedures
                .extend(parse::<ProcedureFile>(path, text)?.procedure);
        }
    }
    catalogue.expand_agency_placeholders();
    domain::catalogue::validate(&catalogue).map_err(|errors| {
        StorageError::InvalidReferenceData(errors.iter().map(ToString::to_string).collect())
    })?;
    Ok(catalogue)
}

/// The government's yearly decisions shipped in `catalog/holidays.toml`.
pub fn official_days() -> Result<Vec<CalendarDay>, StorageError> {
    parse::<HolidayFile>("holidays.toml", file("holidays.toml")?)?
        .day
        .into_iter()
        .map(|entry| {
            entry
                .into_day()
                .map_err(|e| StorageError::InvalidReferenceData(vec![e]))
        })
        .collect()
}

/// The calendar days the program starts with for one year: computed statutory holidays
/// (Labour Code 2019 Art. 112) replaced where the shipped official decisions say otherwise,
/// each tagged with where it came from.
pub fn shipped_days(year: i32) -> Result<Vec<(CalendarDay, DaySource)>, StorageError> {
    let official: Vec<CalendarDay> = official_days()?
        .into_iter()
        .filter(|d| d.date.year() == year)
        .collect();
    let merged = merge(default_days(year), official.clone());
    Ok(merged
        .into_iter()
        .map(|d| {
            let source = if official.contains(&d) {
                DaySource::Official
            } else {
                DaySource::Computed
            };
            (d, source)
        })
        .collect())
}

/// What a seeding run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    /// Agencies in the tree.
    pub agencies: usize,
    /// Procedures in the catalogue.
    pub procedures: usize,
    /// Calendar days stored (holidays, days off in lieu, swapped working days).
    pub calendar_days: usize,
}

impl Db {
    /// Whether the shipped reference data has ever been loaded into this database.
    pub async fn is_seeded(&self) -> Result<bool, StorageError> {
        Ok(self.meta(SEEDED_KEY).await?.is_some())
    }

    /// Loads the shipped catalogue and calendar in one transaction. Calendar days an
    /// administrator edited are kept; everything else is replaced by the shipped version.
    pub async fn seed_reference_data(&self) -> Result<SeedReport, StorageError> {
        let catalogue = shipped_catalogue()?;
        let mut days = Vec::new();
        for year in CALENDAR_YEARS {
            days.extend(shipped_days(year)?);
        }
        let mut tx = self.begin().await?;
        tx.store_catalogue(&catalogue).await?;
        tx.replace_shipped_days(&days).await?;
        tx.set_meta(
            SEEDED_KEY,
            &time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .map_err(|e| StorageError::Corrupt(e.to_string()))?,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            agencies = catalogue.agencies.len(),
            procedures = catalogue.procedures.len(),
            calendar_days = days.len(),
            "reference data loaded"
        );
        Ok(SeedReport {
            agencies: catalogue.agencies.len(),
            procedures: catalogue.procedures.len(),
            calendar_days: days.len(),
        })
    }

    /// Seeds the reference data unless it was loaded before; returns what was loaded, if anything.
    pub async fn seed_if_empty(&self) -> Result<Option<SeedReport>, StorageError> {
        if self.is_seeded().await? {
            Ok(None)
        } else {
            self.seed_reference_data().await.map(Some)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_is_valid_and_large_enough() {
        let catalogue = shipped_catalogue().expect("shipped catalogue is valid");
        assert!(
            catalogue.procedures.len() >= 60,
            "{}",
            catalogue.procedures.len()
        );
        let communes = catalogue
            .agencies
            .iter()
            .filter(|a| a.kind == domain::catalogue::AgencyKind::Commune)
            .count();
        assert!(communes >= 20, "{communes} communes");
        for level in domain::catalogue::Level::ALL {
            assert!(
                catalogue.procedures.iter().any(|p| p.level == level),
                "no procedure at level {level:?}"
            );
        }
        assert!(catalogue.procedures.iter().any(|p| p.priority));
    }

    #[test]
    fn every_shipped_year_has_its_statutory_holidays() {
        for year in CALENDAR_YEARS {
            let days = shipped_days(year).expect("shipped days");
            assert!(days.len() >= 11, "{year} has {} special days", days.len());
        }
    }
}
